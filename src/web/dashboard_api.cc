// Dashboard::Get: routes an API path to its answer, parses and checks the query parameters, and
// turns every failure into a JSON error with its status.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <sstream>

#include "segcast/dashboard.h"
#include "segcast/error.h"
#include "segcast/nearest.h"
#include "segcast/store.h"
#include "web/api_error.h"
#include "web/json_render.h"
#include "web/recluster_cache.h"
#include "web/run_catalog.h"

#ifndef SEGCAST_VERSION
#define SEGCAST_VERSION "unknown"
#endif

namespace segcast {

using internal::ApiError;
using internal::Json;
using internal::RunData;
using internal::Segmentation;

namespace {

constexpr int kMinK = 2, kMaxK = 8;
constexpr int kMaxPageSize = 500, kDefaultPageSize = 50;
constexpr int kMaxNeighbours = 50, kDefaultNeighbours = 5;

using Query = std::multimap<std::string, std::string>;

const std::string* Param(const Query& query, const std::string& name) {
  const auto found = query.find(name);
  return found == query.end() ? nullptr : &found->second;
}

int IntParam(const Query& query, const std::string& name, int minimum, int maximum, int fallback) {
  const std::string* text = Param(query, name);
  if (!text) return fallback;
  int value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size() || value < minimum ||
      value > maximum) {
    throw ApiError(400,
                   name + " must be an integer in " + std::to_string(minimum) + ".." + std::to_string(maximum),
                   name);
  }
  return value;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(path);
  while (std::getline(stream, part, '/')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

ApiResponse JsonAnswer(const Json& body) { return {200, "application/json; charset=utf-8", internal::Dump(body), {}}; }

}  // namespace

ApiResponse ErrorResponse(int status, const std::string& message, const std::string& field) {
  Json error{{"status", status}, {"message", message}};
  if (!field.empty()) error["field"] = field;
  return {status, "application/json; charset=utf-8", internal::Dump(Json{{"error", error}}), {}};
}

void DashboardOptions::Validate() const {
  if (output_dir.empty() && store.empty()) {
    throw InvalidArgument("the output directory of `segcast run` or a store is required",
                          {.field = "output_dir", .expected = "a folder holding runs/, or a store"});
  }
  if (threads < 0) throw InvalidArgument("must be >= 0 (0: every core)", {.field = "threads"});
  if (cache_entries < 1) throw InvalidArgument("must be >= 1", {.field = "cache_entries"});
  if (silhouette_sample < 0) {
    throw InvalidArgument("must be >= 0 (0: exact)", {.field = "silhouette_sample"});
  }
}

struct Dashboard::Impl {
  explicit Impl(DashboardOptions dashboard_options)
      : options(std::move(dashboard_options)),
        catalog(options.output_dir, options.store),
        cache(options.cache_entries) {}

  DashboardOptions options;
  internal::RunCatalog catalog;
  mutable internal::ReclusterCache cache;

  static std::string RunKey(const RunData& run) { return run.run_id + "|" + run.source + "|" + run.stamp; }

  std::shared_ptr<const RunData> LoadRun(const std::string& name) const {
    return catalog.Load(catalog.Resolve(name));
  }

  std::shared_ptr<const Segmentation> Own(const RunData& run) const {
    bool cached = false;
    return cache.Get(RunKey(run), 0, run.fit.metric, [&run] { return internal::RunSegmentation(run); }, &cached);
  }

  // `sort` (a column of the customer table) and `order` (asc or desc; default desc).
  static internal::CustomerOrder ParseOrder(const Query& query) {
    internal::CustomerOrder order;
    if (const std::string* column = Param(query, "sort")) {
      const auto& allowed = internal::CustomerOrderColumns();
      if (std::find(allowed.begin(), allowed.end(), *column) == allowed.end()) {
        std::string names;
        for (const std::string& name : allowed) names += (names.empty() ? "" : ", ") + name;
        throw ApiError(400, "sort must be one of " + names, "sort");
      }
      order.column = *column;
    }
    if (const std::string* direction = Param(query, "order")) {
      if (*direction != "asc" && *direction != "desc") throw ApiError(400, "order must be asc or desc", "order");
      order.descending = *direction == "desc";
    }
    return order;
  }

