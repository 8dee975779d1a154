#include "ingest/date_parser.h"

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

std::optional<Day> ParseUs(std::string_view date) {
  size_t first = date.find('/');
  size_t second = date.find('/', first + 1);
  if (second == std::string_view::npos || date.find('/', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  int month = 0, day = 0, year = 0;
  if (!ParseDigits(date.substr(0, first), 1, 2, month) ||
      !ParseDigits(date.substr(first + 1, second - first - 1), 1, 2, day) ||
      !ParseDigits(date.substr(second + 1), 4, 4, year)) {
    return std::nullopt;
  }
  return TryDayFromCivil(year, month, day);
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
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  int hour = 0, minute = 0, second = 0;
  if (!ParseDigits(text.substr(0, colon), 1, 2, hour) || hour > 23) return false;
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

std::optional<Day> DateParser::ParseDatePart(std::string_view date) {
  if (date.size() == cached_size_ && date.size() <= kCacheBytes &&
      std::memcmp(date.data(), cached_text_, date.size()) == 0) {
    return cached_day_;
  }
  std::optional<Day> day;
  if (date.size() == 10 && date[4] == '-' && date[7] == '-') {
    day = ParseIso(date);
  } else if (date.find('/') != std::string_view::npos) {
    day = ParseUs(date);
  }
  if (day && date.size() <= kCacheBytes) {
    std::memcpy(cached_text_, date.data(), date.size());
    cached_size_ = date.size();
    cached_day_ = *day;
  }
  return day;
}

std::optional<Day> DateParser::Parse(std::string_view text) {
  // Rows of one invoice repeat its date-time text exactly: the whole text is the first cache.
  if (text.size() == whole_size_ && text.size() <= kWholeBytes && whole_size_ > 0 &&
      std::memcmp(text.data(), whole_text_, text.size()) == 0) {
    return whole_day_;
  }
  std::optional<Day> day = ParseUncached(text);
  if (day && text.size() <= kWholeBytes) {
    std::memcpy(whole_text_, text.data(), text.size());
    whole_size_ = text.size();
    whole_day_ = *day;
  }
  return day;
}

std::optional<Day> DateParser::ParseUncached(std::string_view text) {
  text = TrimSpaces(text);
  if (text.empty()) return std::nullopt;
  size_t split = text.find(' ');
  // ISO 8601 may separate date and time with 'T'.
  if (split == std::string_view::npos && text.size() > 10 && text[10] == 'T' && text[4] == '-') {
    split = 10;
  }
  if (split == std::string_view::npos) {
    if (text.find('-') == std::string_view::npos && text.find('/') == std::string_view::npos) {
      return ParseExcelSerial(text);
    }
    return ParseDatePart(text);
  }
  std::string_view time = TrimSpaces(text.substr(split + 1));
  if (!IsValidTimeOfDay(time)) return std::nullopt;
  return ParseDatePart(text.substr(0, split));
}

}  // namespace segcast::internal
