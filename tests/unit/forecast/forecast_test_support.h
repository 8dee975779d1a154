// Synthetic monthly series for the forecast tests.
#pragma once

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "forecast/random.h"
#include "segcast/forecast.h"

namespace segcast::testing {

//! level + slope * month (+ extra slope after `kink`) + amplitude * sin(2 pi month/12 + phase)
//! + noise * N(0, 1); months from 2000-01.
inline MonthlySeries MakeSeries(const std::string& id, int months, double level, double slope,
                                double amplitude, double phase, double noise, uint64_t seed,
                                int kink = -1, double slope_change = 0.0) {
  internal::XoshiroRandom random(seed);
  MonthlySeries series;
  series.id = id;
  series.first_month = MakeMonth(2000, 1);
  for (int month = 0; month < months; ++month) {
    double value = level + slope * month +
                   amplitude * std::sin(2.0 * std::numbers::pi * month / 12.0 + phase);
    if (kink >= 0 && month > kink) value += slope_change * (month - kink);
    series.values.push_back(value + noise * random.Normal());
  }
  return series;
}

//! `count` series of min_months .. min_months + 12 months: level 100 to 160, gentle slopes and
//! seasons, iid noise; far from zero, so no bound is cut. Deterministic in `seed`.
inline std::vector<MonthlySeries> SmoothSeries(int count, uint64_t seed, int min_months = 60) {
  std::vector<MonthlySeries> series;
  for (int i = 0; i < count; ++i) {
    const uint64_t s = seed + 7919 * i;
    series.push_back(MakeSeries(std::to_string(i), min_months + i % 13, 100.0 + (s % 61),
                                0.05 * static_cast<double>(s % 9) - 0.2, 5.0 + (s % 11), 0.3 * (s % 7),
                                3.0 + (s % 5), s));
  }
  return series;
}

//! Options that fit exactly Prophet's model (no recency weighting, no damping, no averaging).
inline ForecastOptions PlainOptions() {
  ForecastOptions options;
  options.selection = Selection::kFixed;
  options.recency_half_life = 0.0;
  options.trend_damping = 1.0;
  options.theta_weight = 0.0;
  return options;
}

}  // namespace segcast::testing
