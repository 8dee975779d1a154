// Purchase dates of every format the supported logs use, at day precision.
//
//   ISO        2009-12-01 07:45:00, 2009-12-01T07:45, 2017-02-25
//   US         12/1/2010 8:26, 12/01/2010, 12/1/2010 08:26:00   (month first)
//   Excel      41245 or 41245.5: serial days, day 0 = 1899-12-30
// The calendar check (2011-02-30 does not exist) goes through Boost.Date_Time (TryDayFromCivil);
// a time of day, when present, must be valid too (hour 0-23, minute 0-59, second 0-60).
// Consecutive rows of a log mostly share a date, so the last text (whole, and its date part) and
// its day are cached: a pure function of the text, so the cache never changes a result.
//
//   segcast::internal::DateParser parser;
//   std::optional<segcast::Day> day = parser.Parse("12/1/2010 8:26");  // 2010-12-01
#pragma once

#include <cstring>
#include <optional>
#include <string_view>

#include "segcast/calendar.h"

namespace segcast::internal {

//! Excel serial day 0 (1899-12-30) in segcast day numbers.
inline constexpr Day kExcelEpochOffset = -25569;

class DateParser {
 public:
  //! The day of `text` (surrounding spaces ignored), or nullopt when it is not a date in one of
  //! the formats above.
  std::optional<Day> Parse(std::string_view text);

 private:
  std::optional<Day> ParseUncached(std::string_view text);
  std::optional<Day> ParseDatePart(std::string_view date);

  // The last successfully parsed text as given (date and time), then its date part alone.
  static constexpr size_t kWholeBytes = 32;
  char whole_text_[kWholeBytes] = {};
  size_t whole_size_ = 0;
  Day whole_day_ = 0;

  static constexpr size_t kCacheBytes = 16;
  char cached_text_[kCacheBytes] = {};
  size_t cached_size_ = 0;
  Day cached_day_ = 0;
};

//! True when `text` is a valid time of day: H:MM, HH:MM, HH:MM:SS or HH:MM:SS.fraction.
bool IsValidTimeOfDay(std::string_view text);

}  // namespace segcast::internal
