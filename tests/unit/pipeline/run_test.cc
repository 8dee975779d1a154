// End-to-end tests of RunPipeline on the bundled Online Retail sample: invariants of the outputs,
// determinism across thread counts, re-segmentation, saved-model assignment, locking, configs.
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "pipeline/run_directory.h"
#include "segcast/assign.h"
#include "segcast/error.h"
#include "segcast/interval_calibration.h"
#include "segcast/model.h"
#include "segcast/pipeline.h"
#include "segcast/store.h"

namespace fs = std::filesystem;
using namespace segcast;

namespace {

const std::string kSample = std::string(SEGCAST_SOURCE_DIR) + "/data/online_retail_sample.csv.gz";

fs::path FreshDirectory(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("segcast-pipeline-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

RunOptions SampleOptions(const fs::path& output) {
  RunOptions options;
  options.ingest.path = kSample;
  options.output_dir = output.string();
  options.k = 3;
  options.forecast.samples = 200;
  return options;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::vector<std::string>> ReadCsv(const fs::path& path) {
  std::ifstream file(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(file, line)) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, ',')) fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

}  // namespace

TEST_CASE("a run on the sample accounts for every customer and every unit of revenue",
          "[pipeline]") {
  const fs::path out = FreshDirectory("invariants");
  const RunResult result = RunPipeline(SampleOptions(out));

  CHECK(result.run_id == "2011-12-10");  // the as-of date: the day after the last purchase
  CHECK(result.ingest.rows_read ==
        result.ingest.rows_accepted + result.ingest.rejected_total());
  CHECK(result.k == 3);
  CHECK(result.segments.size() == 3);

  // Segment sizes add up to the customers; revenue shares to 1; every name is distinct.
  int64_t customers = 0;
  double revenue_share = 0;
  std::set<std::string> names;
  for (const SegmentSummary& segment : result.report.segments) {
    customers += segment.customers;
    revenue_share += segment.revenue_share;
  }
  for (const RunSegment& segment : result.segments) names.insert(segment.persona.name);
  CHECK(customers == result.customers);
  CHECK(revenue_share == Approx(1.0).epsilon(1e-12));
  CHECK(names.size() == 3);

  // Series: total, existing, new, then one per segment. In history the segments add up to the
  // total; in the future they add up to the existing customers, and existing + new = total.
  REQUIRE(result.forecasts.size() == 6);
  REQUIRE(result.forecasts[0].series_id == "total");
  REQUIRE(result.forecasts[1].series_id == "existing");
  REQUIRE(result.forecasts[2].series_id == "new");
  const size_t history = result.forecasts[1].points.size() - 6;
  for (size_t point = 0; point < result.forecasts[1].points.size(); ++point) {
    const bool is_history = result.forecasts[1].points[point].is_history;
    CHECK(is_history == (point < history));
    double segments = 0;
    for (size_t series = 3; series < 6; ++series) {
      const ForecastPoint& at = result.forecasts[series].points[point];
      segments += is_history ? at.actual : at.yhat;
      if (!is_history) CHECK((at.yhat_lower <= at.yhat && at.yhat <= at.yhat_upper));
    }
    const ForecastPoint& existing = result.forecasts[1].points[point];
    const ForecastPoint& total = result.forecasts[0].points[point];
    CHECK(segments == Approx(is_history ? total.actual : existing.yhat).epsilon(1e-9));
    if (!is_history) {
      const ForecastPoint& fresh = result.forecasts[2].points[point - history];
      CHECK(total.yhat == Approx(existing.yhat + fresh.yhat).epsilon(1e-12));
    }
  }
  // The sample ends on 9 December 2011: December is partial and left out of the fit.
  REQUIRE(result.forecasts[0].partial.has_value());
  CHECK(FormatMonth(result.forecasts[0].partial->month) == "2011-12");

  // Files: one assignment per customer, latest points at the run, the store holds the run.
  const fs::path run_dir = out / "runs" / "2011-12-10";
  for (const char* name : {"assignments.csv", "segments.csv", "segments.json", "centroids.csv",
                           "forecast.csv", "forecast.json", "rfm.csv", "lrfm.csv", "report.md",
                           "manifest.json", "ingest_report.json", "rejects.csv", "concentration.csv",
                           "clv.csv", "customer_base.json", "cohort_backtest.csv",
                           "cohort_backtest_scores.csv"}) {
    CHECK(fs::exists(run_dir / name));
  }
  CHECK(ReadCsv(run_dir / "assignments.csv").size() == static_cast<size_t>(result.customers) + 1);
  CHECK(ReadCsv(run_dir / "clv.csv").size() == static_cast<size_t>(result.customers) + 1);
  // segments.csv ends with each persona's description and recommended action.
  const std::vector<std::string> segments_header = ReadCsv(run_dir / "segments.csv").front();
  REQUIRE(segments_header.size() >= 3);
  CHECK(std::vector<std::string>(segments_header.end() - 3, segments_header.end()) ==
        std::vector<std::string>{"description", "action", "action_why"});
  const std::string segments_text = ReadFile(run_dir / "segments.csv");
  for (const RunSegment& segment : result.segments) {
    INFO(segment.persona.name);
    CHECK_FALSE(segment.persona.action.name.empty());
    CHECK(segments_text.find("," + segment.persona.action.name + ",") != std::string::npos);
  }
  REQUIRE(result.cohort_backtest);
  CHECK(result.cohort_backtest->scores.front().origin == DayFromCivil(2011, 9, 1));
  CHECK(ReadCsv(run_dir / "rejects.csv").size() ==
        static_cast<size_t>(result.ingest.rejected_total()) + 1);
  CHECK(fs::canonical(out / "latest") == fs::canonical(run_dir));
  auto store = OpenStore("sqlite:" + (out / "segcast.db").string());
  const StoredRun stored = store->LoadRun("2011-12-10");
  CHECK(stored.assignments.size() == static_cast<size_t>(result.customers));
  CHECK(stored.segments.size() == 3);
  fs::remove_all(out);
}

TEST_CASE("outputs are byte-identical for 1 and 2 threads", "[pipeline][determinism]") {
  const fs::path one = FreshDirectory("threads1");
  const fs::path two = FreshDirectory("threads2");
  RunOptions options = SampleOptions(one);
  options.k = 0;
  options.k_min = 2;
  options.k_max = 4;
  options.threads = 1;
  RunPipeline(options);
  options.output_dir = two.string();
  options.threads = 2;
  RunPipeline(options);
  for (const char* name : {"assignments.csv", "segments.csv", "segments.json", "centroids.csv",
                           "k_selection.csv", "forecast.csv", "rfm.csv", "lrfm.csv",
                           "concentration.csv", "report.md", "clv.csv", "customer_base.json",
                           "cohort_backtest.csv"}) {
    INFO(name);
    const std::string a = ReadFile(one / "latest" / name);
    CHECK(!a.empty());
    if (std::string(name) == "k_selection.csv") continue;  // holds fit seconds
    CHECK(a == ReadFile(two / "latest" / name));
  }
  fs::remove_all(one);
  fs::remove_all(two);
}

namespace {

// Future rows of forecast.csv: series,month -> (yhat, lower, upper).
std::map<std::string, std::array<double, 3>> FutureBounds(const fs::path& forecast_csv) {
  std::map<std::string, std::array<double, 3>> bounds;
  const auto rows = ReadCsv(forecast_csv);
  for (size_t row = 1; row < rows.size(); ++row) {
    if (rows[row][7] != "0") continue;  // is_history
    bounds[rows[row][0] + "," + rows[row][1]] = {std::stod(rows[row][2]), std::stod(rows[row][3]),
                                                 std::stod(rows[row][4])};
  }
  return bounds;
}

}  // namespace

TEST_CASE("calibrate_intervals scales the forecast intervals by the factor of the run's own backtest",
          "[pipeline][calibration]") {
  const fs::path plain_dir = FreshDirectory("calibrate-off");
  const fs::path scaled_dir = FreshDirectory("calibrate-on");
  RunOptions options = SampleOptions(plain_dir);
  options.store = "none";
  options.segment_forecast = SegmentForecast::kSeries;  // the customer-base model sizes its own
  // Four origins from 7 months of history: enough backtest points (4 series x 4 x 3) to calibrate.
  options.backtest.origins = 4;
  options.backtest.min_history = 7;
  const RunResult plain = RunPipeline(options);
  CHECK_FALSE(plain.interval_calibration);
  options.output_dir = scaled_dir.string();
  options.calibrate_intervals = true;
  const RunResult scaled = RunPipeline(options);
  REQUIRE(scaled.interval_calibration);
  REQUIRE(scaled.backtest);
  // The backtest ran with the unscaled intervals, and the factor is the one it implies.
  CHECK(ReadFile(plain_dir / "latest" / "backtest.csv") == ReadFile(scaled_dir / "latest" / "backtest.csv"));
  const double scale = scaled.interval_calibration->scale;
  CHECK(scale == CalibrateIntervals(*scaled.backtest).scale);
  CHECK(scaled.interval_calibration->points == scaled.backtest->rows.front().points);
  CHECK(scaled.interval_calibration->coverage_after >= 0.8);

  const auto before = FutureBounds(plain_dir / "latest" / "forecast.csv");
  const auto after = FutureBounds(scaled_dir / "latest" / "forecast.csv");
  REQUIRE(before.size() == after.size());
  REQUIRE(before.size() >= 6);
  for (const auto& [key, old_bounds] : before) {
    INFO(key);
    const auto& new_bounds = after.at(key);
    CHECK(new_bounds[0] == old_bounds[0]);  // point forecasts do not move
    // Upper bounds are never cut, so their distance scales exactly (up to the CSV's digits).
    CHECK(new_bounds[2] - new_bounds[0] == Approx(scale * (old_bounds[2] - old_bounds[0])).epsilon(1e-6));
  }
  const std::string manifest = ReadFile(scaled_dir / "latest" / "manifest.json");
  CHECK(manifest.find("\"interval_calibration\"") != std::string::npos);
  CHECK(ReadFile(scaled_dir / "latest" / "report.md").find("The intervals are scaled by") != std::string::npos);
  fs::remove_all(plain_dir);
  fs::remove_all(scaled_dir);
}

TEST_CASE("calibrate_intervals with too few backtest points leaves the intervals as they are and says why",
          "[pipeline][calibration]") {
  const fs::path out = FreshDirectory("calibrate-few");
  RunOptions options = SampleOptions(out);
  options.store = "none";
  options.segment_forecast = SegmentForecast::kSeries;
  options.backtest.origins = 1;  // 4 series x 1 origin x 3 months: below the 30 points needed
  options.calibrate_intervals = true;
  const RunResult result = RunPipeline(options);
  CHECK_FALSE(result.interval_calibration);
  CHECK(result.interval_calibration_note.find("too few backtest forecasts") != std::string::npos);
  CHECK(ReadFile(out / "latest" / "report.md").find("not applied") != std::string::npos);

  options.run_backtest = false;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
  options.run_backtest = true;
  options.segment_forecast = SegmentForecast::kCustomerBase;
  CHECK_THROWS_AS(options.Validate(), InvalidArgument);
  fs::remove_all(out);
}

TEST_CASE("re-segmenting the same data keeps every segment and every customer where it was",
          "[pipeline][resegment]") {
  const fs::path out = FreshDirectory("resegment");
  RunOptions options = SampleOptions(out);
  options.run_id = "first";
  const RunResult first = RunPipeline(options);
  options.run_id = "second";
  options.previous = "first";
  options.k = 0;  // keep_previous_k: the previous run's k is fitted, not a sweep
  const RunResult second = RunPipeline(options);

  CHECK(second.k == first.k);
  REQUIRE(second.migration.has_value());
  CHECK(second.migration->stayed == second.customers);
  CHECK(second.migration->moved == 0);
  CHECK(second.migration->new_customers == 0);
  CHECK(second.migration->gone == 0);
  for (size_t index = 0; index < first.segments.size(); ++index) {
    CHECK(second.segments[index].segment_id == first.segments[index].segment_id);
    CHECK(second.segments[index].persona.name == first.segments[index].persona.name);
    CHECK(second.segments[index].previous_segment_id == first.segments[index].segment_id);
  }

  // From a model folder instead of a store run id: the same alignment.
  options.run_id = "third";
  options.previous = (out / "models" / "first").string();
  const RunResult third = RunPipeline(options);
  CHECK(third.migration.has_value());
  CHECK(third.migration->stayed == third.customers);
  fs::remove_all(out);
}

TEST_CASE("the migration matrix sums to both runs' customer counts", "[pipeline][resegment]") {
  const fs::path out = FreshDirectory("migration");
  RunOptions options = SampleOptions(out);
  options.panel.as_of = DayFromCivil(2011, 7, 1);
  const RunResult june = RunPipeline(options);
  options.panel.as_of.reset();
  options.previous = june.run_id;
  const RunResult december = RunPipeline(options);
  REQUIRE(december.migration.has_value());
  int64_t from_june = 0, to_december = 0;
  for (const MigrationCell& cell : december.migration->matrix) {
    if (cell.from_segment >= 0) from_june += cell.customers;
    if (cell.to_segment >= 0) to_december += cell.customers;
  }
  CHECK(from_june == june.customers);
  CHECK(to_december == december.customers);
  CHECK(december.migration->new_customers == december.customers - june.customers);
  fs::remove_all(out);
}

TEST_CASE("assigning the fitted log with the saved model reproduces the run's segments",
          "[pipeline][assign]") {
  const fs::path out = FreshDirectory("assign");
  const RunResult result = RunPipeline(SampleOptions(out));
  const SavedModel model = LoadModel(result.model_dir);
  IngestOptions ingest;
  ingest.path = kSample;
  const IngestResult log = Ingest(ingest);
  const AssignResult assigned = AssignWithModel(model, log.transactions, {});

  std::map<std::string, int> run_segment;
  for (const auto& row : ReadCsv(fs::path(result.run_dir) / "assignments.csv")) {
    if (row[0] != "customer_id") run_segment[row[0]] = std::stoi(row[1]);
  }
  REQUIRE(assigned.rows.size() == run_segment.size());
  int agree = 0;
  for (const CustomerAssignment& row : assigned.rows) agree += run_segment[row.customer_id] == row.segment_id;
  CHECK(agree == static_cast<int>(assigned.rows.size()));
  CHECK(std::accumulate(assigned.segment_counts.begin(), assigned.segment_counts.end(), int64_t{0}) ==
        static_cast<int64_t>(assigned.rows.size()));
  for (const CustomerAssignment& row : assigned.rows) CHECK(row.distance <= row.runner_up_distance);
  fs::remove_all(out);
}

TEST_CASE("a second run on a locked output directory fails at once with BusyError",
          "[pipeline][lock]") {
  const fs::path out = FreshDirectory("lock");
  internal::DirectoryLock held(out);
  CHECK_THROWS_AS(RunPipeline(SampleOptions(out)), BusyError);
  fs::remove_all(out);
}

TEST_CASE("a failing run leaves the previous run's files intact", "[pipeline][crash]") {
  const fs::path out = FreshDirectory("failure");
  RunOptions options = SampleOptions(out);
  RunPipeline(options);
  const std::string before = ReadFile(out / "latest" / "assignments.csv");
  const fs::path rules = out / "broken_rules.toml";
  std::ofstream(rules) << "[[persona]]\nname = \"Only\"\nlevel = { Q = \"high\" }\n";
  options.persona_rules_path = rules.string();
  CHECK_THROWS_AS(RunPipeline(options), ConfigError);
  CHECK(ReadFile(out / "latest" / "assignments.csv") == before);
  fs::remove_all(out);
}

TEST_CASE("run configs: values, relative paths and errors that name file, line and key",
          "[pipeline][config]") {
  const fs::path dir = FreshDirectory("config");
  const fs::path config = dir / "run.toml";
  std::ofstream(config) << "[input]\npath = \"logs/orders.csv\"\nwindow = 6\n\n"
                           "[cluster]\nk_range = \"3..5\"\nmetric = \"euclidean\"\nk_tolerance = 0.0\n"
                           "min_segment_share = 0.2\nsweep_sample = 5000\n\n"
                           "[forecast]\nhorizon = 12\n\n[output]\ndir = \"out\"\n";
  RunOptions options;
  LoadRunConfig(config.string(), options);
  CHECK(options.ingest.path == (dir / "logs/orders.csv").string());
  CHECK(options.output_dir == (dir / "out").string());
  CHECK(options.panel.window == 6);
  CHECK(options.k == 0);
  CHECK(options.k_min == 3);
  CHECK(options.k_max == 5);
  CHECK(options.cluster.metric == Metric::kEuclidean);
  CHECK(options.k_choice.silhouette_tolerance == 0.0);
  CHECK(options.k_choice.min_segment_share == 0.2);
  CHECK(options.sweep_sample == 5000);
  CHECK(RunOptions{}.sweep_sample == kDefaultSweepSample);
  CHECK(options.forecast.horizon == 12);
  {
    RunOptions too_small = options;
    too_small.sweep_sample = 4;  // below k_max = 5: the sample cannot hold every k
    CHECK_THROWS_AS(too_small.Validate(), InvalidArgument);
    too_small.sweep_sample = -1;
    CHECK_THROWS_AS(too_small.Validate(), InvalidArgument);
  }
  {
    RunOptions out_of_range = options;
    out_of_range.k_choice.min_segment_share = 0.6;  // no k >= 2 can have every segment above 50%
    CHECK_THROWS_AS(out_of_range.Validate(), InvalidArgument);
  }

  std::ofstream(config) << "[input]\npath = \"a.csv\"\n\n[cluster]\nk = 4\nmetrc = \"dtw\"\n";
  try {
    LoadRunConfig(config.string(), options);
    FAIL("an unknown key was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.location().line == 6);
    CHECK(error.location().field == "cluster.metrc");
    CHECK(error.location().file == config.string());
  }
  std::ofstream(config) << "[cluster]\nk = \"four\"\n";
  CHECK_THROWS_AS(LoadRunConfig(config.string(), options), ConfigError);
  std::ofstream(config) << "[cluster]\nmetric = \"manhattan\"\n";
  CHECK_THROWS_AS(LoadRunConfig(config.string(), options), ConfigError);

  // forecast.interval_scale multiplies both parts of the intervals' horizon multiplier.
  std::ofstream(config) << "[forecast]\ninterval_scale = 0.5\n";
  RunOptions scaled;
  LoadRunConfig(config.string(), scaled);
  CHECK(scaled.forecast.interval_scale_h1 == Approx(0.5 * ForecastOptions{}.interval_scale_h1));
  CHECK(scaled.forecast.interval_scale_slope == Approx(0.5 * ForecastOptions{}.interval_scale_slope));
  std::ofstream(config) << "[forecast]\nhorizon = 6\ninterval_scale = -1.0\n";
  try {
    LoadRunConfig(config.string(), scaled);
    FAIL("a negative interval scale was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.location().line == 3);
    CHECK(error.location().field == "forecast.interval_scale");
  }
  std::ofstream(config) << "[forecast]\ninterval_scale = \"wide\"\n";
  CHECK_THROWS_AS(LoadRunConfig(config.string(), scaled), ConfigError);
  std::ofstream(config) << "[forecast]\ncalibrate = true\n";
  LoadRunConfig(config.string(), scaled);
  CHECK(scaled.calibrate_intervals);

  // The customer-base model's section and the segment model.
  std::ofstream(config) << "[forecast]\nsegment_model = \"series\"\n\n[customer_base]\n"
                           "holdout_months = 2\nrate_adjustment = \"none\"\nnew_customers = false\n"
                           "clv_months = 24\nmonthly_discount = 0.02\n";
  RunOptions base;
  LoadRunConfig(config.string(), base);
  CHECK(base.segment_forecast == SegmentForecast::kSeries);
  CHECK(base.customer_base.holdout_months == 2);
  CHECK(base.customer_base.rate_adjustment == RateAdjustment::kNone);
  CHECK_FALSE(base.customer_base.new_customers);
  CHECK(base.customer_base.customer_base.clv_months == 24);
  CHECK(base.customer_base.customer_base.monthly_discount == 0.02);
  std::ofstream(config) << "[customer_base]\nrate_adjustment = \"weekly\"\n";
  try {
    LoadRunConfig(config.string(), base);
    FAIL("an unknown rate adjustment was accepted");
  } catch (const ConfigError& error) {
    CHECK(error.location().line == 2);
    CHECK(error.location().field == "customer_base.rate_adjustment");
  }
  fs::remove_all(dir);
}
