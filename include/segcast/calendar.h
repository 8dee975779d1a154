// Calendar days and months as plain integers.
//
// The pipeline works at day precision (LRFM is defined in whole days) and in calendar months.
// Both are small integers so that panels and tables stay dense arrays:
//   Day        days since 1970-01-01 (proleptic Gregorian); 2011-12-10 is 15318.
//   MonthIndex year * 12 + (month - 1); 2011-12 is 24143.
// Conversions go through Boost.Date_Time.
//
//   segcast::Day as_of = segcast::DayFromCivil(2011, 12, 10);
//   segcast::MonthIndex month = segcast::MonthOfDay(as_of);     // 2011-12
//   segcast::Day month_end = segcast::FirstDayOfMonth(month + 1);  // 2012-01-01, exclusive
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace segcast {

//! Days since 1970-01-01.
using Day = int32_t;
//! year * 12 + (month - 1).
using MonthIndex = int32_t;

//! The years a Day or MonthIndex can hold: the range Boost.Date_Time supports.
inline constexpr int kFirstCalendarYear = 1400;
inline constexpr int kLastCalendarYear = 9999;

//! A day written as year, month (1-12), day of month (1-31).
struct CivilDate {
  int year = 1970;
  int month = 1;
  int day = 1;
};

//! Day number of a valid Gregorian date; nullopt when the date does not exist (2011-02-30) or
//! lies outside 1400-01-01 .. 9999-12-31 (the range Boost.Date_Time supports).
std::optional<Day> TryDayFromCivil(int year, int month, int day);
//! As TryDayFromCivil, throwing InvalidArgument for a date that does not exist.
Day DayFromCivil(int year, int month, int day);
CivilDate CivilFromDay(Day day);

inline MonthIndex MakeMonth(int year, int month) { return year * 12 + (month - 1); }
inline int YearOf(MonthIndex month) { return month / 12; }
inline int MonthOf(MonthIndex month) { return month % 12 + 1; }
MonthIndex MonthOfDay(Day day);
Day FirstDayOfMonth(MonthIndex month);

//! "YYYY-MM-DD".
std::string FormatDay(Day day);
//! "YYYY-MM".
std::string FormatMonth(MonthIndex month);
//! Parses "YYYY-MM-DD"; nullopt if malformed or not a real date.
std::optional<Day> ParseIsoDay(std::string_view text);
//! Parses "YYYY-MM"; nullopt if malformed.
std::optional<MonthIndex> ParseIsoMonth(std::string_view text);

}  // namespace segcast
