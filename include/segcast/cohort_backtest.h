// The cohort backtest: segment forecasts judged the way a planner uses them.
//
// At each origin the whole job runs on the log as it stood then (every stage reads rows before the
// origin only): panel, clusters, segment forecasts. Each segment is then a fixed set of customers,
// and its actual future revenue is what those same customers spend in the months after the origin,
// read from the full log. Scored with WAPE = sum |actual - forecast| / sum actual over segments x
// months, beside naive forecasts that see only data before the origin: the segment's last month,
// the mean of its last three months and, with a year of history, the same month a year earlier.
// Unlike a backtest of segment revenue series, nothing here was built with future information.
//
//   segcast::CohortBacktestOptions backtest;
//   backtest.origins = {segcast::DayFromCivil(2011, 7, 1), segcast::DayFromCivil(2011, 9, 1)};
//   segcast::CohortBacktestResult result = segcast::RunCohortBacktest(run_options, backtest);
//   (run_options: a segcast::RunOptions from pipeline.h)
//   std::cout << result.Table();
#pragma once

#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/cohort_forecast.h"
#include "segcast/transactions.h"

namespace segcast {

struct RunOptions;  // pipeline.h

struct CohortBacktestOptions {
  //! Forecast origins, each the first day of a month and after the log's first month.
  std::vector<Day> origins;
  //! Months scored after each origin; months the log does not cover to their end are left out.
  //! 1 .. 24.
  int horizon = 6;
  //! Segments per origin; 0 = the run options' choice (k, or the k range). >= 0.
  int k = 0;
  //! At each origin, the intervals are sized by the errors of a cohort backtest this many months
  //! before it (clustered again there with the origin's k, scored on the months up to the
  //! origin), exactly as `segcast run` sizes its own; skipped when that leaves fewer than 3
  //! whole months of history. 0 = off (the forecasts' own holdout and fallback errors). 0 .. 12.
  int calibration_months = 3;
  //! Throws InvalidArgument naming the field.
  void Validate() const;
};

//! One segment (or "total") and month after an origin.
struct CohortBacktestRow {
  Day origin = 0;
  std::string series;      //!< "segment_<id>" or "total"
  int customers = 0;       //!< members at the origin (total: every customer then)
  MonthIndex month = 0;
  double forecast = 0, lower = 0, upper = 0;
  double actual = 0;       //!< the same customers' revenue in the month (total: everyone's)
  double naive_last = 0;   //!< their revenue in the month before the origin
  double naive_mean3 = 0;  //!< their mean monthly revenue over the three months before it
  double seasonal_naive = 0;  //!< their revenue twelve months earlier; NaN without that history
};

//! Scores of one origin, or of all pooled (origin 0); over segment-months only.
struct CohortBacktestScore {
  Day origin = 0;
  int k = 0;                     //!< segments at the origin (0 for the pooled row)
  int points = 0;                //!< segment-months scored
  double wape = 0;               //!< the forecasts
  double wape_naive_last = 0;
  double wape_naive_mean3 = 0;
  double wape_seasonal_naive = 0;  //!< NaN where any point lacks a year of history
  double ratio = 0;              //!< wape / the better of the two naive WAPEs
  double coverage = 0;           //!< share of actuals inside [lower, upper]
  double total_wape = 0;         //!< of the "total" series (every customer, new ones included)
};

struct CohortBacktestResult {
  std::vector<CohortBacktestRow> rows;
  std::vector<CohortBacktestScore> scores;  //!< one per origin, then the pooled one
  double interval = 0.8;
  //! Origins skipped, with why (no whole month after them, too few customers, ...).
  std::vector<std::string> skipped;
  //! A fixed-width table: one line per origin and the pooled line.
  std::string Table() const;
};

//! Ingests options.ingest once and backtests at every origin with the run's options (clusters,
//! forecast options). Throws what the stages throw, InvalidArgument for bad origins.
CohortBacktestResult RunCohortBacktest(const RunOptions& options,
                                       const CohortBacktestOptions& backtest);

//! The same on an ingested log.
CohortBacktestResult CohortBacktest(const RunOptions& options, const Transactions& transactions,
                                    const CohortBacktestOptions& backtest);

//! The log errors of the segment rows (per segment: lasting and month-to-month), as
//! CohortForecastOptions::errors takes them.
ForecastLogErrors CohortBacktestErrors(const CohortBacktestResult& result);

//! Writes cohort_backtest.csv (rows) and cohort_backtest_scores.csv (scores) into `directory`.
void WriteCohortBacktestCsv(const std::string& directory, const CohortBacktestResult& result);

}  // namespace segcast