  // `where=COLUMN` with `value=TEXT` (country or a joined column of the run), `active_from` and
  // `active_to` (YYYY-MM, inclusive).
  static internal::CustomerFilter ParseFilter(const RunData& run, const Query& query) {
    internal::CustomerFilter filter;
    if (const std::string* column = Param(query, "where")) {
      const auto& joined = run.attributes.columns;
      const bool known = (*column == "country" && run.has_countries) ||
                         (!run.attributes.values.empty() && std::find(joined.begin(), joined.end(), *column) != joined.end());
      if (!known) {
        std::string names = run.has_countries ? "country" : "";
        for (const std::string& name : joined) names += (names.empty() ? "" : ", ") + name;
        throw ApiError(400, "where must name a column of the run (" + (names.empty() ? "none" : names) + ")", "where");
      }
      filter.column = *column;
      const std::string* value = Param(query, "value");
      filter.value = value ? *value : "";
    }
    for (const char* name : {"active_from", "active_to"}) {
      const std::string* text = Param(query, name);
      if (!text) continue;
      const auto month = ParseIsoMonth(*text);
      if (!month) throw ApiError(400, std::string(name) + " must be a month YYYY-MM", name);
      (std::string(name) == "active_from" ? filter.active_from : filter.active_to) = *month;
    }
    return filter;
  }

  // The run's own segmentation, or with k / metric a re-clustering (cached).
  std::shared_ptr<const Segmentation> Choose(const RunData& run, const Query& query, bool* cached) const {
    const std::string* metric_text = Param(query, "metric");
    if (!Param(query, "k") && !metric_text) {
      *cached = true;
      return Own(run);
    }
    const int k = IntParam(query, "k", kMinK, kMaxK, std::clamp(run.k, kMinK, kMaxK));
    Metric metric = run.fit.metric;
    if (metric_text) {
      if (*metric_text != "dtw" && *metric_text != "euclidean") {
        throw ApiError(400, "metric must be dtw or euclidean", "metric");
      }
      metric = ParseMetric(*metric_text);
    }
    if (!run.HasPanel()) {
      throw ApiError(404, "run " + run.run_id + " has no lrfm.csv (written with the panel off): it cannot be re-clustered", "k");
    }
    const internal::ReclusterRequest request{k, metric, options.threads, options.silhouette_sample};
    return cache.Get(RunKey(run), k, metric, [&run, request] { return internal::Recluster(run, request); }, cached);
  }

  int FindCustomer(const RunData& run, const std::string& id) const {
    const int customer = run.Find(id);
    if (customer < 0) throw ApiError(404, "no customer '" + id + "' in run " + run.run_id, "customer");
    return customer;
  }

  int32_t ParseSegment(const Segmentation& segmentation, const std::string& text) const {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      throw ApiError(400, "segment must be an integer id", "segment");
    }
    if (!segmentation.Find(value)) {
      throw ApiError(404, "no segment " + text + " in this segmentation (k = " + std::to_string(segmentation.k) + ")",
                     "segment");
    }
    return value;
  }

  ApiResponse Route(const std::vector<std::string>& parts, const Query& query) const {
    if (parts.size() == 2 && parts[1] == "health") {
      return JsonAnswer(Json{{"status", "ok"}, {"version", SEGCAST_VERSION}, {"runs", catalog.List().size()}});
    }
    if (parts.size() == 2 && parts[1] == "runs") return JsonAnswer(internal::RunsJson(catalog.List()));
    if (parts.size() < 4 || parts[1] != "runs") throw ApiError(404, "no such API endpoint");
    const std::shared_ptr<const RunData> run = LoadRun(parts[2]);
    const std::string& what = parts[3];
    if (parts.size() == 4 && what == "kpis") return JsonAnswer(internal::KpisJson(*run, ParseFilter(*run, query)));
    if (parts.size() == 4 && what == "segments") {
      bool cached = false;
      const auto segmentation = Choose(*run, query, &cached);
      return JsonAnswer(internal::SegmentsJson(*run, *segmentation, cached, ParseFilter(*run, query)));
    }
    if (parts.size() == 4 && what == "forecasts") {
      if (!run->forecast_json.is_object()) throw ApiError(404, "run " + run->run_id + " has no forecast.json");
      return JsonAnswer(internal::ForecastsJson(*run, *Own(*run)));
    }
    if (parts.size() == 4 && what == "migration") return Migration(*run, query);
    if (parts.size() == 6 && what == "segments" && (parts[5] == "customers" || parts[5] == "customers.csv")) {
      bool cached = false;
      const auto segmentation = Choose(*run, query, &cached);
      const int32_t segment = ParseSegment(*segmentation, parts[4]);
      const std::string* text = Param(query, "q");
      const internal::CustomerOrder order = ParseOrder(query);
      const internal::CustomerFilter filter = ParseFilter(*run, query);
      if (parts[5] == "customers.csv") {
        const std::vector<int> matching =
            internal::SegmentCustomers(*run, *segmentation, segment, text ? *text : "", order, filter);
        return {200, "text/csv; charset=utf-8", internal::CustomersCsv(*run, *segmentation, matching),
                {{"Content-Disposition", "attachment; filename=\"segment-" + std::to_string(segment) + ".csv\""}}};
      }
      const int page_size = IntParam(query, "page_size", 1, kMaxPageSize, kDefaultPageSize);
      const int page = IntParam(query, "page", 1, 1000000000, 1);
      // Only the page is put in order (a selection, not a sort of the whole segment).
      const size_t first = static_cast<size_t>(page - 1) * page_size;
      const std::vector<int> matching = internal::SegmentCustomers(*run, *segmentation, segment, text ? *text : "",
                                                                   order, filter, first, first + page_size);
      return JsonAnswer(internal::CustomerPageJson(*run, *segmentation, segment, matching, page, page_size));
    }
    if (parts.size() == 5 && what == "customers") {
      bool cached = false;
      const auto segmentation = Choose(*run, query, &cached);
      return JsonAnswer(internal::CustomerJson(*run, *segmentation, FindCustomer(*run, parts[4])));
    }
    if (parts.size() == 6 && what == "customers" && parts[5] == "neighbours") return Neighbours(*run, parts[4], query);
    throw ApiError(404, "no such API endpoint");
  }

