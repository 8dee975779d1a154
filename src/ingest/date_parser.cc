#include "ingest/date_parser.h"

#include <chrono>

#include "ingest/text_util.h"

namespace segcast::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses 1..max_digits decimal digits, the whole view.
bool ParseDigits(std::string_view text, size_t min_digits, size_t max_digits, int& value) {
  if (text.size() < min_digits || text.size() > max_digits) return false;
  value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

std::optional<Day> ParseIso(std::string_view date) {
  int year = 0, month = 0, day = 0;
  if (!ParseDigits(date.substr(0, 4), 4, 4, year) || !ParseDigits(date.substr(5, 2), 2, 2, month) ||
      !ParseDigits(date.substr(8, 2), 2, 2, day)) {
    return std::nullopt;
  }
  return TryDayFromCivil(year, month, day);
}

// A slash date: A/B/YYYY in either order of day and month, or YYYY/M/D. `day` is the reading in
// `order` (kAuto: month first when that is real, else day first); `day_first` the day-first one.
DateReading ReadSlash(std::string_view date, DateOrder order) {
  DateReading reading;
  size_t first = date.find('/');
  size_t second = date.find('/', first + 1);
  if (second == std::string_view::npos || date.find('/', second + 1) != std::string_view::npos) {
    return reading;
  }
  const std::string_view a = date.substr(0, first);
  const std::string_view b = date.substr(first + 1, second - first - 1);
  const std::string_view c = date.substr(second + 1);
  int year = 0, x = 0, y = 0;
  if (a.size() == 4) {
    if (!ParseDigits(a, 4, 4, year) || !ParseDigits(b, 1, 2, x) || !ParseDigits(c, 1, 2, y)) {
      return reading;
    }
    reading.slash = SlashDate::kYearFirst;
    const std::optional<Day> day = TryDayFromCivil(year, x, y);
    if (day && (order == DateOrder::kAuto || order == DateOrder::kYearFirst)) {
      reading.ok = true;
      reading.day = *day;
    }
    return reading;
  }
  if (!ParseDigits(a, 1, 2, x) || !ParseDigits(b, 1, 2, y) || !ParseDigits(c, 4, 4, year)) {
    return reading;
  }
  const std::optional<Day> month_first = TryDayFromCivil(year, x, y);
  const std::optional<Day> day_first = TryDayFromCivil(year, y, x);
  reading.slash = month_first ? (day_first ? SlashDate::kEither : SlashDate::kMonthFirstOnly)
                              : (day_first ? SlashDate::kDayFirstOnly : SlashDate::kNeither);
  switch (order) {
    case DateOrder::kMonthFirst:
      reading.ok = month_first.has_value();
      reading.day = month_first.value_or(0);
      break;
    case DateOrder::kDayFirst:
      reading.ok = day_first.has_value();
      reading.day = day_first.value_or(0);
      break;
    case DateOrder::kYearFirst:
      break;
    case DateOrder::kAuto:
      reading.ok = month_first || day_first;
      reading.day = month_first ? *month_first : day_first.value_or(0);
      if (month_first && day_first && *month_first != *day_first) {
        reading.ambiguous = true;
        reading.day_first = *day_first;
      }
      break;
  }
  return reading;
}

// Serial days as Excel stores them; a fraction is the time of day and is dropped.
std::optional<Day> ParseExcelSerial(std::string_view text) {
  size_t point = text.find('.');
  std::string_view whole = text.substr(0, point);
  if (point != std::string_view::npos) {
    std::string_view fraction = text.substr(point + 1);
    for (char c : fraction) {
      if (!IsDigit(c)) return std::nullopt;
    }
  }
  int serial = 0;
  // 2958465 is 9999-12-31, the last day Boost.Date_Time (and Excel) represents.
  if (!ParseDigits(whole, 1, 7, serial) || serial < 1 || serial > 2958465) return std::nullopt;
  Day day = serial + kExcelEpochOffset;
  // 1400-01-01 is the earliest day TryDayFromCivil accepts; serial days start in 1899.
  return day;
}

}  // namespace

