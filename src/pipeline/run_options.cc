#include <string>

#include "segcast/error.h"
#include "segcast/pipeline.h"

namespace segcast {
namespace {

// Run ids name folders and store keys, so they stay within a portable file-name alphabet.
bool IsSafeRunId(const std::string& id) {
  if (id.empty() || id.size() > 128 || id[0] == '.') return false;
  for (char c : id) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
    if (!safe) return false;
  }
  return true;
}

}  // namespace

bool IsReservedRunId(const std::string& run_id) { return run_id == kLatestRunName; }

void RunOptions::Validate() const {
  ingest.Validate();
  panel.Validate();
  if (k < 0) throw InvalidArgument("must be 0 (choose by silhouette) or >= 1", {.field = "k"});
  if (k == 0) {
    if (k_min < 2) {
      throw InvalidArgument("k range must start at 2 or more (a silhouette needs two clusters)",
                            {.field = "k_min", .expected = ">= 2"});
    }
    if (k_max < k_min) {
      throw InvalidArgument("k range is empty", {.field = "k_max", .expected = ">= k_min"});
    }
  }
  TsKMeansOptions cluster_check = cluster;
  cluster_check.k = k > 0 ? k : k_min;
  cluster_check.Validate();
  silhouette.Validate();
  k_choice.Validate();
  if (sweep_sample < 0 || (k == 0 && sweep_sample > 0 && sweep_sample < k_max)) {
    throw InvalidArgument("out of range",
                          {.field = "sweep_sample", .expected = "0 (every customer) or >= k_max"});
  }
  forecast.Validate();
  backtest.Validate();
  customer_base.Validate();
  if (calibrate_intervals && segment_forecast == SegmentForecast::kCustomerBase) {
    throw InvalidArgument(
        "calibrate_intervals applies to the series model: the customer-base forecasts size their "
        "intervals from their own cohort backtest",
        {.field = "calibrate_intervals", .expected = "segment_forecast = series"});
  }
  if (calibrate_intervals && !run_backtest) {
    throw InvalidArgument("calibrating the intervals needs the backtest",
                          {.field = "calibrate_intervals", .expected = "run_backtest = true"});
  }
  if (output_dir.empty()) {
    throw InvalidArgument("an output directory is required", {.field = "output_dir"});
  }
  if (!run_id.empty() && !IsSafeRunId(run_id)) {
    throw InvalidArgument("run id '" + run_id + "' cannot name a folder",
                          {.field = "run_id",
                           .expected = "1-128 characters of A-Z a-z 0-9 . _ - not starting with '.'"});
  }
  if (IsReservedRunId(run_id)) {
    throw InvalidArgument("run id '" + run_id + "' is reserved: OUT/" + kLatestRunName +
                              " and the dashboard use it for the newest run, so a run of that id "
                              "could not be reached",
                          {.field = "run_id", .expected = "another id"});
  }
  if (threads < 0) throw InvalidArgument("must be >= 0", {.field = "threads"});
}

std::optional<SegmentForecast> ParseSegmentForecast(const std::string& name) {
  if (name == "customer-base") return SegmentForecast::kCustomerBase;
  if (name == "series") return SegmentForecast::kSeries;
  return std::nullopt;
}

const char* SegmentForecastName(SegmentForecast model) {
  return model == SegmentForecast::kSeries ? "series" : "customer-base";
}

}  // namespace segcast
