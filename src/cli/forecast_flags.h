// Flags shared by `segcast forecast` and `segcast backtest`: where the monthly series come from
// (a long series CSV, or a transaction log turned into total and per-segment revenue) and the
// model options.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/ingest_flags.h"
#include "cli/table_flags.h"
#include "segcast/forecast.h"
#include "segcast/monthly_series.h"

namespace segcast::cli {

struct SeriesFlags {
  IngestFlags ingest;        //!< FILE (transaction log) and its schema flags
  std::string series;        //!< --series: long CSV series_id,month,value
  std::string assignments;   //!< --assignments: id,segment,... from `segcast segment`
  std::string as_of;         //!< --as-of YYYY-MM-DD
};

//! The flags of the forecast model. Those that are options of `segcast run` too (horizon,
//! interval, the series model's settings, seed) come from RunOptionTable(): ModelTableOptions().
struct ModelFlags {
  std::string preset = "monthly";
  std::string selection = "average";
  std::string growth = "linear";
  std::string seasonality_mode = "additive";
  std::string transform = "none";
  std::vector<double> half_lives;
  ForecastOptions options;  //!< --half-life and --cap
  TableFlags table;         //!< the flags of ModelTableOptions()
};

//! The entries of RunOptionTable() that are flags of `segcast forecast` and `segcast backtest`.
const std::vector<std::string>& ModelTableOptions();

void AddSeriesFlags(CLI::App& command, SeriesFlags& flags);
void AddModelFlags(CLI::App& command, ModelFlags& flags);

//! The options after applying the preset and every flag given; validated. Flags given override
//! the preset's values.
ForecastOptions ResolveModelOptions(const CLI::App& command, const ModelFlags& flags);

//! The --interval-scale given, 1 without it.
double IntervalScaleFlag(const ModelFlags& flags);

//! Reads the series (--series, or FILE through ingest, panel and --assignments). Adds what was
//! read to `summary` and prints a short report on stderr.
std::vector<MonthlySeries> LoadSeries(const SeriesFlags& flags, nlohmann::json& summary);

}  // namespace segcast::cli
