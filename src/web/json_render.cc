#include "web/json_render.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "segcast/calendar.h"
#include "segcast/forecast.h"

namespace segcast::internal {
namespace {

using json = nlohmann::json;

// NaN and infinities are not JSON: they become null.
Json Number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json Lrfm(const LrfmValues& values) {
  return Json{{"length", Number(values[kLength])},
              {"recency", Number(values[kRecency])},
              {"frequency", Number(values[kFrequency])},
              {"monetary", Number(values[kMonetary])}};
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string SegmentName(const Segmentation& segmentation, int32_t segment) {
  const SegmentView* view = segmentation.Find(segment);
  return view ? view->name : "";
}

// RFC 4180 quoting, and a leading quote for text a spreadsheet would run as a formula.
std::string CsvField(const std::string& text) {
  std::string value = text;
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@')) {
    value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string CsvNumber(double value) {
  if (!std::isfinite(value)) return "";
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

// A customer's model figure, or null when the run has no value for the customer.
Json ValueField(const RunCustomer& customer, double CustomerValue::*field) {
  return customer.value ? Number((*customer.value).*field) : Json(nullptr);
}
std::string ValueCsv(const RunCustomer& customer, double CustomerValue::*field) {
  return customer.value ? CsvNumber((*customer.value).*field) : "";
}

// A forecast series of forecast.json: its key in the answer, segment id (kTotalSeries,
// kExistingSeries, kNewSeries or the stable segment id) and display name.
struct SeriesLabel {
  std::string key;
  Json segment_id;
  std::string name;
};
SeriesLabel LabelSeries(const std::string& series, const Segmentation& own) {
  if (series == "total") return {"total", kTotalSeries, "Total"};
  if (series == "existing") return {"existing", kExistingSeries, "Existing customers"};
  if (series == "new") return {"new", kNewSeries, "Customers not yet acquired"};
  if (series.rfind("segment_", 0) == 0) {
    const int32_t segment = std::atoi(series.c_str() + 8);
    const std::string key = "segment " + std::to_string(segment);
    const std::string name = SegmentName(own, segment);
    return {key, segment, name.empty() ? key : name};
  }
  return {series, nullptr, series};  // not a series segcast writes: shown under its own name
}

}  // namespace

std::string Dump(const Json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

Json RunsJson(const std::vector<RunSummary>& runs) {
  Json list = Json::array();
  for (const RunSummary& run : runs) {
    list.push_back({{"run_id", run.run_id},
                    {"as_of", run.as_of},
                    {"created_at", run.created_at},
                    {"k", run.k},
                    {"customers", run.customers},
                    {"revenue", Number(run.revenue)},
                    {"previous_run_id", run.previous_run_id.empty() ? Json(nullptr) : Json(run.previous_run_id)},
                    {"source", run.source},
                    {"has_data", run.has_data}});
  }
  return Json{{"runs", list}};
}

CustomerMatcher::CustomerMatcher(const RunData& run, const CustomerFilter& filter) : run_(run), filter_(filter) {
  if (!filter.column.empty() && filter.column != "country") {
    const auto& columns = run.attributes.columns;
    attribute_ = static_cast<int>(std::find(columns.begin(), columns.end(), filter.column) - columns.begin());
  }
}

bool CustomerMatcher::operator()(size_t index) const {
  if (!filter_.column.empty()) {
    const std::string& value =
        attribute_ < 0 ? run_.customers[index].country : run_.attributes.values[index][attribute_];
    if (value != filter_.value) return false;
  }
  return Active(index);
}

// Active in the months asked for: a purchase (F > 0) in one of them. Customers before index
// panel.customer_count() are the panel's, in its order.
bool CustomerMatcher::Active(size_t index) const {
  if (!filter_.active_from && !filter_.active_to) return true;
  const LrfmPanel& panel = run_.panel;
  if (static_cast<int>(index) >= panel.customer_count()) return false;
  const int first = std::max(0, filter_.active_from ? *filter_.active_from - panel.first_month : 0);
  const int last = std::min(panel.month_count - 1,
                            filter_.active_to ? *filter_.active_to - panel.first_month : panel.month_count - 1);
  for (int month = std::max(first, static_cast<int>(panel.start[index])); month <= last; ++month) {
    if (panel.At(static_cast<int>(index), month, kFrequency) > 0) return true;
  }
  return false;
}

Json KpisJson(const RunData& run, const CustomerFilter& filter) {
  const CustomerMatcher matches(run, filter);
  double revenue = 0;
  int64_t customers = 0;
  for (size_t index = 0; index < run.customers.size(); ++index) {
    const RunCustomer& customer = run.customers[index];
    if (customer.segment < 0 || !matches(index)) continue;
    revenue += customer.revenue;
    ++customers;
  }
  const LrfmPanel& panel = run.panel;
  return Json{{"run_id", run.run_id},
              {"as_of", run.as_of},
              {"total_revenue", revenue},
              {"customers", customers},
              {"avg_revenue_per_customer", customers > 0 ? Number(revenue / customers) : Json(nullptr)},
              {"segments", run.k},
              {"months", panel.month_count},
              {"first_month", run.HasPanel() ? Json(FormatMonth(panel.first_month)) : Json(nullptr)},
              {"last_month", run.HasPanel() ? Json(FormatMonth(panel.first_month + panel.month_count - 1))
                                            : Json(nullptr)},
              {"metric", MetricName(run.fit.metric)},
              {"filtered", !filter.empty()},
              {"customer_base", CustomerBaseJson(run)}};
}

Json CustomerBaseJson(const RunData& run) {
  if (!run.customer_base) return nullptr;
  const CustomerBaseSettings& settings = *run.customer_base;
  return Json{{"customers", settings.customers},
              {"horizon_months", settings.horizon_months},
              {"clv_months", settings.clv_months},
              {"monthly_discount", Number(settings.monthly_discount)}};
}

namespace {

// Customers and revenue of each segment among those passing `filter`, with their shares of the
// filtered totals: what the charts show when the dashboard is filtered.
Json FilteredSegmentFigures(const RunData& run, const Segmentation& segmentation, const CustomerFilter& filter) {
  const CustomerMatcher matches(run, filter);
  std::map<int32_t, std::pair<int64_t, double>> figures;  // segment -> customers, revenue
  int64_t all_customers = 0;
  double all_revenue = 0;
  for (size_t index = 0; index < run.customers.size(); ++index) {
    const int32_t segment = segmentation.segment[index];
    if (segment < 0 || !matches(index)) continue;
    auto& [customers, revenue] = figures[segment];
    ++customers;
    revenue += run.customers[index].revenue;
    ++all_customers;
    all_revenue += run.customers[index].revenue;
  }
  Json by_segment = Json::object();
  for (const SegmentView& view : segmentation.segments) {
    const auto [customers, revenue] = figures[view.segment_id];
    by_segment[std::to_string(view.segment_id)] =
        Json{{"customers", customers},
             {"revenue", Number(revenue)},
             {"customer_share", all_customers > 0 ? Number(static_cast<double>(customers) / all_customers) : Json(0)},
             {"revenue_share", all_revenue != 0 ? Number(revenue / all_revenue) : Json(0)}};
  }
  return by_segment;
}

}  // namespace

Json SegmentsJson(const RunData& run, const Segmentation& segmentation, bool cached, const CustomerFilter& filter) {
  const Json filtered = filter.empty() ? Json(nullptr) : FilteredSegmentFigures(run, segmentation, filter);
  Json segments = Json::array();
  for (const SegmentView& view : segmentation.segments) {
    Json mix = Json::object();
    for (const AttributeMix& attribute : view.mixes) {
      Json entries = Json::array();
      for (const MixEntry& entry : attribute.entries) {
        entries.push_back({{"value", entry.value}, {"customers", entry.customers}, {"share", Number(entry.share)}});
      }
      mix[attribute.column] = entries;
    }
    Json trajectory = Json::array();
    for (size_t step = 0; step < view.trajectory.size(); ++step) {
      Json point = Lrfm(view.trajectory[step]);
      Json row{{"month", view.first_month ? Json(FormatMonth(*view.first_month + static_cast<int>(step)))
                                          : Json(nullptr)}};
      row.update(point);
      trajectory.push_back(row);
    }
    segments.push_back({{"segment_id", view.segment_id},
                        {"name", view.name},
                        {"evidence", view.evidence},
                        {"description", view.description},
                        {"action", view.action.name.empty()
                                       ? Json(nullptr)
                                       : Json{{"name", view.action.name}, {"why", view.action.why}}},
                        {"customers", view.customers},
                        {"customer_share", Number(view.customer_share)},
                        {"revenue", Number(view.revenue)},
                        {"revenue_share", Number(view.revenue_share)},
                        {"mean", Lrfm(view.mean)},
                        {"value", view.value ? Json{{"expected_revenue", Number(view.value->expected_revenue)},
                                                    {"likely_lost_share", Number(view.value->likely_lost_share)},
                                                    {"mean_p_alive", Number(view.value->mean_p_alive)},
                                                    {"mean_clv", Number(view.value->mean_clv)}}
                                             : Json(nullptr)},
                        {"mix", mix},
                        {"filtered", filtered.is_null() ? Json(nullptr) : filtered[std::to_string(view.segment_id)]},
                        {"trajectory", trajectory}});
  }
  return Json{{"run_id", run.run_id},
              {"k", segmentation.k},
              {"metric", MetricName(segmentation.metric)},
              {"source", segmentation.source},
              {"seconds", segmentation.seconds},
              {"cached", cached},
              {"iterations", segmentation.iterations},
              {"timings", {{"seed", segmentation.seconds_seed},
                           {"assign", segmentation.seconds_assign},
                           {"update", segmentation.seconds_update},
                           {"silhouette", segmentation.seconds_silhouette},
                           {"profile", segmentation.seconds_profile}}},
              {"silhouette", Number(segmentation.silhouette)},
              {"silhouette_sample", segmentation.silhouette_sample},
              {"population", Lrfm(segmentation.population)},
              {"mix_note", segmentation.mix_note.empty() ? Json(nullptr) : Json(segmentation.mix_note)},
              {"segments", segments}};
}

Json ForecastsJson(const RunData& run, const Segmentation& own) {
  Json series = Json::array();
  const json& file = run.forecast_json;
  if (file.is_object()) {
    for (const json& entry : file.value("series", json::array())) {
      const SeriesLabel label = LabelSeries(entry.value("series", ""), own);
      auto number = [](const json& object, const char* field) {
        const auto found = object.find(field);
        return found != object.end() && found->is_number() ? Json(found->get<double>()) : Json(nullptr);
      };
      Json points = Json::array();
      for (const json& point : entry.value("points", json::array())) {
        points.push_back({{"month", point.value("month", "")},
                          {"actual", number(point, "actual")},
                          {"yhat", number(point, "yhat")},
                          {"lower", number(point, "yhat_lower")},
                          {"upper", number(point, "yhat_upper")},
                          {"is_history", point.value("is_history", false)}});
      }
      // The as-of month when the as-of date is not its 1st: a forecast month whose first days are
      // already observed (actual_to_date), part of its forecast.
      Json partial = nullptr;
      if (const auto found = entry.find("partial_month"); found != entry.end() && found->is_object()) {
        partial = Json{{"month", found->value("month", "")},
                       {"days_observed", found->value("days_observed", 0)},
                       {"days_in_month", found->value("days_in_month", 0)},
                       {"actual_to_date", number(*found, "actual_to_date")}};
      }
      series.push_back({{"series", label.key},
                        {"segment_id", label.segment_id},
                        {"name", label.name},
                        {"partial_month", partial},
                        {"points", points}});
    }
  }
  return Json{{"run_id", run.run_id},
              {"series", series},
              {"interval", file.is_object() ? Number(file.value("interval", 0.0)) : Json(nullptr)},
              {"horizon", file.is_object() ? Json(file.value("horizon", 0)) : Json(nullptr)},
              {"cohort_backtest", file.is_object() && file.contains("cohort_backtest")
                                      ? Json::parse(file["cohort_backtest"].dump())
                                      : Json(nullptr)}};
}

RunAssignments AssignmentsOf(const RunData& run) {
  RunAssignments assignments;
  for (const RunCustomer& customer : run.customers) {
    if (customer.segment < 0) continue;
    assignments.customer_ids.push_back(customer.id);
    assignments.segment.push_back(customer.segment);
    assignments.revenue.push_back(customer.revenue);
  }
  return assignments;
}

Json MigrationJson(const RunData& from, const Segmentation& from_own, const RunData& to,
                   const Segmentation& to_own, const MigrationResult& migration) {
  auto segments_of = [](const Segmentation& own) {
    Json list = Json::array();
    for (const SegmentView& view : own.segments) {
      list.push_back({{"segment_id", view.segment_id}, {"name", view.name}});
    }
    return list;
  };
  Json cells = Json::array();
  for (const MigrationCell& cell : migration.matrix) {
    cells.push_back({{"from", cell.from_segment},
                     {"to", cell.to_segment},
                     {"customers", cell.customers},
                     {"previous_revenue", Number(cell.previous_revenue)},
                     {"current_revenue", Number(cell.current_revenue)}});
  }
  return Json{{"from_run", from.run_id},
              {"to_run", to.run_id},
              {"segments_from", segments_of(from_own)},
              {"segments_to", segments_of(to_own)},
              {"cells", cells},
              {"stayed", migration.stayed},
              {"moved", migration.moved},
              {"new", migration.new_customers},
              {"gone", migration.gone}};
}

const std::vector<std::string>& CustomerOrderColumns() {
  static const std::vector<std::string> columns = {"customer_id", "country", "recency", "frequency", "monetary",
                                                   "p_alive", "expected_revenue", "clv", "distance"};
  return columns;
}

namespace {

// Whether `text` holds `needle` (already lower case), ASCII case-insensitively: Lower(text).find.
bool ContainsLower(const std::string& text, const std::string& needle) {
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
           return static_cast<char>(std::tolower(static_cast<unsigned char>(a))) == b;
         }) != text.end();
}

}  // namespace

std::vector<int> SegmentCustomers(const RunData& run, const Segmentation& segmentation, int32_t segment,
                                  const std::string& query, const CustomerOrder& order,
                                  const CustomerFilter& filter, size_t from, size_t to) {
  const std::string needle = Lower(query);
  const CustomerMatcher matches(run, filter);
  std::vector<int> matching;
  for (size_t index = 0; index < run.customers.size(); ++index) {
    if (segmentation.segment[index] != segment || !matches(index)) continue;
    const RunCustomer& customer = run.customers[index];
    if (!needle.empty() && !ContainsLower(customer.id, needle) && !ContainsLower(customer.country, needle)) continue;
    matching.push_back(static_cast<int>(index));
  }
  to = std::min(to, matching.size());
  if (from >= to) return matching;  // the positions asked for hold no customer: no order needed
  const std::string& column = order.column;
  const bool text = column == "customer_id" || column == "country";
  // The sort key of each customer, read once: a number for the numeric columns (NaN: no value,
  // last in both directions), ties by id ascending. The order is total (ids are distinct), so the
  // positions [from, to) hold the same customers however much of the rest is left unsorted.
  std::vector<double> key(text ? 0 : run.customers.size());
  if (!text) {
    const int which = column == "recency" ? 0 : column == "frequency" ? 1 : column == "monetary" ? 2
                    : column == "distance" ? 3 : column == "p_alive" ? 4 : column == "expected_revenue" ? 5
                    : column == "clv" ? 6 : 7;
    for (int index : matching) {
      const RunCustomer& customer = run.customers[index];
      const std::optional<CustomerValue>& value = customer.value;
      double number = std::nan("");
      switch (which) {
        case 0: number = customer.recency; break;
        case 1: number = customer.frequency; break;
        case 2: number = customer.monetary; break;
        case 3: number = segmentation.distance[index]; break;
        case 4: if (value) number = value->p_alive; break;
        case 5: if (value) number = value->expected_revenue; break;
        case 6: if (value) number = value->clv; break;
        default: break;
      }
      key[index] = number;
    }
  }
  const bool country = column == "country", descending = order.descending;
  const auto before = [&](int a, int b) {
    const RunCustomer& x = run.customers[a];
    const RunCustomer& y = run.customers[b];
    if (text) {
      const std::string& left = country ? x.country : x.id;
      const std::string& right = country ? y.country : y.id;
      if (left != right) return descending ? left > right : left < right;
    } else {
      const double left = key[a], right = key[b];
      if (std::isnan(left) != std::isnan(right)) return std::isnan(right);
      if (!std::isnan(left) && left != right) return descending ? left > right : left < right;
    }
    return x.id < y.id;
  };
  if (from == 0 && to == matching.size()) {
    std::sort(matching.begin(), matching.end(), before);
  } else {
    // Only the page: the customers before it in any order, then the page sorted.
    if (from > 0) std::nth_element(matching.begin(), matching.begin() + from, matching.end(), before);
    std::partial_sort(matching.begin() + from, matching.begin() + to, matching.end(), before);
  }
  return matching;
}

Json CustomerPageJson(const RunData& run, const Segmentation& segmentation, int32_t segment,
                      const std::vector<int>& matching, int page, int page_size) {
  Json rows = Json::array();
  const size_t first = static_cast<size_t>(page - 1) * page_size;
  for (size_t position = first; position < matching.size() && position < first + page_size; ++position) {
    const int index = matching[position];
    const RunCustomer& customer = run.customers[index];
    rows.push_back({{"customer_id", customer.id},
                    {"country", customer.country},
                    {"recency", Number(customer.recency)},
                    {"frequency", Number(customer.frequency)},
                    {"monetary", Number(customer.monetary)},
                    {"distance", Number(segmentation.distance[index])},
                    {"p_alive", ValueField(customer, &CustomerValue::p_alive)},
                    {"expected_revenue", ValueField(customer, &CustomerValue::expected_revenue)},
                    {"clv", ValueField(customer, &CustomerValue::clv)}});
  }
  return Json{{"segment_id", segment},
              {"total", matching.size()},
              {"page", page},
              {"page_size", page_size},
              {"customers", rows}};
}

std::string CustomersCsv(const RunData& run, const Segmentation& segmentation, const std::vector<int>& matching) {
  std::string csv = "customer_id,country,recency,frequency,monetary,distance,p_alive,expected_revenue,clv\n";
  for (int index : matching) {
    const RunCustomer& customer = run.customers[index];
    csv += CsvField(customer.id) + "," + CsvField(customer.country) + "," + CsvNumber(customer.recency) + "," +
           CsvNumber(customer.frequency) + "," + CsvNumber(customer.monetary) + "," +
           CsvNumber(segmentation.distance[index]) + "," + ValueCsv(customer, &CustomerValue::p_alive) + "," +
           ValueCsv(customer, &CustomerValue::expected_revenue) + "," + ValueCsv(customer, &CustomerValue::clv) +
           "\n";
  }
  return csv;
}

Json TrajectoryJson(const RunData& run, int customer) {
  Json months = Json::array();
  if (!run.HasPanel()) return months;
  const LrfmPanel& panel = run.panel;
  for (int month = panel.start[customer]; month < panel.month_count; ++month) {
    months.push_back({{"month", FormatMonth(panel.first_month + month)},
                      {"length", panel.At(customer, month, kLength)},
                      {"recency", panel.At(customer, month, kRecency)},
                      {"frequency", panel.At(customer, month, kFrequency)},
                      {"monetary", panel.At(customer, month, kMonetary)}});
  }
  return months;
}

Json CustomerValueJson(const RunCustomer& customer) {
  if (!customer.value) return nullptr;
  const CustomerValue& value = *customer.value;
  return Json{{"purchases", value.purchases},
              {"recency_weeks", Number(value.recency_weeks)},
              {"age_weeks", Number(value.age_weeks)},
              {"p_alive", Number(value.p_alive)},
              {"expected_purchases", Number(value.expected_purchases)},
              {"expected_revenue", Number(value.expected_revenue)},
              {"clv", Number(value.clv)}};
}

Json CustomerJson(const RunData& run, const Segmentation& segmentation, int customer) {
  const RunCustomer& row = run.customers[customer];
  const int32_t segment = segmentation.segment[customer];
  return Json{{"customer_id", row.id},
              {"country", row.country},
              {"segment_id", segment},
              {"segment_name", SegmentName(segmentation, segment)},
              {"distance", Number(segmentation.distance[customer])},
              {"revenue", Number(row.revenue)},
              {"rfm", {{"recency", Number(row.recency)},
                       {"frequency", Number(row.frequency)},
                       {"monetary", Number(row.monetary)},
                       {"first_purchase", row.first_purchase},
                       {"last_purchase", row.last_purchase}}},
              {"value", CustomerValueJson(row)},
              {"trajectory", TrajectoryJson(run, customer)}};
}

}  // namespace segcast::internal
