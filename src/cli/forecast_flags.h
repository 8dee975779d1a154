// Flags shared by `segcast forecast` and `segcast backtest`: where the monthly series come from
// (a long series CSV, or a transaction log turned into total and per-segment revenue) and the
// model options.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/ingest_flags.h"
#include "segcast/forecast.h"
#include "segcast/monthly_series.h"

namespace segcast::cli {

struct SeriesFlags {
  IngestFlags ingest;        //!< FILE (transaction log) and its schema flags
  std::string series;        //!< --series: long CSV series_id,month,value
  std::string assignments;   //!< --assignments: id,segment,... from `segcast segment`
  std::string as_of;         //!< --as-of YYYY-MM-DD
};

struct ModelFlags {
  std::string preset = "monthly";
  std::string selection = "average";
  std::string growth = "linear";
  std::string seasonality_mode = "additive";
  std::string transform = "none";
  std::string yearly = "auto";
  std::vector<double> half_lives;
  double interval_scale = 1.0;  //!< --interval-scale: factor on every bound's distance
  ForecastOptions options;
};

void AddSeriesFlags(CLI::App& command, SeriesFlags& flags);
void AddModelFlags(CLI::App& command, ModelFlags& flags);

//! The options after applying the preset and every flag given; validated.
ForecastOptions ResolveModelOptions(const CLI::App& command, const ModelFlags& flags);

//! Reads the series (--series, or FILE through ingest, panel and --assignments). Adds what was
//! read to `summary` and prints a short report on stderr.
std::vector<MonthlySeries> LoadSeries(const SeriesFlags& flags, nlohmann::json& summary);

}  // namespace segcast::cli
