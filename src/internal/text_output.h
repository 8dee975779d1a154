// Text output helpers shared by every writer of CSV and JSON files.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace segcast::internal {

//! A CSV field (RFC 4180): quoted only when it holds a comma, a quote or a line break.
inline std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

//! The shortest decimal text that reads back as the same double; "" for NaN (an empty CSV cell
//! means missing), "inf" / "-inf" for infinities.
inline std::string FormatNumber(double value) {
  if (std::isnan(value)) return "";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return "0";  // no "-0" in outputs
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

//! Decimal digits with a comma every three from the right, after a minus sign when `negative`:
//! ("541909", false) -> "541,909". Appending (not inserting) keeps GCC 12's false -Wrestrict
//! warning on string::insert away.
inline std::string GroupThousands(std::string_view digits, bool negative) {
  std::string text;
  text.reserve(digits.size() + digits.size() / 3 + 1);
  if (negative) text.push_back('-');
  for (size_t index = 0; index < digits.size(); ++index) {
    if (index > 0 && (digits.size() - index) % 3 == 0) text.push_back(',');
    text.push_back(digits[index]);
  }
  return text;
}

//! An integer with thousands separators: 541909 -> "541,909".
inline std::string WithThousands(int64_t value) {
  // The magnitude in unsigned arithmetic: -value overflows for the smallest int64_t.
  const uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  return GroupThousands(std::to_string(magnitude), value < 0);
}

}  // namespace segcast::internal
