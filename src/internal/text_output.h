// Text output helpers shared by every writer of CSV and JSON files.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

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

//! An integer with thousands separators: 541909 -> "541,909".
inline std::string WithThousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  for (int position = static_cast<int>(digits.size()) - 3; position > 0; position -= 3) {
    digits.insert(static_cast<size_t>(position), ",");
  }
  if (value < 0) digits.insert(0, 1, '-');  // not "-" + digits: GCC 12 warns falsely (-Wrestrict)
  return digits;
}

}  // namespace segcast::internal
