#include "segcast/calendar.h"

#include <boost/date_time/gregorian/gregorian.hpp>
#include <charconv>
#include <cstdio>

#include "segcast/error.h"

namespace segcast {
namespace {

namespace bg = boost::gregorian;

const bg::date& Epoch() {
  static const bg::date epoch(1970, 1, 1);
  return epoch;
}

bool ParseInt(std::string_view text, int& value) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<Day> TryDayFromCivil(int year, int month, int day) {
  if (year < 1400 || year > 9999 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > bg::gregorian_calendar::end_of_month_day(year, month)) return std::nullopt;
  bg::date date(static_cast<unsigned short>(year), static_cast<unsigned short>(month),
                static_cast<unsigned short>(day));
  return static_cast<Day>((date - Epoch()).days());
}

Day DayFromCivil(int year, int month, int day) {
  auto result = TryDayFromCivil(year, month, day);
  if (!result) {
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
    throw InvalidArgument(std::string("not a calendar date: ") + text,
                          {.expected = "a real date between 1400-01-01 and 9999-12-31"});
  }
  return *result;
}

CivilDate CivilFromDay(Day day) {
  bg::date date = Epoch() + bg::date_duration(day);
  auto ymd = date.year_month_day();
  return {static_cast<int>(ymd.year), static_cast<int>(ymd.month), static_cast<int>(ymd.day)};
}

MonthIndex MonthOfDay(Day day) {
  CivilDate civil = CivilFromDay(day);
  return MakeMonth(civil.year, civil.month);
}

Day FirstDayOfMonth(MonthIndex month) { return DayFromCivil(YearOf(month), MonthOf(month), 1); }

std::string FormatDay(Day day) {
  CivilDate civil = CivilFromDay(day);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", civil.year, civil.month, civil.day);
  return text;
}

std::string FormatMonth(MonthIndex month) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", YearOf(month), MonthOf(month));
  return text;
}

std::optional<Day> ParseIsoDay(std::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!ParseInt(text.substr(0, 4), year) || !ParseInt(text.substr(5, 2), month) ||
      !ParseInt(text.substr(8, 2), day)) {
    return std::nullopt;
  }
  return TryDayFromCivil(year, month, day);
}

std::optional<MonthIndex> ParseIsoMonth(std::string_view text) {
  int year = 0, month = 0;
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  if (!ParseInt(text.substr(0, 4), year) || !ParseInt(text.substr(5, 2), month)) return std::nullopt;
  if (year < 1400 || year > 9999 || month < 1 || month > 12) return std::nullopt;
  return MakeMonth(year, month);
}

}  // namespace segcast
