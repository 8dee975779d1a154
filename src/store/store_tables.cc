#include "store/store_tables.h"

#include <cmath>
#include <ctime>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "segcast/error.h"

namespace segcast::internal {
namespace {

constexpr ColumnType T = ColumnType::kText;
constexpr ColumnType I = ColumnType::kInteger;
constexpr ColumnType R = ColumnType::kReal;
constexpr ColumnType N = ColumnType::kNullableReal;

const char* SqlType(ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      return "TEXT NOT NULL";
    case ColumnType::kInteger:
      return "BIGINT NOT NULL";
    case ColumnType::kReal:
      return "DOUBLE PRECISION NOT NULL";
    case ColumnType::kNullableReal:
      return "DOUBLE PRECISION";
  }
  return "TEXT";
}

std::string Placeholder(int index, bool numbered) {
  // Appended, not "$" + text: GCC 12 warns falsely (-Wrestrict) on the inlined insert.
  return numbered ? std::string("$").append(std::to_string(index)) : "?";
}

const std::string& Text(const Value& value) {
  static const std::string kEmpty;  // const: no mutable state
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : kEmpty;
}
int64_t Integer(const Value& value) {
  if (const auto* integer = std::get_if<int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) return static_cast<int64_t>(*real);
  return 0;
}
double Real(const Value& value) {
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* integer = std::get_if<int64_t>(&value)) return static_cast<double>(*integer);
  return 0.0;
}
std::optional<double> OptionalReal(const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  return Real(value);
}
Value Optional(const std::optional<double>& value) {
  return value ? Value(*value) : Value(std::monostate{});
}
// A figure that may be NaN ("not computed"): NULL in the table, NaN again when read. SQLite would
// turn a bound NaN into NULL anyway; PostgreSQL would keep 'NaN', and both back ends must agree.
Value NullableReal(double value) { return std::isnan(value) ? Value(std::monostate{}) : Value(value); }
double RealOrNan(const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return std::numeric_limits<double>::quiet_NaN();
  return Real(value);
}

}  // namespace

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

const std::vector<TableSpec>& Tables() {
  static const std::vector<TableSpec> kTables = {
      {"runs",
       {{"run_id", T},
        {"created_at", T},
        {"as_of", T},
        {"previous_run_id", T},
        {"segcast_version", T},
        {"k", I},
        {"customers", I},
        {"revenue", R},
        {"options_json", T},
        {"manifest_json", T}},
       {"run_id"}},
      {"customers",
       {{"run_id", T},
        {"customer_id", T},
        {"country", T},
        {"first_purchase", T},
        {"last_purchase", T},
        {"frequency", I},
        {"revenue", R},
        {"recency_days", I}},
       {"run_id", "customer_id"}},
      {"assignments",
       {{"run_id", T},
        {"customer_id", T},
        {"segment_id", I},
        {"distance", R},
        {"runner_up_segment", I},
        {"runner_up_distance", R}},
       {"run_id", "customer_id"}},
      {"segments",
       {{"run_id", T},
        {"segment_id", I},
        {"name", T},
        {"evidence", T},
        {"tie_broken", I},
        {"customers", I},
        {"customer_share", R},
        {"revenue", R},
        {"revenue_share", R},
        {"mean_length", R},
        {"mean_recency", R},
        {"mean_frequency", R},
        {"mean_monetary", R},
        {"previous_segment_id", I}},
       {"run_id", "segment_id"}},
      {"centroids",
       {{"run_id", T},
        {"segment_id", I},
        {"month_offset", I},
        {"month", T},
        {"length", R},
        {"recency", R},
        {"frequency", R},
        {"monetary", R},
        {"scaled_length", R},
        {"scaled_recency", R},
        {"scaled_frequency", R},
        {"scaled_monetary", R}},
       {"run_id", "segment_id", "month_offset"}},
      {"forecasts",
       {{"run_id", T},
        {"segment_id", I},
        {"month", T},
        {"kind", T},
        {"value", R},
        {"lower_bound", N},
        {"upper_bound", N}},
       {"run_id", "segment_id", "month", "kind"}},
      {"migrations",
       {{"run_id", T},
        {"from_segment", I},
        {"to_segment", I},
        {"customers", I},
        {"previous_revenue", R},
        {"current_revenue", R}},
       {"run_id", "from_segment", "to_segment"}},
      {"customer_moves",
       {{"run_id", T}, {"customer_id", T}, {"from_segment", I}, {"to_segment", I}, {"kind", T}},
       {"run_id", "customer_id"}},
      {"panel",
       {{"run_id", T},
        {"customer_index", I},
        {"customer_id", T},
        {"month", T},
        {"length", R},
        {"recency", R},
        {"frequency", R},
        {"monetary", R}},
       {"run_id", "customer_index", "month"}},
      {"run_documents", {{"run_id", T}, {"name", T}, {"body", T}}, {"run_id", "name"}},
      {"customer_values",
       {{"run_id", T},
        {"customer_id", T},
        {"segment_id", I},
        {"purchases", I},
        {"recency_weeks", R},
        {"age_weeks", R},
        {"p_alive", N},
        {"expected_purchases", N},
        {"expected_revenue", N},
        {"clv", N}},
       {"run_id", "customer_id"}},
  };
  return kTables;
}

