// Number formatting shared by the evidence and report texts of the segments stage.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "internal/text_output.h"

namespace segcast::internal {

//! 12345.6 -> "12,346"; digits after the point as requested.
inline std::string FormatGrouped(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, std::fabs(value));
  const std::string text(buffer);
  const size_t point = text.find('.');
  const size_t integer_digits = point == std::string::npos ? text.size() : point;
  // "-0" reads badly: only negative when the rounded text is not zero.
  const bool negative = value < 0 && text.find_first_not_of("0.") != std::string::npos;
  std::string grouped = GroupThousands(std::string_view(text).substr(0, integer_digits), negative);
  grouped.append(text, integer_digits);
  return grouped;
}

//! A feature value in its unit: days as whole numbers, F with one or two decimals, M grouped.
inline std::string FormatFeature(int feature, double value) {
  switch (feature) {
    case 0:
    case 1:
      return FormatGrouped(value, 0);
    case 2:
      return FormatGrouped(value, std::fabs(value) < 1.0 ? 2 : 1);
    default:
      return FormatGrouped(value, std::fabs(value) < 100.0 ? 2 : 0);
  }
}

//! 0.134 -> "13.4%".
inline std::string FormatShare(double share) { return FormatGrouped(100.0 * share, 1) + "%"; }

}  // namespace segcast::internal
