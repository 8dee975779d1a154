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
#include "segcast/run_option_table.h"
#include "segcast/segmentation.h"
#include "ingest/customer_join.h"
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

// The run's options, read from its manifest by the same table that wrote them (a wrong type is
// an error naming the key, never a silent default).
RunOptions ManifestOptions(const json& manifest, const std::string& source) {
  RunOptions options;
  const auto found = manifest.find("options");
  if (found != manifest.end() && !found->is_null()) ApplyRunOptionsJson(found->dump(), source, options);
  return options;
}

// The clustering settings of the run, as ClusterStage built them from RunOptions.
void ReadSettings(const RunOptions& options, const std::string& run_dir, RunData& run) {
  run.fit = options.cluster;
  run.fit.seed = options.seed;
  run.scale = options.scale;
  run.zero_pre_acquisition = options.panel.pre_acquisition == PreAcquisition::kZero;
  const std::string& rules = options.persona_rules_path;
  run.persona_rules = DefaultPersonaRules();
  if (!rules.empty()) {
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

// A run's per-customer tables, whichever source they come from: the folder's CSV files or the
// store's rows. One builder (FillCustomers) turns them into RunData, so a run answers the same
// bytes from either source.
struct CustomerTables {
  //! One customer-month of the panel; `customer` indexes panel_ids (no id per row: the panel of a
  //! million customers has ten million rows or more).
  struct PanelRow {
    int32_t customer = 0;
    MonthIndex month = 0;
    LrfmValues values{};
  };
  struct AssignmentRow {
    std::string customer_id;
    int32_t segment = -1;
    double distance = 0;
  };
  struct RfmRow {
    std::string customer_id, country, first_purchase, last_purchase;
    double recency = 0, frequency = 0, monetary = 0;
  };
  struct ValueRow {
    std::string customer_id;
    CustomerValue value;
  };
  std::vector<PanelRow> panel;  //!< panel order: customer by customer, months ascending
  std::vector<std::string> panel_ids;  //!< the panel's customers in order of first appearance
  std::vector<AssignmentRow> assignments;
  std::vector<RfmRow> rfm;
  bool has_values = false;  //!< clv.csv / customer_values rows exist (a run with the model)
  std::vector<ValueRow> values;
};

// Appends panel rows to `tables`, numbering customers in order of first appearance (rows come
// customer by customer, so the id is looked up once per customer, not once per row).
class PanelRowsBuilder {
 public:
  explicit PanelRowsBuilder(CustomerTables& tables) : tables_(tables) {}
  void Add(const std::string& customer_id, MonthIndex month, const LrfmValues& values) {
    if (last_ < 0 || customer_id != last_id_) {
      const auto [where, inserted] = ids_.emplace(customer_id, static_cast<int32_t>(tables_.panel_ids.size()));
      if (inserted) tables_.panel_ids.push_back(customer_id);
      last_ = where->second;
      last_id_ = customer_id;
    }
    tables_.panel.push_back({last_, month, values});
  }

 private:
  CustomerTables& tables_;
  std::unordered_map<std::string, int32_t> ids_;
  std::string last_id_;
  int32_t last_ = -1;
};

CustomerTables ReadCustomerFiles(const fs::path& dir) {
  CustomerTables tables;
  const fs::path lrfm_path = dir / "lrfm.csv";
  std::error_code error;
  if (fs::is_regular_file(lrfm_path, error)) {
    const RunCsv lrfm = ReadRunCsv(lrfm_path.string());
    const int id_column = lrfm.Column("customer_id"), month_column = lrfm.Column("month");
    const int feature_columns[kLrfmFeatures] = {lrfm.Column("L"), lrfm.Column("R"), lrfm.Column("F"),
                                                lrfm.Column("M")};
    tables.panel.reserve(lrfm.rows.size());
    PanelRowsBuilder builder(tables);
    for (size_t row = 0; row < lrfm.rows.size(); ++row) {
      const auto month = ParseIsoMonth(lrfm.rows[row][month_column]);
      if (!month) {
        throw InputError("not a month: '" + lrfm.rows[row][month_column] + "'",
                         {.file = lrfm.path, .line = static_cast<int64_t>(row) + 2, .field = "month",
                          .expected = "YYYY-MM"});
      }
      LrfmValues values{};
      for (int feature = 0; feature < kLrfmFeatures; ++feature)
        values[feature] = lrfm.Number(row, feature_columns[feature]);
      builder.Add(lrfm.rows[row][id_column], *month, values);
    }
  }
  const RunCsv assignments = ReadRunCsv((dir / "assignments.csv").string());
  const int assign_id = assignments.Column("customer_id"), assign_segment = assignments.Column("segment");
  const int assign_distance = assignments.Column("distance");
  for (size_t row = 0; row < assignments.rows.size(); ++row) {
    tables.assignments.push_back({assignments.rows[row][assign_id],
                                  static_cast<int32_t>(assignments.Number(row, assign_segment)),
                                  assignments.Number(row, assign_distance)});
  }
  const RunCsv rfm = ReadRunCsv((dir / "rfm.csv").string());
  const int rfm_id = rfm.Column("customer_id"), rfm_country = rfm.Column("country");
  const int rfm_recency = rfm.Column("recency"), rfm_frequency = rfm.Column("frequency");
  const int rfm_monetary = rfm.Column("monetary"), rfm_first = rfm.Column("first_purchase");
  const int rfm_last = rfm.Column("last_purchase");
  for (size_t row = 0; row < rfm.rows.size(); ++row) {
    tables.rfm.push_back({rfm.rows[row][rfm_id], rfm.rows[row][rfm_country], rfm.rows[row][rfm_first],
                          rfm.rows[row][rfm_last], rfm.Number(row, rfm_recency),
                          rfm.Number(row, rfm_frequency), rfm.Number(row, rfm_monetary)});
  }
  // A run without the customer-base model (the series model, or a segcast before it) has none.
  const fs::path clv_path = dir / "clv.csv";
  if (fs::is_regular_file(clv_path, error)) {
    const RunCsv clv = ReadRunCsv(clv_path.string());
    const int id = clv.Column("customer_id"), purchases = clv.Column("purchases");
    const int recency = clv.Column("recency_weeks"), age = clv.Column("age_weeks");
    const int p_alive = clv.Column("p_alive"), expected_purchases = clv.Column("expected_purchases");
    const int expected_revenue = clv.Column("expected_revenue"), value = clv.Column("clv");
    tables.has_values = true;
    tables.values.reserve(clv.rows.size());
    for (size_t row = 0; row < clv.rows.size(); ++row) {
      tables.values.push_back({clv.rows[row][id],
                               {static_cast<int64_t>(clv.Number(row, purchases)), clv.Number(row, recency),
                                clv.Number(row, age), clv.Number(row, p_alive),
                                clv.Number(row, expected_purchases), clv.Number(row, expected_revenue),
                                clv.Number(row, value)}});
    }
  }
  return tables;
}

// The run files write numbers in their shortest round-trip form, except -0, written "0": the store
// keeps the double itself, so its zeros lose their sign here to read the same as the files.
double AsWritten(double value) { return value == 0 ? 0.0 : value; }

// Panel rows of the store, as they are read (LoadParts::panel_rows).
class StoredPanelReader {
 public:
  StoredPanelReader(CustomerTables& tables, std::string run_id) : builder_(tables), run_id_(std::move(run_id)) {}
  void Add(const PanelRecord& record) {
    if (record.month != last_text_ || !last_month_) {
      last_month_ = ParseIsoMonth(record.month);
      last_text_ = record.month;
      if (!last_month_) {
        throw InputError("not a month: '" + record.month + "'",
                         {.file = "table panel of run " + run_id_, .field = "month", .expected = "YYYY-MM"});
      }
    }
    builder_.Add(record.customer_id, *last_month_,
                 {AsWritten(record.length), AsWritten(record.recency), AsWritten(record.frequency),
                  AsWritten(record.monetary)});
  }

 private:
  PanelRowsBuilder builder_;
  std::string run_id_, last_text_;
  std::optional<MonthIndex> last_month_;
};

// The store's per-customer tables other than the panel (read into `tables` beforehand, streamed);
// a StoredRun with its panel rows in StoredRun::panel reads them here too.
CustomerTables ReadCustomerRecords(const StoredRun& stored, CustomerTables tables) {
  if (!stored.panel.empty()) {
    StoredPanelReader reader(tables, stored.info.run_id);
    tables.panel.reserve(stored.panel.size());
    for (const PanelRecord& record : stored.panel) reader.Add(record);
  }
  for (const AssignmentRecord& record : stored.assignments)
    tables.assignments.push_back({record.customer_id, record.segment_id, AsWritten(record.distance)});
  for (const CustomerRecord& record : stored.customers) {
    tables.rfm.push_back({record.customer_id, record.country, record.first_purchase, record.last_purchase,
                          static_cast<double>(record.recency_days), static_cast<double>(record.frequency),
                          AsWritten(record.revenue)});
  }
  tables.has_values = !stored.customer_values.empty();
  tables.values.reserve(stored.customer_values.size());
  for (const CustomerValueRecord& record : stored.customer_values) {
    tables.values.push_back({record.customer_id,
                             {record.purchases, AsWritten(record.recency_weeks), AsWritten(record.age_weeks),
                              AsWritten(record.p_alive), AsWritten(record.expected_purchases),
                              AsWritten(record.expected_revenue), AsWritten(record.clv)}});
  }
  return tables;
}

void FillCustomers(const CustomerTables& tables, RunData& run) {
  auto add = [&run](const std::string& id) {
    const auto [where, inserted] = run.index_of.emplace(id, static_cast<int>(run.customers.size()));
    if (inserted) run.customers.push_back(RunCustomer{.id = id});
    return where->second;
  };

  if (!tables.panel.empty()) {
    MonthIndex first = std::numeric_limits<MonthIndex>::max(), last = std::numeric_limits<MonthIndex>::min();
    for (const CustomerTables::PanelRow& cell : tables.panel) {
      first = std::min(first, cell.month);
      last = std::max(last, cell.month);
    }
    run.index_of.reserve(tables.panel_ids.size());
    for (const std::string& id : tables.panel_ids) add(id);  // panel_ids are distinct: index = position
    LrfmPanel& panel = run.panel;
    const int customers = static_cast<int>(run.customers.size());
    panel.first_month = customers > 0 ? first : 0;
    panel.month_count = customers > 0 ? last - first + 1 : 0;
    panel.customer_ids.resize(customers);
    panel.customer_index.resize(customers);
    panel.start.assign(customers, panel.month_count);
    panel.values.assign(static_cast<size_t>(customers) * panel.month_count * kLrfmFeatures, 0.0);
    for (const CustomerTables::PanelRow& cell : tables.panel) {
      const int customer = cell.customer;
      const int month = cell.month - panel.first_month;
      panel.start[customer] = std::min(panel.start[customer], month);
      for (int feature = 0; feature < kLrfmFeatures; ++feature) {
        panel.values[(static_cast<size_t>(customer) * panel.month_count + month) * kLrfmFeatures + feature] =
            cell.values[feature];
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

  for (const CustomerTables::AssignmentRow& row : tables.assignments) {
    const int customer = add(row.customer_id);
    run.customers[customer].segment = row.segment;
    run.customers[customer].distance = row.distance;
  }
  for (const CustomerTables::RfmRow& row : tables.rfm) {
    const auto found = run.index_of.find(row.customer_id);
    if (found == run.index_of.end()) continue;  // no purchase in the panel months: not segmented
    RunCustomer& customer = run.customers[found->second];
    customer.country = row.country;
    customer.recency = row.recency;
    customer.frequency = row.frequency;
    customer.monetary = row.monetary;
    customer.first_purchase = row.first_purchase;
    customer.last_purchase = row.last_purchase;
    if (!customer.country.empty()) run.has_countries = true;
  }
  if (tables.has_values) {
    CustomerBaseSettings settings;
    for (const CustomerTables::ValueRow& row : tables.values) {
      const auto found = run.index_of.find(row.customer_id);
      if (found == run.index_of.end()) continue;  // not segmented: not shown
      run.customers[found->second].value = row.value;
      ++settings.customers;
    }
    run.customer_base = settings;
  }

  // Revenue and persona levels from the panel, with the pipeline's own function.
  const CustomerLevels levels = run.HasPanel() ? PanelCustomerLevels(run.panel) : CustomerLevels{};
  for (size_t customer = 0; customer < run.customers.size(); ++customer) {
    RunCustomer& row = run.customers[customer];
    if (customer >= levels.levels.size()) {  // no panel, or assigned without panel months
      row.revenue = row.monetary;
      continue;
    }
    row.revenue = levels.revenue[customer];
    row.levels = levels.levels[customer];
  }
}

// The joined columns the run's own segments are broken down by: segments.json keeps only each
// segment's mix, so a re-clustering needs the per-customer values again. They are re-joined from
// the tables the manifest names, with the join the pipeline used; a table that moved or changed
// since the run (its size differs from the manifest's record) is not used, and the note says so.
void LoadJoinedAttributes(const json& manifest, const RunOptions& options, RunData& run) {
  std::vector<std::string> wanted;
  for (const json& segment : run.segments_json.value("segments", json::array())) {
    for (const json& mix : segment.value("mixes", json::array())) {
      const std::string column = mix.value("column", "");
      if (column.empty() || (column == "country" && run.has_countries)) continue;
      if (std::find(wanted.begin(), wanted.end(), column) == wanted.end()) wanted.push_back(column);
    }
  }
  if (wanted.empty()) return;
  std::vector<std::string> paths;
  for (const std::string& path : {options.ingest.demographics_path, options.ingest.addresses_path}) {
    if (!path.empty()) paths.push_back(path);
  }
  std::string missing;
  for (const std::string& column : wanted) missing += (missing.empty() ? "" : ", ") + column;
  if (paths.empty()) {
    run.attributes_note = "the run's manifest names no joined table for " + missing;
    return;
  }
  Transactions table;
  for (const RunCustomer& customer : run.customers) table.customer_ids.push_back(customer.id);
  try {
    for (const std::string& path : paths) {
      std::error_code error;
      const auto bytes = fs::file_size(path, error);
      if (error) throw InputError("not found", {.file = path});
      for (const json& recorded : manifest.value("inputs", json::array())) {
        if (recorded.value("path", "") == path && recorded.value("bytes", int64_t{-1}) >= 0 &&
            recorded.value("bytes", int64_t{-1}) != static_cast<int64_t>(bytes)) {
          throw InputError("changed since the run (" + std::to_string(bytes) + " bytes, the run read " +
                               std::to_string(recorded.value("bytes", int64_t{0})) + ")",
                           {.file = path});
        }
      }
      JoinCustomerTable(path, options.ingest.join_key,
                        options.ingest.normalise_customer_ids, table);
    }
  } catch (const Error& error) {
    run.attributes_note = "the joined tables of the run could not be read again (" + std::string(error.what()) +
                          "), so a re-clustering has no " + missing + " mix";
    return;
  }
  std::vector<size_t> keep;
  for (const std::string& column : wanted) {
    const auto found = std::find(table.attributes.columns.begin(), table.attributes.columns.end(), column);
    if (found == table.attributes.columns.end()) continue;
    run.attributes.columns.push_back(column);
    keep.push_back(static_cast<size_t>(found - table.attributes.columns.begin()));
  }
  run.attributes.values.resize(run.customers.size());
  for (size_t customer = 0; customer < run.customers.size(); ++customer) {
    for (size_t column : keep) run.attributes.values[customer].push_back(table.attributes.values[customer][column]);
  }
  if (run.attributes.columns.size() < wanted.size()) {
    run.attributes_note = "the joined tables no longer hold every column the run's segments are broken down by";
  }
}

// What both sources share once the manifest, segments.json and forecast.json are parsed.
void FillRun(const json& manifest, const std::string& settings_dir, CustomerTables tables, RunData& run) {
  run.as_of = JsonOr<std::string>(manifest, "as_of", "");
  run.previous_run_id = PreviousRunId(JsonOr<std::string>(manifest, "previous", ""));
  const RunOptions options = ManifestOptions(manifest, settings_dir + "/manifest.json");
  ReadSettings(options, settings_dir, run);
  FillCustomers(tables, run);
  tables = CustomerTables{};  // the rows are in `run` now
  if (run.customer_base) {
    run.customer_base->horizon_months = JsonOr<int>(run.forecast_json, "horizon", options.forecast.horizon);
    run.customer_base->clv_months = options.customer_base.customer_base.clv_months;
    run.customer_base->monthly_discount = options.customer_base.customer_base.monthly_discount;
  }
  run.k = JsonOr<int>(run.segments_json, "k", 0);
  run.silhouette = JsonOr<double>(run.segments_json, "silhouette", std::nan(""));
  if (run.HasPanel()) {
    run.series = PanelToSeries(PanelForMetric(run, Metric::kDtw), run.scale, nullptr);
  }
  LoadJoinedAttributes(manifest, options, run);
}

json ParseStoredJson(const std::string& text, const std::string& what) {
  try {
    return json::parse(text);
  } catch (const json::exception& error) {
    throw InputError(std::string("malformed JSON: ") + error.what(), {.file = what});
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

std::shared_ptr<RunData> LoadRunFolder(const std::string& dir_text, const std::string& run_id) {
  const fs::path dir(dir_text);
  auto run = std::make_shared<RunData>();
  run->run_id = run_id;
  run->dir = dir_text;
  run->source = "folder";
  const json manifest = ReadJsonFile(dir / "manifest.json");
  run->created_at = FileTimeIso((dir / "manifest.json").string());
  run->segments_json = ReadJsonFile(dir / "segments.json");
  std::error_code error;
  if (fs::is_regular_file(dir / "forecast.json", error)) run->forecast_json = ReadJsonFile(dir / "forecast.json");
  FillRun(manifest, dir_text, ReadCustomerFiles(dir), *run);
  return run;
}

namespace {

std::shared_ptr<RunData> BuildStoredRun(const StoredRun& stored, CustomerTables tables, const std::string& store) {
  auto run = std::make_shared<RunData>();
  run->run_id = stored.info.run_id;
  run->source = "store";
  run->created_at = stored.info.created_at;
  const std::string where = store + ", run " + stored.info.run_id;
  const DocumentRecord* segments = stored.FindDocument("segments.json");
  if (!segments) {
    throw InputError("the run was stored before the store kept panels and profiles (schema 1)",
                     {.file = where, .field = "segments.json", .expected = "a run written by segcast with store schema 2"});
  }
  run->segments_json = ParseStoredJson(segments->body, where + " segments.json");
  if (const DocumentRecord* forecast = stored.FindDocument("forecast.json"))
    run->forecast_json = ParseStoredJson(forecast->body, where + " forecast.json");
  const json manifest = ParseStoredJson(stored.info.manifest_json, where + " manifest_json");
  // A persona rules file named relative to where the run ran resolves from the working directory.
  FillRun(manifest, ".", ReadCustomerRecords(stored, std::move(tables)), *run);
  return run;
}

}  // namespace

std::shared_ptr<RunData> LoadRunStored(const StoredRun& stored, const std::string& store) {
  return BuildStoredRun(stored, CustomerTables{}, store);
}

std::shared_ptr<RunData> LoadRunFromStore(ResultStore& store, const std::string& run_id, const std::string& name,
                                          RunInfo* info) {
  LoadParts parts = LoadParts::HeaderOnly();
  parts.customers = parts.assignments = parts.panel = parts.documents = parts.customer_values = true;
  CustomerTables tables;
  StoredPanelReader reader(tables, run_id);
  parts.panel_rows = [&reader](const PanelRecord& record) { reader.Add(record); };
  const StoredRun stored = store.LoadRun(run_id, parts);
  if (info) *info = stored.info;
  if (!stored.FindDocument("segments.json")) return nullptr;
  return BuildStoredRun(stored, std::move(tables), name);
}

}  // namespace segcast::internal
