// Intervals that calibrate themselves on the series at hand: a rolling-origin backtest on the
// series' own earlier months gives, by the split-conformal rule (interval_calibration.h), the
// factor their intervals need to cover the nominal share of outcomes. ForecastAll applies it to
// the forecasts from the series' ends; Backtest applies, at each origin, the factor learned
// before that origin.
#pragma once

#include <string>
#include <vector>

#include "segcast/forecast.h"
#include "segcast/monthly_series.h"

namespace segcast::internal {

//! Factors for the distance from the point forecast to each bound, by month ahead (index h - 1;
//! months past the end use the last). Empty: the fixed multiplier of ForecastOptions alone.
struct IntervalFactors {
  std::vector<double> by_horizon;
  std::string description;  //!< for SeriesForecast::intervals
};

//! The factors learned from ForecastOptions::calibration_origins earlier origins of `series`.
IntervalFactors SelfCalibrate(const std::vector<MonthlySeries>& series, const ForecastOptions& options);

//! ForecastSeries with the intervals scaled by `factors`.
SeriesForecast ForecastSeriesScaled(const MonthlySeries& series, const ForecastOptions& options,
                                    const IntervalFactors& factors);

}  // namespace segcast::internal
