// Decimal numbers of quantity, price and amount columns.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "ingest/text_util.h"

namespace segcast::internal {

//! Plain decimals of at most 15 digits ("6", "-2.55", "0.165"), the form of nearly every quantity
//! and price: the digits as an integer (exact below 2^53) divided by a power of ten (exact up to
//! 1e22) is one correctly rounded IEEE division, so the result equals the correctly rounded
//! from_chars result bit for bit (Clinger 1990, "How to read floating point numbers accurately",
//! the fast path). False means "not handled here", never "not a number".
inline bool ParseSimpleDecimal(std::string_view text, double& value) {
  static constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* cursor = text.data();
  const char* end = cursor + text.size();
  const bool negative = cursor < end && *cursor == '-';
  if (negative) ++cursor;
  uint64_t mantissa = 0;
  int digits = 0;
  int fraction_digits = 0;
  bool point = false;
  for (; cursor < end; ++cursor) {
    const char c = *cursor;
    if (c >= '0' && c <= '9') {
      if (++digits > 15) return false;
      mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
      fraction_digits += point;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  // ".5" and "5." are left to from_chars, which alone decides whether they are numbers.
  if (digits == 0 || (point && (fraction_digits == 0 || fraction_digits == digits))) return false;
  double result = static_cast<double>(mantissa);
  if (fraction_digits > 0) result /= kPowersOfTen[fraction_digits];
  value = negative ? -result : result;
  return true;
}

//! Parses a finite decimal number ("6", "-2.55", "+1e3", surrounding spaces allowed); false for
//! anything else, including "", "nan", "inf" and thousands separators.
inline bool ParseNumber(std::string_view text, double& value) {
  text = TrimSpaces(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  if (ParseSimpleDecimal(text, value)) return true;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

}  // namespace segcast::internal
