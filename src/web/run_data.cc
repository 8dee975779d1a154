#include "web/run_data.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>

#include "segcast/calendar.h"
#include "segcast/error.h"
#include "web/run_csv.h"

namespace segcast::internal {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json ReadJsonFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open the file", {.file = path.string()});
  try {
    return json::parse(in);
  } catch (const json::exception& error) {
    throw InputError(std::string("malformed JSON: ") + error.what(), {.file = path.string()});
  }
}

template <typename T>
T JsonOr(const json& object, const char* key, T fallback) {
  if (!object.is_object()) return fallback;
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return fallback;
  try {
    return found->get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

// The clustering settings of the run, as ClusterStage built them from RunOptions.
void ReadSettings(const json& manifest, const std::string& run_dir, RunData& run) {
  const json options = manifest.value("options", json::object());
  const json cluster = options.value("cluster", json::object());
  const json scale = options.value("scale", json::object());
  const json panel = options.value("panel", json::object());
  run.fit.metric = ParseMetric(JsonOr<std::string>(cluster, "metric", "dtw"));
  run.fit.band.radius = JsonOr<int>(cluster, "band_radius", -1);
  run.fit.band.fraction = JsonOr<double>(cluster, "band_fraction", 0.0);
  run.fit.max_iter = JsonOr<int>(cluster, "max_iter", run.fit.max_iter);
  run.fit.tol = JsonOr<double>(cluster, "tol", run.fit.tol);
  run.fit.n_init = JsonOr<int>(cluster, "n_init", run.fit.n_init);
  run.fit.seed = JsonOr<uint64_t>(options, "seed", 0);
  run.scale.scaling = ParsePanelScaling(JsonOr<std::string>(scale, "scaling", "feature-minmax"));
  run.scale.log1p_frequency_monetary = JsonOr<bool>(scale, "log1p_frequency_monetary", true);
  run.zero_pre_acquisition = JsonOr<std::string>(panel, "pre_acquisition", "absent") == "zero";
  const std::string rules = JsonOr<std::string>(options.value("personas", json::object()), "rules", "built-in");
  run.persona_rules = DefaultPersonaRules();
  if (rules != "built-in" && !rules.empty()) {
    // The rules file is resolved as the run resolved it (relative to where it ran), then beside
    // the run folder; a rules file that moved away falls back to the built-in rules.
    for (const fs::path& candidate : {fs::path(rules), fs::path(run_dir) / rules}) {
      std::error_code error;
      if (fs::is_regular_file(candidate, error)) {
        run.persona_rules = LoadPersonaRules(candidate.string());
        break;
      }
    }
  }
}

void ReadCustomers(const fs::path& dir, RunData& run) {
  const RunCsv rfm = ReadRunCsv((dir / "rfm.csv").string());
  const RunCsv assignments = ReadRunCsv((dir / "assignments.csv").string());
  const fs::path lrfm_path = dir / "lrfm.csv";
  std::error_code error;
  const bool has_lrfm = fs::is_regular_file(lrfm_path, error);

  auto add = [&run](const std::string& id) {
    const auto [where, inserted] = run.index_of.emplace(id, static_cast<int>(run.customers.size()));
    if (inserted) run.customers.push_back(RunCustomer{.id = id});
    return where->second;
  };

  if (has_lrfm) {
    const RunCsv lrfm = ReadRunCsv(lrfm_path.string());
    const int id_column = lrfm.Column("customer_id"), month_column = lrfm.Column("month");
    const int feature_columns[kLrfmFeatures] = {lrfm.Column("L"), lrfm.Column("R"), lrfm.Column("F"),
                                                lrfm.Column("M")};
    std::vector<MonthIndex> months(lrfm.rows.size());
    MonthIndex first = std::numeric_limits<MonthIndex>::max(), last = std::numeric_limits<MonthIndex>::min();
    for (size_t row = 0; row < lrfm.rows.size(); ++row) {
      const auto month = ParseIsoMonth(lrfm.rows[row][month_column]);
      if (!month) {
        throw InputError("not a month: '" + lrfm.rows[row][month_column] + "'",
                         {.file = lrfm.path, .line = static_cast<int64_t>(row) + 2, .field = "month",
                          .expected = "YYYY-MM"});
      }
      months[row] = *month;
      first = std::min(first, *month);
      last = std::max(last, *month);
      add(lrfm.rows[row][id_column]);
    }
    LrfmPanel& panel = run.panel;
    const int customers = static_cast<int>(run.customers.size());
    panel.first_month = customers > 0 ? first : 0;
    panel.month_count = customers > 0 ? last - first + 1 : 0;
    panel.customer_ids.resize(customers);
    panel.customer_index.resize(customers);
    panel.start.assign(customers, panel.month_count);
    panel.values.assign(static_cast<size_t>(customers) * panel.month_count * kLrfmFeatures, 0.0);
    for (size_t row = 0; row < lrfm.rows.size(); ++row) {
      const int customer = run.index_of.at(lrfm.rows[row][id_column]);
      const int month = months[row] - panel.first_month;
      panel.start[customer] = std::min(panel.start[customer], month);
      for (int feature = 0; feature < kLrfmFeatures; ++feature) {
        panel.values[(static_cast<size_t>(customer) * panel.month_count + month) * kLrfmFeatures + feature] =
            lrfm.Number(row, feature_columns[feature]);
      }
    }
    for (int customer = 0; customer < customers; ++customer) {
      panel.customer_ids[customer] = run.customers[customer].id;
      panel.customer_index[customer] = customer;
    }
    if (const auto as_of = ParseIsoDay(run.as_of)) panel.as_of = *as_of;
    run.panel_zero_filled =
        customers > 0 && std::all_of(panel.start.begin(), panel.start.end(), [](int32_t s) { return s == 0; });
  }

  const int rfm_id = rfm.Column("customer_id"), rfm_country = rfm.Column("country");
  const int rfm_recency = rfm.Column("recency"), rfm_frequency = rfm.Column("frequency");
  const int rfm_monetary = rfm.Column("monetary"), rfm_first = rfm.Column("first_purchase");
  const int rfm_last = rfm.Column("last_purchase");
  const int assign_id = assignments.Column("customer_id"), assign_segment = assignments.Column("segment");
  const int assign_distance = assignments.Column("distance");
  for (size_t row = 0; row < assignments.rows.size(); ++row) {
    const int customer = add(assignments.rows[row][assign_id]);
    run.customers[customer].segment = static_cast<int32_t>(assignments.Number(row, assign_segment));
    run.customers[customer].distance = assignments.Number(row, assign_distance);
  }
  for (size_t row = 0; row < rfm.rows.size(); ++row) {
    const auto found = run.index_of.find(rfm.rows[row][rfm_id]);
    if (found == run.index_of.end()) continue;  // no purchase in the panel months: not segmented
    RunCustomer& customer = run.customers[found->second];
    customer.country = rfm.rows[row][rfm_country];
    customer.recency = rfm.Number(row, rfm_recency);
    customer.frequency = rfm.Number(row, rfm_frequency);
    customer.monetary = rfm.Number(row, rfm_monetary);
    customer.first_purchase = rfm.rows[row][rfm_first];
    customer.last_purchase = rfm.rows[row][rfm_last];
    if (!customer.country.empty()) run.has_countries = true;
  }

  // Revenue and persona levels exactly as the pipeline's panel stage computes them.
  const LrfmPanel& panel = run.panel;
  for (size_t customer = 0; customer < run.customers.size(); ++customer) {
    RunCustomer& row = run.customers[customer];
    if (!run.HasPanel()) {
      row.revenue = row.monetary;
      continue;
    }
    const int c = static_cast<int>(customer);
    const int last = panel.month_count - 1;
    const int length = panel.SeriesLength(c);
    double frequency = 0, monetary = 0;
    for (int month = panel.start[c]; month <= last; ++month) {
      frequency += panel.At(c, month, kFrequency);
      monetary += panel.At(c, month, kMonetary);
    }
    row.revenue = monetary;
    row.levels = {panel.At(c, last, kLength), panel.At(c, last, kRecency),
                  length > 0 ? frequency / length : 0.0, length > 0 ? monetary / length : 0.0};
  }
}

}  // namespace

int RunData::Find(const std::string& customer_id) const {
  const auto found = index_of.find(customer_id);
  return found == index_of.end() ? -1 : found->second;
}

std::string PreviousRunId(const std::string& previous) {
  if (previous.empty()) return "";
  fs::path path(previous);
  if (path.filename() == "model.json") path = path.parent_path();
  while (!path.empty() && path.filename().empty()) path = path.parent_path();
  return path.filename().string();
}

std::string FileTimeIso(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return "";
  const std::time_t seconds = status.st_mtime;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

LrfmPanel PanelForMetric(const RunData& run, Metric metric) {
  LrfmPanel panel = run.panel;
  const bool zero = metric == Metric::kEuclidean || run.zero_pre_acquisition;
  for (int customer = 0; customer < panel.customer_count(); ++customer) {
    if (zero) {
      panel.start[customer] = 0;  // cells before the first purchase are 0 already
    } else if (run.panel_zero_filled) {
      // A zero-filled run folder: the series starts at the first purchase month, the first month
      // whose L (days since the first purchase) is positive.
      int start = 0;
      while (start < panel.month_count - 1 && panel.At(customer, start, kLength) <= 0 &&
             panel.At(customer, start, kFrequency) <= 0) {
        ++start;
      }
      panel.start[customer] = start;
    }
  }
  return panel;
}

std::shared_ptr<const RunData> LoadRunFolder(const std::string& dir_text, const std::string& run_id) {
  const fs::path dir(dir_text);
  auto run = std::make_shared<RunData>();
  run->run_id = run_id;
  run->dir = dir_text;
  const json manifest = ReadJsonFile(dir / "manifest.json");
  run->as_of = JsonOr<std::string>(manifest, "as_of", "");
  run->created_at = FileTimeIso((dir / "manifest.json").string());
  run->previous_run_id = PreviousRunId(JsonOr<std::string>(manifest, "previous", ""));
  ReadSettings(manifest, dir_text, *run);
  run->segments_json = ReadJsonFile(dir / "segments.json");
  run->k = JsonOr<int>(run->segments_json, "k", 0);
  run->silhouette = JsonOr<double>(run->segments_json, "silhouette", std::nan(""));
  std::error_code error;
  if (fs::is_regular_file(dir / "forecast.json", error)) run->forecast_json = ReadJsonFile(dir / "forecast.json");
  ReadCustomers(dir, *run);
  if (run->HasPanel()) {
    run->series = PanelToSeries(PanelForMetric(*run, Metric::kDtw), run->scale, nullptr);
  }
  return run;
}

}  // namespace segcast::internal
