// Purchase dates of every format the supported logs use, at day precision.
//
//   ISO        2009-12-01 07:45:00, 2009-12-01T07:45, 2017-02-25
//   slash      12/1/2010 8:26, 01/12/2010 08:26:00, 12/1/2010 8:26 PM, 2010/12/01
//              (the order of day and month is DateOrder's: see below)
//   Excel      41245 or 41245.5: serial days, day 0 = 1899-12-30
// The calendar check (2011-02-30 does not exist) goes through Boost.Date_Time (TryDayFromCivil);
// a time of day, when present, must be valid too (hour 0-23, minute 0-59, second 0-60; with AM or
// PM the hour is 1-12).
//
// A slash date A/B/YYYY reads as month/day or day/month. Which readings are real dates is a fact
// of the text alone (SlashDate): 13/01/2011 is only a real date day first, 01/13/2011 only month
// first, 05/01/2011 either way. Under DateOrder::kAuto the parser accepts every slash date that
// is real in some order and returns both readings of the ambiguous ones, so that the caller can
// decide the order from the whole file (ingest.cc) and then keep one reading. Under an explicit
// order, a date that is not real in that order is not a date.
//
// Consecutive rows of a log mostly share a date, so the last text (whole, and its date part) and
// its reading are cached: a pure function of the text and the order, so the cache never changes
// a result.
//
//   segcast::internal::DateParser parser;                           // DateOrder::kAuto
//   std::optional<segcast::Day> day = parser.Parse("12/1/2010 8:26");  // 2010-12-01
//   segcast::internal::DateReading reading = parser.Read("13/01/2011");
//   // reading.ok, reading.day == 2011-01-13, reading.slash == SlashDate::kDayFirstOnly
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "segcast/calendar.h"
#include "segcast/ingest.h"

namespace segcast::internal {

//! Excel serial day 0 (1899-12-30) in segcast day numbers.
inline constexpr Day kExcelEpochOffset = -25569;

//! What a text says about the order of a slash date's fields, whatever order is in force.
enum class SlashDate : uint8_t {
  kNone,            //!< not a slash date (ISO, Excel serial, or not a date at all)
  kYearFirst,       //!< YYYY/M/D
  kEither,          //!< A/B/YYYY real both as month/day and as day/month (both fields <= 12)
  kDayFirstOnly,    //!< real only as day/month (first field above 12)
  kMonthFirstOnly,  //!< real only as month/day (second field above 12)
  kNeither,         //!< A/B/YYYY real in neither order (13/13/2011, 31/02/2011), or a bad time
};

//! The reading of one date text under the parser's DateOrder.
struct DateReading {
  //! A real date in the parser's order (under kAuto: in some order).
  bool ok = false;
  //! The day when ok. Under kAuto an ambiguous slash date gives its month-first reading here.
  Day day = 0;
  //! kAuto only: the slash date is real in both orders and the two days differ; `day_first` is
  //! then its day-first reading.
  bool ambiguous = false;
  Day day_first = 0;
  //! The text's slash-date evidence (the same under every order).
  SlashDate slash = SlashDate::kNone;
};

class DateParser {
 public:
  explicit DateParser(DateOrder order = DateOrder::kAuto) : order_(order) {}

  //! The reading of `text` (surrounding spaces ignored).
  DateReading Read(std::string_view text);

  //! The day of `text`, or nullopt when it is not a date in one of the formats above (under
  //! kAuto, an ambiguous slash date gives its month-first day).
  std::optional<Day> Parse(std::string_view text) {
    const DateReading reading = Read(text);
    return reading.ok ? std::optional<Day>(reading.day) : std::nullopt;
  }

 private:
  DateReading ReadUncached(std::string_view text);
  DateReading ReadDatePart(std::string_view date);

  DateOrder order_;

  // The last text read as given (date and time), then its date part alone.
  static constexpr size_t kWholeBytes = 32;
  char whole_text_[kWholeBytes] = {};
  size_t whole_size_ = 0;
  DateReading whole_reading_;

  static constexpr size_t kCacheBytes = 16;
  char cached_text_[kCacheBytes] = {};
  size_t cached_size_ = 0;
  DateReading cached_reading_;
};

//! True when `text` is a valid time of day: H:MM, HH:MM, HH:MM:SS or HH:MM:SS.fraction, on the
//! 24-hour clock, or on the 12-hour clock followed by AM or PM (any case, with or without a space
//! before it: 8:26 PM, 08:26:00am).
bool IsValidTimeOfDay(std::string_view text);

}  // namespace segcast::internal