  ApiResponse Migration(const RunData& to, const Query& query) const {
    const std::string* from_text = Param(query, "from");
    std::string from_name = from_text ? *from_text : to.previous_run_id;
    if (from_name.empty()) {
      throw ApiError(404, "run " + to.run_id + " has no previous run: pass ?from=RUN to compare with another run", "from");
    }
    const std::shared_ptr<const RunData> from = LoadRun(from_name);
    const MigrationResult migration = BuildMigration(internal::AssignmentsOf(*from), internal::AssignmentsOf(to));
    return JsonAnswer(internal::MigrationJson(*from, *Own(*from), to, *Own(to), migration));
  }

  ApiResponse Neighbours(const RunData& run, const std::string& id, const Query& query) const {
    const int customer = FindCustomer(run, id);
    const int count = IntParam(query, "n", 1, kMaxNeighbours, kDefaultNeighbours);
    if (!run.HasPanel()) throw ApiError(404, "run " + run.run_id + " has no lrfm.csv: no trajectories to compare");
    const TimeSeriesSet& series = run.series;
    int query_index = -1;
    for (int index = 0; index < series.size() && query_index < 0; ++index) {
      if (series.ids[index] == id) query_index = index;
    }
    if (query_index < 0) throw ApiError(404, "customer '" + id + "' has no trajectory in run " + run.run_id);
    NearestOptions nearest;
    nearest.count = std::min(count, series.size() - 1);
    nearest.metric = Metric::kDtw;
    nearest.band = run.fit.band;
    nearest.threads = options.threads;
    Json neighbours = Json::array();
    if (nearest.count >= 1) {
      const NearestResult found =
          NearestSeries(series, series.Data(query_index), series.Length(query_index), query_index, nearest);
      for (const NearestHit& hit : found.hits) {
        const int other = run.Find(series.ids[hit.index]);
        neighbours.push_back({{"customer_id", series.ids[hit.index]},
                              {"distance", hit.distance},
                              {"segment_id", run.customers[other].segment},
                              {"trajectory", internal::TrajectoryJson(run, other)}});
      }
    }
    return JsonAnswer(Json{{"customer_id", run.customers[customer].id},
                           {"metric", "dtw"},
                           {"neighbours", neighbours}});
  }
};

Dashboard::Dashboard(DashboardOptions options) {
  options.Validate();
  std::error_code error;
  if (!options.output_dir.empty() && !std::filesystem::is_directory(options.output_dir, error)) {
    throw InputError("not a folder: the output directory of `segcast run` was expected",
                     {.file = options.output_dir});
  }
  impl_ = std::make_unique<Impl>(std::move(options));
}

Dashboard::~Dashboard() = default;

const DashboardOptions& Dashboard::options() const { return impl_->options; }

int Dashboard::RunCount() const { return static_cast<int>(impl_->catalog.List().size()); }

ApiResponse Dashboard::Get(const std::string& path, const Query& query) const {
  try {
    const std::vector<std::string> parts = SplitPath(path);
    if (parts.empty() || parts[0] != "api") return ErrorResponse(404, "no such API endpoint");
    return impl_->Route(parts, query);
  } catch (const ApiError& error) {
    return ErrorResponse(error.status, error.what(), error.field);
  } catch (const InvalidArgument& error) {
    return ErrorResponse(400, error.message(), error.location().field);
  } catch (const DatabaseError& error) {
    return ErrorResponse(500, "the store could not be read: " + error.message());
  } catch (const Error& error) {
    return ErrorResponse(500, error.what());
  } catch (const std::exception& error) {
    return ErrorResponse(500, std::string("internal error: ") + error.what());
  }
}

}  // namespace segcast
