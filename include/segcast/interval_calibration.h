// Calibrating the model's intervals to a user's own series from a rolling-origin backtest.
//
// The default intervals are calibrated on monthly tourism series (docs/forecasting.md); on other
// data they can be too wide or too narrow. This scales every interval by one factor chosen so
// that, on the backtest's own points, the share of actuals inside the interval reaches the
// nominal level: the split-conformal rule (Vovk, Gammerman & Shafer 2005; Angelopoulos & Bates
// 2023, "Conformal prediction: a gentle introduction", section 1) with each point's score the
// factor its interval would need, IntervalRatio::ratio. Points of one series are not
// exchangeable, so the guarantee is approximate; the per-horizon coverage shows where the
// shape of the intervals, not only their size, is off.
//
//   segcast::BacktestResult backtest = segcast::Backtest(series, backtest_options);
//   segcast::IntervalCalibration calibration = segcast::CalibrateIntervals(backtest);
//   segcast::ForecastOptions options = backtest_options.forecast;
//   segcast::ScaleIntervals(options, calibration.scale);  // then ForecastAll(series, options)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "segcast/backtest.h"
#include "segcast/forecast.h"

namespace segcast {

struct IntervalCalibrationOptions {
  //! The factor the backtest's forecasts already carried (a `--interval-scale` given to the
  //! backtest); the result is relative to the unscaled options. > 0.
  double current_scale = 1.0;
  //! Fewest model points with an interval; fewer throws InputError. >= 1. The rank rule also
  //! needs ceil((n + 1) interval) <= n, e.g. n >= 4 at 80% and n >= 19 at 95%.
  int64_t min_points = 30;
  //! The scale is rounded up to this many decimals, so the printed flag value reproduces the
  //! coverage reported; 1 .. 6.
  int decimals = 3;
  //! Throws InvalidArgument naming the field.
  void Validate() const;
};

struct IntervalCalibration {
  double interval = 0.8;  //!< nominal coverage the scale aims at (the backtest's)
  //! Factor for the distance from the point forecast to each bound, relative to the unscaled
  //! options: pass it to ScaleIntervals or `--interval-scale`. < 1 narrows, > 1 widens.
  double scale = 1.0;
  int64_t points = 0;             //!< model points with an interval the scale was chosen on
  double coverage_before = 0.0;   //!< share of those points inside the backtest's intervals
  double coverage_after = 0.0;    //!< the same with the intervals scaled by `scale`
  //! Per month ahead (index h - 1): points, and coverage before / after (NaN without points).
  std::vector<int64_t> points_by_horizon;
  std::vector<double> coverage_before_by_horizon;
  std::vector<double> coverage_after_by_horizon;

  //! A few lines: the scale, coverage before and after, overall and by month ahead.
  std::string Summary() const;
};

//! The smallest factor (rounded up) that puts at least ceil((n + 1) interval) of the backtest's
//! n model points inside their scaled intervals. Coverage after is exact where the scaled
//! multiplier stays above its 0.1 floor and the lower bound is not cut at 0 (there it errs
//! towards more coverage). Throws InputError when there are too few points with an interval, or
//! when the needed factor is infinite (intervals collapsed onto the point forecast).
IntervalCalibration CalibrateIntervals(const BacktestResult& backtest,
                                       const IntervalCalibrationOptions& options = {});

//! Multiplies the horizon multiplier of the intervals (interval_scale_h1 and
//! interval_scale_slope) by `scale` > 0: every bound's distance from the point forecast scales
//! by it. Throws InvalidArgument for a scale that is not a positive finite number.
void ScaleIntervals(ForecastOptions& options, double scale);

}  // namespace segcast