std::vector<std::string> SchemaStatements() {
  std::vector<std::string> statements;
  statements.push_back(
      "CREATE TABLE IF NOT EXISTS segcast_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  // One row at most: who holds the run lock (the lock itself is an advisory lock or lock file).
  statements.push_back(
      "CREATE TABLE IF NOT EXISTS segcast_lock (id INTEGER PRIMARY KEY CHECK (id = 1), "
      "holder TEXT NOT NULL, acquired_at TEXT NOT NULL)");
  for (const TableSpec& table : Tables()) {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + std::string(table.name) + " (";
    for (size_t index = 0; index < table.columns.size(); ++index) {
      if (index) sql += ", ";
      sql += std::string(table.columns[index].name) + " " + SqlType(table.columns[index].type);
      if (index == 0 && std::string(table.name) != "runs")
        sql += " REFERENCES runs (run_id) ON DELETE CASCADE";
    }
    sql += ", PRIMARY KEY (";
    for (size_t index = 0; index < table.key.size(); ++index)
      sql += (index ? ", " : "") + std::string(table.key[index]);
    sql += "))";
    statements.push_back(sql);
  }
  statements.push_back(
      "CREATE INDEX IF NOT EXISTS assignments_by_segment ON assignments (run_id, segment_id)");
  statements.push_back(
      "CREATE INDEX IF NOT EXISTS customer_moves_by_cell ON customer_moves "
      "(run_id, from_segment, to_segment)");
  statements.push_back(
      "CREATE INDEX IF NOT EXISTS customer_values_by_segment ON customer_values "
      "(run_id, segment_id)");
  return statements;
}

std::string InsertStatement(const TableSpec& table, int rows, bool numbered) {
  std::string sql = "INSERT INTO " + std::string(table.name) + " (";
  for (size_t index = 0; index < table.columns.size(); ++index)
    sql += (index ? ", " : "") + std::string(table.columns[index].name);
  sql += ") VALUES ";
  int parameter = 1;
  for (int row = 0; row < rows; ++row) {
    sql += row ? ", (" : "(";
    for (size_t index = 0; index < table.columns.size(); ++index) {
      if (index) sql += ", ";
      std::string slot = Placeholder(parameter++, numbered);
      // Text parameters carry every value to PostgreSQL; a nullable real arrives as "" for NULL.
      if (numbered && table.columns[index].type == ColumnType::kNullableReal)
        slot = "CAST(NULLIF(" + slot + ", '') AS DOUBLE PRECISION)";
      sql += slot;
    }
    sql += ")";
  }
  return sql;
}

std::string SelectStatement(const TableSpec& table, bool numbered) {
  std::string sql = "SELECT ";
  for (size_t index = 0; index < table.columns.size(); ++index)
    sql += (index ? ", " : "") + std::string(table.columns[index].name);
  sql += " FROM " + std::string(table.name) + " WHERE run_id = " + Placeholder(1, numbered) +
         " ORDER BY ";
  for (size_t index = 1; index < table.key.size(); ++index)
    sql += (index > 1 ? ", " : "") + std::string(table.key[index]);
  if (table.key.size() == 1) sql += "run_id";
  return sql;
}

void ForEachRow(TableId table, const StoredRun& run, const std::function<void(const Row&)>& use) {
  const std::string& id = run.info.run_id;
  switch (table) {
    case kRunsTable: {
      const RunInfo& info = run.info;
      use(Row{id, info.created_at, info.as_of, info.previous_run_id, info.segcast_version,
                      int64_t{info.k}, info.customers, info.revenue, info.options_json,
                      info.manifest_json});
      break;
    }
    case kCustomersTable:
      for (const CustomerRecord& record : run.customers)
        use(Row{id, record.customer_id, record.country, record.first_purchase,
                        record.last_purchase, record.frequency, record.revenue,
                        int64_t{record.recency_days}});
      break;
    case kAssignmentsTable:
      for (const AssignmentRecord& record : run.assignments)
        use(Row{id, record.customer_id, int64_t{record.segment_id}, record.distance,
                        int64_t{record.runner_up_segment}, record.runner_up_distance});
      break;
    case kSegmentsTable:
      for (const SegmentRecord& record : run.segments)
        use(Row{id, int64_t{record.segment_id}, record.name, record.evidence,
                        int64_t{record.tie_broken ? 1 : 0}, record.customers, record.customer_share,
                        record.revenue, record.revenue_share, record.mean_length,
                        record.mean_recency, record.mean_frequency, record.mean_monetary,
                        int64_t{record.previous_segment_id}});
      break;
    case kCentroidsTable:
      for (const CentroidRecord& record : run.centroids)
        use(Row{id, int64_t{record.segment_id}, int64_t{record.month_offset}, record.month,
                        record.length, record.recency, record.frequency, record.monetary,
                        record.scaled_length, record.scaled_recency, record.scaled_frequency,
                        record.scaled_monetary});
      break;
    case kForecastsTable:
      for (const ForecastRecord& record : run.forecasts)
        use(Row{id, int64_t{record.segment_id}, record.month, record.kind, record.value,
                        Optional(record.lower), Optional(record.upper)});
      break;
    case kMigrationsTable:
      for (const MigrationRecord& record : run.migrations)
        use(Row{id, int64_t{record.from_segment}, int64_t{record.to_segment},
                        record.customers, record.previous_revenue, record.current_revenue});
      break;
    case kMovesTable:
      for (const MoveRecord& record : run.moves)
        use(Row{id, record.customer_id, int64_t{record.from_segment},
                        int64_t{record.to_segment}, record.kind});
      break;
    case kPanelTable: {
      auto encode = [&](const PanelRecord& record) {
        use(Row{id, int64_t{record.customer_index}, record.customer_id, record.month,
                record.length, record.recency, record.frequency, record.monetary});
      };
      if (run.panel_rows) {
        run.panel_rows(encode);
      } else {
        for (const PanelRecord& record : run.panel) encode(record);
      }
      break;
    }
    case kDocumentsTable:
      for (const DocumentRecord& record : run.documents) use(Row{id, record.name, record.body});
      break;
    case kCustomerValuesTable:
      for (const CustomerValueRecord& record : run.customer_values)
        use(Row{id, record.customer_id, int64_t{record.segment_id}, record.purchases,
                        record.recency_weeks, record.age_weeks, NullableReal(record.p_alive),
                        NullableReal(record.expected_purchases),
                        NullableReal(record.expected_revenue), NullableReal(record.clv)});
      break;
    case kTableCount:
      break;
  }
}

std::vector<Row> EncodeRows(TableId table, const StoredRun& run) {
  std::vector<Row> rows;
  ForEachRow(table, run, [&rows](const Row& row) { rows.push_back(row); });
  return rows;
}

namespace {

int32_t Integer32(const Value& value) { return static_cast<int32_t>(Integer(value)); }

RunInfo DecodeRunInfo(const Row& row) {
  RunInfo info;
  info.run_id = Text(row[0]);
  info.created_at = Text(row[1]);
  info.as_of = Text(row[2]);
  info.previous_run_id = Text(row[3]);
  info.segcast_version = Text(row[4]);
  info.k = Integer32(row[5]);
  info.customers = Integer(row[6]);
  info.revenue = Real(row[7]);
  info.options_json = Text(row[8]);
  info.manifest_json = Text(row[9]);
  return info;
}

SegmentRecord DecodeSegment(const Row& row) {
  SegmentRecord record;
  record.segment_id = Integer32(row[1]);
  record.name = Text(row[2]);
  record.evidence = Text(row[3]);
  record.tie_broken = Integer(row[4]) != 0;
  record.customers = Integer(row[5]);
  record.customer_share = Real(row[6]);
  record.revenue = Real(row[7]);
  record.revenue_share = Real(row[8]);
  record.mean_length = Real(row[9]);
  record.mean_recency = Real(row[10]);
  record.mean_frequency = Real(row[11]);
  record.mean_monetary = Real(row[12]);
  record.previous_segment_id = Integer32(row[13]);
  return record;
}

CentroidRecord DecodeCentroid(const Row& row) {
  CentroidRecord record;
  record.segment_id = Integer32(row[1]);
  record.month_offset = Integer32(row[2]);
  record.month = Text(row[3]);
  record.length = Real(row[4]);
  record.recency = Real(row[5]);
  record.frequency = Real(row[6]);
  record.monetary = Real(row[7]);
  record.scaled_length = Real(row[8]);
  record.scaled_recency = Real(row[9]);
  record.scaled_frequency = Real(row[10]);
  record.scaled_monetary = Real(row[11]);
  return record;
}

PanelRecord DecodePanel(const Row& row) {
  return {Integer32(row[1]), Text(row[2]), Text(row[3]), Real(row[4]), Real(row[5]), Real(row[6]),
          Real(row[7])};
}

}  // namespace

void DecodeLoadedRow(TableId table, const Row& row, const LoadParts& parts, StoredRun& run) {
  if (table == kPanelTable && parts.panel_rows) {
    parts.panel_rows(DecodePanel(row));
    return;
  }
  DecodeRow(table, row, run);
}

void DecodeRow(TableId table, const Row& row, StoredRun& run) {
  auto integer32 = [&](size_t index) { return Integer32(row[index]); };
  switch (table) {
    case kRunsTable:
      run.info = DecodeRunInfo(row);
      break;
    case kCustomersTable:
      run.customers.push_back({Text(row[1]), Text(row[2]), Text(row[3]), Text(row[4]),
                               Integer(row[5]), Real(row[6]), integer32(7)});
      break;
    case kAssignmentsTable:
      run.assignments.push_back(
          {Text(row[1]), integer32(2), Real(row[3]), integer32(4), Real(row[5])});
      break;
    case kSegmentsTable:
      run.segments.push_back(DecodeSegment(row));
      break;
    case kCentroidsTable:
      run.centroids.push_back(DecodeCentroid(row));
      break;
    case kForecastsTable:
      run.forecasts.push_back({integer32(1), Text(row[2]), Text(row[3]), Real(row[4]),
                               OptionalReal(row[5]), OptionalReal(row[6])});
      break;
    case kMigrationsTable:
      run.migrations.push_back(
          {integer32(1), integer32(2), Integer(row[3]), Real(row[4]), Real(row[5])});
      break;
    case kMovesTable:
      run.moves.push_back({Text(row[1]), integer32(2), integer32(3), Text(row[4])});
      break;
    case kPanelTable:
      run.panel.push_back(DecodePanel(row));
      break;
    case kDocumentsTable:
      run.documents.push_back({Text(row[1]), Text(row[2])});
      break;
    case kCustomerValuesTable:
      run.customer_values.push_back({Text(row[1]), integer32(2), Integer(row[3]), Real(row[4]),
                                     Real(row[5]), RealOrNan(row[6]), RealOrNan(row[7]),
                                     RealOrNan(row[8]), RealOrNan(row[9])});
      break;
    case kTableCount:
      break;
  }
}

bool WantTable(TableId table, const LoadParts& parts) {
  switch (table) {
    case kRunsTable:
      return true;
    case kCustomersTable:
      return parts.customers;
    case kAssignmentsTable:
      return parts.assignments;
    case kSegmentsTable:
      return parts.segments;
    case kCentroidsTable:
      return parts.centroids;
    case kForecastsTable:
      return parts.forecasts;
    case kMigrationsTable:
      return parts.migrations;
    case kMovesTable:
      return parts.moves;
    case kPanelTable:
      return parts.panel;
    case kDocumentsTable:
      return parts.documents;
    case kCustomerValuesTable:
      return parts.customer_values;
    case kTableCount:
      break;
  }
  return false;
}

std::string SchemaUpgradeProblem(const std::string& recorded) {
  if (recorded.empty()) return "";
  int version = 0;
  try {
    version = std::stoi(recorded);
  } catch (const std::exception&) {
    return "the store records schema_version '" + PrintableText(recorded, 40) + "', not a number";
  }
  if (version > kSchemaVersion) {
    return "the store has schema version " + PrintableText(recorded, 40) + ", newer than this segcast's " +
           std::to_string(kSchemaVersion) + ": use a newer segcast";
  }
  return "";
}

void CheckRun(const StoredRun& run) {
  if (run.info.run_id.empty() || run.info.run_id.size() > 200) {
    throw InvalidArgument("a run needs an id",
                          {.field = "run_id", .expected = "1 to 200 bytes of text"});
  }
}

}  // namespace segcast::internal
