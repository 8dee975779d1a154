// One run in memory: what the dashboard reads from OUT/runs/<run id>/ or from the result store
// (the same contents; one builder, so both give the same answers) and the settings needed to
// re-cluster it exactly as the pipeline did.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "segcast/panel.h"
#include "segcast/personas.h"
#include "segcast/scale.h"
#include "segcast/series.h"
#include "segcast/store.h"
#include "segcast/transactions.h"
#include "segcast/ts_kmeans.h"

namespace segcast::internal {

//! What the customer-base model says of one customer: a row of clv.csv or of the store's table
//! customer_values (store.h). The model's figures are NaN where it gave none.
struct CustomerValue {
  int64_t purchases = 0;          //!< distinct purchase days before the as-of date
  double recency_weeks = 0;       //!< last minus first purchase day, weeks
  double age_weeks = 0;           //!< as-of date minus first purchase day, weeks
  double p_alive = 0;             //!< probability the customer is still active
  double expected_purchases = 0;  //!< over the forecast horizon
  double expected_revenue = 0;    //!< over the forecast horizon (the model's own, no rate factor)
  double clv = 0;                 //!< discounted, over the run's CLV months
};

//! One customer of the run, joined from lrfm.csv (order), rfm.csv, assignments.csv and clv.csv.
struct RunCustomer {
  std::string id;
  std::string country;         //!< "" when the log has none
  double recency = 0;          //!< days, rfm.csv
  double frequency = 0;        //!< invoices, rfm.csv
  double monetary = 0;         //!< revenue, rfm.csv
  std::string first_purchase;  //!< "YYYY-MM-DD"
  std::string last_purchase;
  int32_t segment = -1;        //!< stable segment id of the run, -1 when not assigned
  double distance = 0;         //!< distance to its centroid in the run (scaled units)
  double revenue = 0;          //!< sum of the panel's monthly M (what segment revenue sums)
  LrfmValues levels{};         //!< L, R at the last month; F, M per month (what personas read)
  std::optional<CustomerValue> value;  //!< none without clv.csv / customer_values, or no row
};

//! How the run's customer-base model was set (manifest.json options and forecast.json).
struct CustomerBaseSettings {
  int customers = 0;              //!< customers of the run with a value
  int horizon_months = 0;         //!< forecast horizon of expected purchases and revenue
  int clv_months = 0;             //!< months the CLV covers
  double monthly_discount = 0;    //!< discount rate a month of the CLV
};

struct RunData {
  std::string run_id;
  std::string dir;               //!< the run folder ("" for a run read from the store)
  std::string source;            //!< "folder" or "store"
  std::string stamp;             //!< what changes when the run is re-written (set by RunCatalog)
  std::string as_of;             //!< "YYYY-MM-DD"
  std::string created_at;        //!< ISO 8601 UTC: the manifest's modification time, or runs.created_at
  std::string previous_run_id;   //!< the run it was aligned with, "" if none
  int k = 0;                     //!< the run's number of segments
  double silhouette = 0;         //!< the run's silhouette (NaN when not computed)
  nlohmann::json segments_json;  //!< segments.json as written
  nlohmann::json forecast_json;  //!< forecast.json, null when the run has none

  std::vector<RunCustomer> customers;  //!< panel order (the order the pipeline clustered in)
  //! Set when the run has per-customer values (clv.csv in the folder, customer_values in the store).
  std::optional<CustomerBaseSettings> customer_base;
  std::unordered_map<std::string, int> index_of;  //!< customer id -> index
  bool has_countries = false;
  //! The joined per-customer columns the run's own segments are broken down by (segments.json
  //! mixes other than country), re-read from the tables its manifest names so that a
  //! re-clustering can show the same mixes; values[customer] is indexed like `customers`. Empty
  //! when the run joined nothing or the tables could not be read (then attributes_note says why).
  CustomerAttributes attributes;
  //! Why the run's joined columns are missing from `attributes` ("" when none is missing).
  std::string attributes_note;

  //! The monthly panel rebuilt from lrfm.csv: customer c is customers[c]. month_count == 0 when
  //! the run folder has no lrfm.csv (written with write_panel off).
  LrfmPanel panel;
  bool panel_zero_filled = false;  //!< the run used PreAcquisition::kZero (cells before purchase are 0)

  //! The run's clustering settings (manifest.json options), k and metric to be replaced.
  TsKMeansOptions fit;
  PanelScaleOptions scale;
  bool zero_pre_acquisition = false;  //!< manifest panel.pre_acquisition == "zero"
  PersonaRules persona_rules;

  //! The run's scaled series (its own metric's pre-acquisition), for neighbour queries.
  TimeSeriesSet series;

  //! Index of a customer, or -1.
  int Find(const std::string& customer_id) const;
  bool HasPanel() const { return panel.month_count > 0; }
};

//! Reads a run folder. Throws InputError naming the file on a missing or malformed file.
std::shared_ptr<RunData> LoadRunFolder(const std::string& dir, const std::string& run_id);
//! Builds the same RunData from a run read from the store (every LoadParts table): the manifest,
//! segments.json and forecast.json from runs.manifest_json and run_documents, the panel from table
//! panel, customers, assignments and customer values from their tables. `store` names the store in
//! messages.
//! Throws InputError when the run was stored before schema 2 (no segments.json document).
std::shared_ptr<RunData> LoadRunStored(const StoredRun& stored, const std::string& store);
//! The same RunData read from `store` with only the tables the dashboard uses (customers,
//! assignments, panel, run_documents, customer_values), the panel streamed row by row into the
//! run rather than held as records. `info` receives the run's header. nullptr when the run was
//! stored before schema 2 (no segments.json document). Throws InvalidArgument for an unknown run.
std::shared_ptr<RunData> LoadRunFromStore(ResultStore& store, const std::string& run_id, const std::string& name,
                                          RunInfo* info);

//! The run's panel as a given metric sees it: zero-filled (every series full length) for the
//! Euclidean metric or a zero pre-acquisition run, else each series from its first purchase month.
LrfmPanel PanelForMetric(const RunData& run, Metric metric);

//! The run id a manifest's "previous" names: it is given as a run id, a model folder or a
//! model.json path, and the run id is the folder's name. "" stays "".
std::string PreviousRunId(const std::string& previous);

//! "2011-12-10T09:30:00Z" from a file's modification time ("" if unknown).
std::string FileTimeIso(const std::string& path);

}  // namespace segcast::internal
