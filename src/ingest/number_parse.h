// Decimal numbers of quantity, price and amount columns.
#pragma once

#include <charconv>
#include <cmath>
#include <string_view>

#include "ingest/text_util.h"

namespace segcast::internal {

//! Parses a finite decimal number ("6", "-2.55", "+1e3", surrounding spaces allowed); false for
//! anything else, including "", "nan", "inf" and thousands separators.
inline bool ParseNumber(std::string_view text, double& value) {
  text = TrimSpaces(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

}  // namespace segcast::internal
