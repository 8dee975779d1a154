// The JSON (and CSV) bodies of the dashboard API, one function per answer; the shapes are the
// contract of docs/dashboard.md. Pure functions of loaded data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "segcast/migration.h"
#include "web/run_catalog.h"
#include "web/run_data.h"
#include "web/segmentation.h"

namespace segcast::internal {

using Json = nlohmann::ordered_json;

//! Which customers the dashboard counts and lists: those with a value of a column (country or a
//! joined column) and/or those active (a purchase, F > 0) in a range of panel months.
struct CustomerFilter {
  std::string column;  //!< "country" or a column of RunData::attributes; "" = no value filter
  std::string value;   //!< the exact value ("" matches customers without one)
  std::optional<MonthIndex> active_from, active_to;  //!< inclusive calendar months; nullopt = open

  bool empty() const { return column.empty() && !active_from && !active_to; }
};

//! Whether customer `index` of `run` passes `filter`.
class CustomerMatcher {
 public:
  CustomerMatcher(const RunData& run, const CustomerFilter& filter);
  bool operator()(size_t index) const;

 private:
  bool Active(size_t index) const;
  const RunData& run_;
  const CustomerFilter& filter_;
  int attribute_ = -1;  //!< column of run.attributes, -1 for country
};


//! {"runs": [...]} in the order given.
Json RunsJson(const std::vector<RunSummary>& runs);
//! Totals over the run's segmented customers that pass `filter`: revenue is the sum of the panel's
//! monthly M. "filtered" says whether a filter was applied.
Json KpisJson(const RunData& run, const CustomerFilter& filter = {});
//! The run's customer-base settings (customers with a value, horizon, CLV months, discount), or
//! null for a run without per-customer values.
Json CustomerBaseJson(const RunData& run);
//! The segmentation's segments. With a filter, each segment also has "filtered": its customers
//! and revenue among those passing the filter, and their shares of the filtered totals.
Json SegmentsJson(const RunData& run, const Segmentation& segmentation, bool cached,
                  const CustomerFilter& filter = {});
//! The run's forecast.json in the contract's shape: series "total" (segment_id -1), "existing"
//! (-2), "new" (-3), then "segment N"; history points keep a null yhat where nothing was fitted.
//! `own` is the run's own segmentation (for the segment names).
Json ForecastsJson(const RunData& run, const Segmentation& own);
Json MigrationJson(const RunData& from, const Segmentation& from_own, const RunData& to,
                   const Segmentation& to_own, const MigrationResult& migration);
//! Run assignments of a run as BuildMigration wants them (revenue: the panel's M).
RunAssignments AssignmentsOf(const RunData& run);

//! The order of a segment's customer list: a column of the customer table and its direction.
struct CustomerOrder {
  //! customer_id, country, recency, frequency, monetary, p_alive, expected_revenue, clv or
  //! distance. Default: monetary.
  std::string column = "monetary";
  bool descending = true;  //!< default: highest first
};

//! The columns CustomerOrder::column accepts, for the API's error message.
const std::vector<std::string>& CustomerOrderColumns();

//! Customers of one segment matching `query` (case-insensitive substring of id or country), in
//! `order` (customers without a value, e.g. no P(alive), last either way), ties by id ascending:
//! indices into run.customers. With `from` / `to`, only positions [from, to) are in that order
//! (a page: the customers before it are in some order, those after it in another), which costs
//! one pass over the segment instead of sorting it; the size is always every matching customer.
std::vector<int> SegmentCustomers(const RunData& run, const Segmentation& segmentation, int32_t segment,
                                  const std::string& query, const CustomerOrder& order = {},
                                  const CustomerFilter& filter = {}, size_t from = 0,
                                  size_t to = static_cast<size_t>(-1));
Json CustomerPageJson(const RunData& run, const Segmentation& segmentation, int32_t segment,
                      const std::vector<int>& matching, int page, int page_size);
//! customer_id,country,recency,frequency,monetary,distance,p_alive,expected_revenue,clv; every
//! matching row (the last three empty without the customer-base model).
std::string CustomersCsv(const RunData& run, const Segmentation& segmentation,
                         const std::vector<int>& matching);
Json CustomerJson(const RunData& run, const Segmentation& segmentation, int customer);
//! What the customer-base model says of the customer, or null without a value.
Json CustomerValueJson(const RunCustomer& customer);
//! A customer's months in original units: [{"month","length","recency","frequency","monetary"}].
Json TrajectoryJson(const RunData& run, int customer);

//! Serialises with invalid UTF-8 replaced (ids and countries come from user files).
std::string Dump(const Json& value);

}  // namespace segcast::internal