bool IsValidTimeOfDay(std::string_view text) {
  // A 12-hour clock ends in AM or PM, maybe after a space: 8:26 PM, 08:26:00am.
  bool twelve_hour = false;
  if (text.size() >= 2) {
    const std::string_view suffix = text.substr(text.size() - 2);
    if (EqualsIgnoreCase(suffix, "AM") || EqualsIgnoreCase(suffix, "PM")) {
      twelve_hour = true;
      text = text.substr(0, text.size() - 2);
      if (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    }
  }
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  int hour = 0, minute = 0, second = 0;
  if (!ParseDigits(text.substr(0, colon), 1, 2, hour)) return false;
  if (twelve_hour ? (hour < 1 || hour > 12) : hour > 23) return false;
  std::string_view rest = text.substr(colon + 1);
  size_t second_colon = rest.find(':');
  if (!ParseDigits(rest.substr(0, second_colon), 2, 2, minute) || minute > 59) return false;
  if (second_colon == std::string_view::npos) return true;
  std::string_view seconds = rest.substr(second_colon + 1);
  size_t point = seconds.find('.');
  if (!ParseDigits(seconds.substr(0, point), 2, 2, second) || second > 60) return false;
  if (point == std::string_view::npos) return true;
  std::string_view fraction = seconds.substr(point + 1);
  if (fraction.empty()) return false;
  for (char c : fraction) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

DateReading DateParser::ReadDatePart(std::string_view date) {
  if (date.size() == cached_size_ && date.size() <= kCacheBytes && cached_size_ > 0 &&
      std::memcmp(date.data(), cached_text_, date.size()) == 0) {
    return cached_reading_;
  }
  DateReading reading;
  if (date.size() == 10 && date[4] == '-' && date[7] == '-') {
    if (std::optional<Day> day = ParseIso(date)) {
      reading.ok = true;
      reading.day = *day;
    }
  } else if (date.find('/') != std::string_view::npos) {
    reading = ReadSlash(date, order_);
  }
  if (date.size() <= kCacheBytes) {
    std::memcpy(cached_text_, date.data(), date.size());
    cached_size_ = date.size();
    cached_reading_ = reading;
  }
  return reading;
}

DateReading DateParser::Read(std::string_view text) {
  // Rows of one invoice repeat its date-time text exactly: the whole text is the first cache.
  if (text.size() == whole_size_ && text.size() <= kWholeBytes && whole_size_ > 0 &&
      std::memcmp(text.data(), whole_text_, text.size()) == 0) {
    return whole_reading_;
  }
  const DateReading reading = ReadUncached(text);
  if (text.size() <= kWholeBytes) {
    // An empty view may have a null data pointer, which memcpy must not be given.
    if (!text.empty()) std::memcpy(whole_text_, text.data(), text.size());
    whole_size_ = text.size();
    whole_reading_ = reading;
  }
  return reading;
}

DateReading DateParser::ReadUncached(std::string_view text) {
  text = TrimSpaces(text);
  if (text.empty()) return {};
  size_t split = text.find(' ');
  // ISO 8601 may separate date and time with 'T'.
  if (split == std::string_view::npos && text.size() > 10 && text[10] == 'T' && text[4] == '-') {
    split = 10;
  }
  if (split == std::string_view::npos) {
    if (text.find('-') == std::string_view::npos && text.find('/') == std::string_view::npos) {
      DateReading reading;
      if (std::optional<Day> day = ParseExcelSerial(text)) {
        reading.ok = true;
        reading.day = *day;
      }
      return reading;
    }
    return ReadDatePart(text);
  }
  std::string_view time = TrimSpaces(text.substr(split + 1));
  // A bad time makes the whole text no date, and no evidence of a date order either.
  if (!IsValidTimeOfDay(time)) return {};
  return ReadDatePart(text.substr(0, split));
}

}  // namespace segcast::internal

namespace segcast {

std::string_view DateOrderName(DateOrder order) {
  switch (order) {
    case DateOrder::kAuto:
      return "auto";
    case DateOrder::kMonthFirst:
      return "mdy";
    case DateOrder::kDayFirst:
      return "dmy";
    case DateOrder::kYearFirst:
      return "ymd";
  }
  return "auto";
}

std::optional<DateOrder> ParseDateOrder(std::string_view name) {
  for (DateOrder order :
       {DateOrder::kAuto, DateOrder::kMonthFirst, DateOrder::kDayFirst, DateOrder::kYearFirst}) {
    if (name == DateOrderName(order)) return order;
  }
  return std::nullopt;
}

Day DefaultLatestDay() {
  // Days since the epoch of the system clock, which counts UTC without leap seconds.
  const auto now = std::chrono::system_clock::now();
  const auto today = std::chrono::floor<std::chrono::days>(now).time_since_epoch().count();
  return static_cast<Day>(today) + 1;
}

}  // namespace segcast
