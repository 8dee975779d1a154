// Rolling-origin backtests, accuracy measures and the baseline forecasters they compare against.
//
// Rolling origin (Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF 16(4)): for
// each origin the model sees only the months before it and forecasts the next `horizon` months;
// errors are pooled over origins, horizons and series.
// Measures (Hyndman & Koehler 2006, "Another look at measures of forecast accuracy", IJF 22(4)):
//   MAE, RMSE; sMAPE = mean of 200 |y - f| / (|y| + |f|) (0 when both are 0);
//   MASE = MAE / in-sample MAE of the seasonal naive (lag 12; lag 1 when history < 13 months),
//   computed per series and origin and averaged; coverage = share of actuals inside the interval;
//   width = mean (upper - lower) / mean |actual|.
// Baselines (Hyndman & Athanasopoulos, "Forecasting: principles and practice", 3rd ed., 5.2, 5.5):
//   naive f = y_T, sd_h = s sqrt(h); seasonal naive f = y_{T+h-12(k+1)}, sd_h = s sqrt(k+1) with
//   k = floor((h-1)/12); drift f = y_T + h (y_T - y_1)/(T-1), sd_h = s sqrt(h (1 + h/(T-1))) where
//   s is the root mean square of each method's one-step in-sample residuals; normal intervals.
//
//   segcast::BacktestOptions options;
//   options.origins = 4;
//   segcast::BacktestResult result = segcast::Backtest(series_set.series, options);
//   std::cout << result.Table();
//   segcast::WriteBacktestCsv("out", result);  // backtest.csv, backtest_by_origin.csv
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "segcast/forecast.h"
#include "segcast/monthly_series.h"

namespace segcast {

//! A built-in baseline forecaster.
enum class Baseline { kNaive, kSeasonalNaive, kDrift };
const char* BaselineName(Baseline baseline);

//! Point forecasts and normal intervals of a baseline, `horizon` months after the last value of
//! `history` (NaNs are skipped: the last finite values are used). Fewer than 2 finite values give
//! NaN bounds.
struct BaselineForecast {
  std::vector<double> yhat, lower, upper;  //!< one per future month
};
BaselineForecast ForecastBaseline(Baseline baseline, const std::vector<double>& history,
                                  int horizon, double interval);

//! Error sums over forecast points; combine with Add and read with the accessors.
struct AccuracyAccumulator {
  double abs_error = 0, squared_error = 0, smape = 0, covered = 0, width = 0, abs_actual = 0;
  double mase_sum = 0;       //!< sum over (series, origin) of MAE / scale
  int64_t mase_count = 0;    //!< (series, origin) pairs with a positive scale
  int64_t points = 0;        //!< forecast points with a finite actual

  //! Adds one forecast: actual and forecast values with bounds over the same months (NaN actuals
  //! skipped) and the series' MASE scale (<= 0 or NaN: left out of MASE).
  void Add(const std::vector<double>& actual, const std::vector<double>& yhat,
           const std::vector<double>& lower, const std::vector<double>& upper, double mase_scale);
  void Merge(const AccuracyAccumulator& other);
  double Mae() const;
  double Rmse() const;
  double Smape() const;
  double Mase() const;
  double Coverage() const;
  double RelativeWidth() const;
};

//! In-sample MAE of the seasonal naive (lag 12, or lag 1 for fewer than 13 values); NaN if none.
double MaseScale(const std::vector<double>& history);

struct BacktestOptions {
  //! Forecast options for the model (its horizon is replaced by `horizon`).
  ForecastOptions forecast;
  //! Number of rolling origins per series; 1 .. 60.
  int origins = 3;
  //! Months forecast from each origin; 1 .. 120.
  int horizon = 6;
  //! Months between successive origins; 1 .. 60. The last origin leaves `horizon` months.
  int step = 6;
  //! Months of history required before the first origin; >= 3.
  int min_history = 24;
  //! Threads across series; 0 = all cores.
  int threads = 0;
  void Validate() const;
};

//! One row of the comparison table.
struct BacktestRow {
  std::string method;  //!< "model", "naive", "seasonal_naive", "drift"
  double mae = 0, rmse = 0, smape = 0, mase = 0, coverage = 0, width = 0;
  int64_t points = 0;
};

//! One forecast point of the model in a backtest, measured against its own interval.
struct IntervalRatio {
  int horizon = 0;  //!< months ahead of the origin, 1 .. BacktestOptions::horizon
  //! |actual - yhat| / distance from yhat to the bound on the actual's side: at most 1 inside the
  //! interval. 0 when actual == yhat; +inf when that bound sits on yhat; NaN without bounds.
  double ratio = 0;
};

//! The comparison table of one origin. Origins are counted back from each series' own end, so
//! the same origin is the same calendar month only for series that end in the same month.
struct BacktestOriginResult {
  //! Months between the origin and the end of each series: horizon + k * step, k = 0 for the
  //! last origin.
  int months_before_end = 0;
  int64_t forecasts = 0;          //!< series forecast from this origin
  std::vector<BacktestRow> rows;  //!< model first, then the baselines
};

struct BacktestResult {
  std::vector<BacktestRow> rows;  //!< model first, then the baselines; pooled over origins
  //! The same table origin by origin, oldest first (one entry per origin, also with 1 origin).
  //! Coverage that drifts from one origin to the next for every method points to the period,
  //! not to the intervals (docs/forecasting.md, "Coverage at the test origin").
  std::vector<BacktestOriginResult> by_origin;
  int series_used = 0;            //!< series long enough for at least one origin
  int series_skipped = 0;         //!< too short for any origin
  int64_t forecasts = 0;          //!< (series, origin) pairs evaluated
  double interval = 0.8;          //!< nominal coverage of the intervals
  //! The model's points with a finite actual and forecast, series by series in input order,
  //! oldest origin first: what CalibrateIntervals (interval_calibration.h) scales the intervals by.
  std::vector<IntervalRatio> interval_ratios;
  //! Fixed-width text table; when two or more origins have forecasts, followed by sMAPE and
  //! coverage per origin ("-" for an origin no series was long enough for).
  std::string Table() const;
};

//! Rolling-origin backtest of the model and the three baselines on every series.
BacktestResult Backtest(const std::vector<MonthlySeries>& series, const BacktestOptions& options);

//! Writes `directory`/backtest.csv (method,mae,rmse,smape,mase,coverage,width,points: the pooled
//! rows) and `directory`/backtest_by_origin.csv (months_before_end, then the same columns, oldest
//! origin first); the directory must exist. Throws InputError naming the file if it cannot write.
void WriteBacktestCsv(const std::string& directory, const BacktestResult& result);

}  // namespace segcast
