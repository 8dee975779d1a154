// The result store: runs, customers, assignments, segments, centroids, forecasts, migrations and
// each customer's value under the customer-base model in SQLite (default) or PostgreSQL, for
// analysts, BI tools, the dashboard and next month's run.
//
// docs/store.md documents the schema. Guarantees:
//   - WriteRun writes a whole run in one transaction; writing a run id again replaces it
//     atomically; a failed write leaves the previous state intact.
//   - Every statement is parameterised.
//   - Connection strings and passwords never appear in messages (RedactConnectionString).
//   - AcquireRunLock keeps two runs off the same store at once (BusyError otherwise).
//
//   auto store = segcast::OpenStore("sqlite:out/segcast.db");   // or "postgresql://..."
//   auto lock = store->AcquireRunLock("segcast run 2011-12");   // held until destroyed
//   store->WriteRun(run);
//   for (const auto& summary : store->ListRuns()) std::cout << summary.run_id << "\n";
//   segcast::StoredRun previous = store->LoadRun("2011-06");
//   segcast::StoredRun header = store->LoadRun("2011-06", segcast::LoadParts::HeaderOnly());
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace segcast {

//! One run's header (table `runs`).
struct RunInfo {
  std::string run_id;           //!< unique key, non-empty, e.g. "2011-12-10" or a hash
  std::string created_at;       //!< ISO 8601 UTC timestamp of the run
  std::string as_of;            //!< reference date "YYYY-MM-DD"
  std::string previous_run_id;  //!< run this one was aligned with ("" if none)
  std::string segcast_version;
  int32_t k = 0;  //!< number of segments
  int64_t customers = 0;
  double revenue = 0.0;
  std::string options_json;   //!< every option of the run, as JSON text
  std::string manifest_json;  //!< the run manifest (inputs, hashes, timings), as JSON text
};

//! Table `customers`: one row per customer of the run.
struct CustomerRecord {
  std::string customer_id;
  std::string country;         //!< "" when unknown
  std::string first_purchase;  //!< "YYYY-MM-DD"
  std::string last_purchase;   //!< "YYYY-MM-DD"
  int64_t frequency = 0;       //!< distinct invoices
  double revenue = 0.0;
  int32_t recency_days = 0;
};

//! Table `assignments`: the segment of each customer.
struct AssignmentRecord {
  std::string customer_id;
  int32_t segment_id = 0;
  double distance = 0.0;           //!< to the assigned centroid (scaled units)
  int32_t runner_up_segment = -1;  //!< second-nearest segment, -1 when k = 1
  double runner_up_distance = 0.0;
};

//! Table `segments`.
struct SegmentRecord {
  int32_t segment_id = 0;
  std::string name;
  std::string evidence;
  bool tie_broken = false;
  int64_t customers = 0;
  double customer_share = 0.0;  //!< in [0, 1]
  double revenue = 0.0;
  double revenue_share = 0.0;  //!< in [0, 1]
  double mean_length = 0.0, mean_recency = 0.0, mean_frequency = 0.0, mean_monetary = 0.0;
  int32_t previous_segment_id = -1;  //!< matched segment of the previous run, -1 if new / none
};

//! Table `centroids`: one row per segment and month of its centroid trajectory.
struct CentroidRecord {
  int32_t segment_id = 0;
  int32_t month_offset = 0;  //!< 0 = first month of the trajectory
  std::string month;         //!< calendar month "YYYY-MM" ("" if unknown)
  double length = 0.0, recency = 0.0, frequency = 0.0, monetary = 0.0;  //!< original units
  double scaled_length = 0.0, scaled_recency = 0.0, scaled_frequency = 0.0,
         scaled_monetary = 0.0;  //!< the clustering's scaled units
};

//! Table `forecasts`: fitted, back-tested or forecast revenue per segment and month.
struct ForecastRecord {
  int32_t segment_id = 0;  //!< -1 for the total over all segments
  std::string month;       //!< "YYYY-MM"
  std::string kind;        //!< "actual", "fitted", "backtest" or "forecast"
  double value = 0.0;
  std::optional<double> lower;  //!< interval bounds when available
  std::optional<double> upper;
};

//! Table `migrations`: one cell of the migration matrix (from previous run to this one).
struct MigrationRecord {
  int32_t from_segment = -1;  //!< -1: customers new in this run
  int32_t to_segment = -1;    //!< -1: customers gone since the previous run
  int64_t customers = 0;
  double previous_revenue = 0.0;
  double current_revenue = 0.0;
};

//! Table `customer_moves`: each customer's move between the previous run and this one.
struct MoveRecord {
  std::string customer_id;
  int32_t from_segment = -1;
  int32_t to_segment = -1;
  std::string kind;  //!< "stayed", "moved", "new", "gone"
};

//! Table `panel` (schema 2): one customer-month of the run's monthly LRFM panel, what the
//! dashboard re-clusters and draws trajectories from. Rows run from the customer's first observed
//! month (the run folder's lrfm.csv holds the same rows).
struct PanelRecord {
  int32_t customer_index = 0;  //!< the customer's position in the panel (clustering order), >= 0
  std::string customer_id;
  std::string month;  //!< calendar month "YYYY-MM"
  double length = 0.0;     //!< L: days from the first purchase to the month's end
  double recency = 0.0;    //!< R: days from the last purchase to the month's end
  double frequency = 0.0;  //!< F: invoices in the month
  double monetary = 0.0;   //!< M: revenue in the month
};

//! Table `run_documents` (schema 2): a JSON file of the run folder kept verbatim, so a reader of
//! the store sees the same profiles, mixes, trajectories and forecasts as a reader of the folder.
struct DocumentRecord {
  std::string name;  //!< file name in the run folder: "segments.json" or "forecast.json"
  std::string body;  //!< the file's text
};

//! Table `customer_values` (schema 3): what the customer-base model (customer_base.h) says of one
//! customer, the row of the run folder's clv.csv. One row per customer with a purchase before the
//! as-of date. The model's figures are NaN (NULL in the table) when it could not give them.
struct CustomerValueRecord {
  std::string customer_id;
  int32_t segment_id = -1;        //!< stable segment id of the run, -1 when not segmented
  int64_t purchases = 0;          //!< distinct purchase days before the as-of date (>= 1)
  double recency_weeks = 0.0;     //!< t_x: last minus first purchase day, weeks
  double age_weeks = 0.0;         //!< T: as-of date minus first purchase day, weeks
  double p_alive = 0.0;           //!< probability the customer is still active, in [0, 1]
  double expected_purchases = 0.0;  //!< purchase days expected over the forecast horizon
  double expected_revenue = 0.0;    //!< revenue expected over the forecast horizon
  double clv = 0.0;                 //!< discounted lifetime value over the CLV months
};

//! A whole run, as written and read back.
struct StoredRun {
  RunInfo info;
  std::vector<CustomerRecord> customers;
  std::vector<AssignmentRecord> assignments;
  std::vector<SegmentRecord> segments;
  std::vector<CentroidRecord> centroids;
  std::vector<ForecastRecord> forecasts;
  std::vector<MigrationRecord> migrations;
  std::vector<MoveRecord> moves;
  std::vector<PanelRecord> panel;           //!< by customer_index, month; empty before schema 2
  //! When set, a writer takes the panel rows from this instead of `panel` (which it then
  //! ignores): it calls `use` once per row, in `panel`'s order. A run writes its panel this way,
  //! one row at a time, rather than holding a record per customer and month; loaded runs never
  //! set it.
  std::function<void(const std::function<void(const PanelRecord&)>& use)> panel_rows;
  std::vector<DocumentRecord> documents;    //!< by name; empty before schema 2
  //! By customer id; empty before schema 3 and for runs without the customer-base model.
  std::vector<CustomerValueRecord> customer_values;

  //! The document with this name, or nullptr.
  const DocumentRecord* FindDocument(const std::string& name) const {
    for (const DocumentRecord& document : documents)
      if (document.name == name) return &document;
    return nullptr;
  }
};

//! Held while a run writes; releases the store's lock when destroyed.
class StoreLock {
 public:
  virtual ~StoreLock() = default;
};

//! What LoadRun reads; skip big tables when only some are needed.
struct LoadParts {
  bool customers = true;    //!< table customers (one row per customer: large)
  bool assignments = true;  //!< table assignments (one row per customer: large)
  bool segments = true;     //!< table segments (k rows)
  bool centroids = true;    //!< table centroids (k x months rows)
  bool forecasts = true;    //!< table forecasts
  bool migrations = true;   //!< table migrations (the matrix cells)
  bool moves = true;        //!< table customer_moves (one row per customer: large)
  bool panel = true;        //!< table panel (customers x months rows: the largest)
  bool documents = true;    //!< table run_documents (a few JSON texts)
  bool customer_values = true;  //!< table customer_values (one row per customer: large)
  //! When set (and `panel` is), LoadRun hands each row of table panel to this, in the table's
  //! order, instead of keeping it in StoredRun::panel (which stays empty): a reader need not hold
  //! a record per customer and month.
  std::function<void(const PanelRecord&)> panel_rows;

  //! Only the `runs` row: the cheap check of a run's created_at.
  static LoadParts HeaderOnly() {
    LoadParts parts;
    parts.customers = parts.assignments = parts.segments = parts.centroids = parts.forecasts = false;
    parts.migrations = parts.moves = parts.panel = parts.documents = parts.customer_values = false;
    return parts;
  }
};

class ResultStore {
 public:
  virtual ~ResultStore() = default;

  //! Writes (or replaces) a run in one transaction. Throws DatabaseError and leaves the store as
  //! it was before the call on any failure.
  virtual void WriteRun(const StoredRun& run) = 0;
  //! Every run header, newest created_at first (then run id).
  virtual std::vector<RunInfo> ListRuns() = 0;
  //! Whether a run id exists.
  virtual bool HasRun(const std::string& run_id) = 0;
  //! Reads one run, rows ordered by their keys. Throws InvalidArgument for an unknown run id.
  virtual StoredRun LoadRun(const std::string& run_id, const LoadParts& parts = {}) = 0;
  //! Deletes a run; returns whether it existed.
  virtual bool DeleteRun(const std::string& run_id) = 0;
  //! Takes the store's run lock or throws BusyError at once naming the holder. `holder` is a
  //! short description recorded with the lock (e.g. "segcast run pid 1234").
  virtual std::unique_ptr<StoreLock> AcquireRunLock(const std::string& holder) = 0;
  //! "sqlite:/path/db" or "postgresql://user:***@host/db": safe to print.
  virtual std::string Describe() const = 0;
};

struct StoreOptions {
  //! Seconds to wait for a database busy by another connection before failing; >= 0. Default 10.
  double busy_timeout_seconds = 10.0;
  //! PostgreSQL: rows per INSERT (each column sent as one array parameter), so per round trip;
  //! 1..1,000,000. Default 10,000 (docs/benchmarks/store.md has the measurements).
  int batch_rows = 10000;

  void Validate() const;  // throws InvalidArgument naming the field
};

//! The schema version a store opened by this build has (segcast_meta key "schema_version").
//! 1: the first schema; 2 adds the tables panel and run_documents; 3 adds customer_values.
//! OpenStore upgrades an older store in place (it creates the missing tables; runs written before
//! keep no rows in them) and refuses a store of a newer version with DatabaseError.
inline constexpr int kStoreSchemaVersion = 3;

//! Opens (and creates the schema of) a store. `connection` is "sqlite:PATH", a plain file path
//! (SQLite), or "postgresql://..." / "postgres://..." (a libpq URI). Throws DatabaseError
//! (message redacted) when the store cannot be opened.
std::unique_ptr<ResultStore> OpenStore(const std::string& connection,
                                       const StoreOptions& options = {});

//! The database file of an SQLite connection string ("sqlite:PATH", "sqlite:///abs/path" or a
//! plain path), "" for PostgreSQL. OpenStore opens exactly this file.
std::string SqliteStorePath(const std::string& connection);

//! The connection string with any password replaced by "***" (URI user:password@, "password="
//! keyword pairs, "?password=" query parameters).
std::string RedactConnectionString(const std::string& connection);

//! Whether this build has PostgreSQL support (libpqxx was found at configure time).
bool PostgresSupported();

}  // namespace segcast
