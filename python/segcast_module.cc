// _segcast: the pybind11 extension behind `import segcast` (python/segcast/__init__.py).
//
// Conversions only: every function turns Python arguments into a library options struct, calls the
// public API (include/segcast/) with the GIL released, and hands back numpy arrays and plain
// dicts; the Python package builds the DataFrames. Vectors the library returns are moved into a
// capsule that owns them, so their numpy arrays are views, not copies. segcast::Error becomes the
// Python class of its ErrorKind with the attributes file, line, field, expected and kind.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "segcast/assign.h"
#include "segcast/backtest.h"
#include "segcast/customer_base.h"
#include "segcast/error.h"
#include "segcast/forecast.h"
#include "segcast/ingest.h"
#include "segcast/k_selection.h"
#include "segcast/model.h"
#include "segcast/monthly_series.h"
#include "segcast/panel.h"
#include "segcast/pipeline.h"
#include "segcast/rfm.h"
#include "segcast/run_option_table.h"
#include "segcast/scale.h"
#include "segcast/segmentation.h"
#include "segcast/series.h"
#include "segcast/ts_kmeans.h"

namespace py = pybind11;

namespace segcast::python {
namespace {

// ---- numpy views of library vectors ---------------------------------------------------------

//! A 1-d (or shaped) array over `values`, which the array's capsule now owns: no copy.
template <typename T>
py::array_t<T> Owned(std::vector<T>&& values, std::vector<py::ssize_t> shape = {}) {
  auto* owner = new std::vector<T>(std::move(values));
  py::capsule free_owner(owner,
                         [](void* pointer) { delete static_cast<std::vector<T>*>(pointer); });
  if (shape.empty()) shape = {static_cast<py::ssize_t>(owner->size())};
  return py::array_t<T>(shape, owner->data(), free_owner);
}

py::list Strings(const std::vector<std::string>& values) {
  py::list list;
  for (const std::string& value : values) list.append(py::str(value));
  return list;
}

// ---- options from keyword arguments ---------------------------------------------------------

Day DayArgument(const std::string& text, const char* field) {
  const auto day = ParseIsoDay(text);
  if (!day)
    throw InvalidArgument("not a date: '" + text + "'", {.field = field, .expected = "YYYY-MM-DD"});
  return *day;
}

//! `ingest` (defaults, or what a run configuration set) with the keyword arguments applied.
IngestOptions ToIngestOptions(IngestOptions ingest, const std::string& path,
                              const py::dict& options) {
  if (!path.empty()) ingest.path = path;
  for (const auto& [key_handle, value] : options) {
    const std::string key = py::str(key_handle);
    if (value.is_none()) continue;
    if (key == "schema") {
      const std::string name = value.cast<std::string>();
      const auto preset = ParsePresetName(name);
      if (!preset)
        throw InvalidArgument("unknown schema '" + name + "'",
                              {.field = "schema", .expected = PresetNames()});
      ingest.schema = *preset;
    } else if (key == "columns") {
      if (ingest.schema == SchemaPreset::kAuto) ingest.schema = SchemaPreset::kGeneric;
      ingest.mapping = ParseColumnMapping(value.cast<std::string>());
    } else if (key == "demographics") {
      ingest.demographics_path = value.cast<std::string>();
    } else if (key == "addresses") {
      ingest.addresses_path = value.cast<std::string>();
    } else if (key == "duplicates") {
      const std::string name = value.cast<std::string>();
      const auto rule = ParseDuplicateRule(name);
      if (!rule)
        throw InvalidArgument("unknown duplicate rule '" + name + "'",
                              {.field = "duplicates", .expected = "auto, drop or keep"});
      ingest.duplicates = *rule;
    } else if (key == "net_cancellations") {
      ingest.net_cancellations = value.cast<bool>();
    } else if (key == "normalise_customer_ids") {
      ingest.normalise_customer_ids = value.cast<bool>();
    } else if (key == "collect_rejects") {
      ingest.collect_rejects = value.cast<bool>();
    } else if (key == "threads") {
      ingest.threads = value.cast<int>();
    } else if (key == "date_order") {
      const std::string name = value.cast<std::string>();
      const auto order = ParseDateOrder(name);
      if (!order)
        throw InvalidArgument("unknown date order '" + name + "'",
                              {.field = "date_order", .expected = "auto, mdy, dmy or ymd"});
      ingest.date_order = *order;
    } else if (key == "latest_date") {
      ingest.latest_day = DayArgument(value.cast<std::string>(), "latest_date");
    } else {
      throw InvalidArgument(
          "unknown option '" + key + "'",
          {.field = key,
           .expected = "schema, columns, demographics, addresses, duplicates, "
                       "net_cancellations, normalise_customer_ids, collect_rejects, "
                       "threads, date_order, latest_date"});
    }
  }
  ingest.Validate();
  return ingest;
}

PanelOptions ToPanelOptions(const std::optional<std::string>& as_of, int window,
                            const std::string& pre_acquisition) {
  PanelOptions panel;
  if (as_of) panel.as_of = DayArgument(*as_of, "as_of");
  panel.window = window;
  if (pre_acquisition == "zero") {
    panel.pre_acquisition = PreAcquisition::kZero;
  } else if (pre_acquisition != "absent") {
    throw InvalidArgument("unknown pre_acquisition '" + pre_acquisition + "'",
                          {.field = "pre_acquisition", .expected = "absent or zero"});
  }
  panel.Validate();
  return panel;
}

// ---- a read log, kept on the Python side so later stages do not read it again ---------------

struct Log {
  IngestResult result;
};

std::shared_ptr<Log> ReadLog(const std::string& path, const py::kwargs& options) {
  const IngestOptions ingest = ToIngestOptions({}, path, options);
  auto log = std::make_shared<Log>();
  py::gil_scoped_release release;
  log->result = Ingest(ingest);
  return log;
}

py::dict Accounting(const Log& log) {
  const IngestReport& report = log.result.report;
  py::dict rejected;
  for (int reason = 0; reason < kRejectReasonCount; ++reason) {
    rejected[py::str(std::string(RejectReasonName(static_cast<RejectReason>(reason))))] =
        report.rejected[reason];
  }
  py::dict accounting;
  accounting["file"] = report.file;
  accounting["schema"] = report.schema;
  accounting["gzip"] = report.gzip;
  accounting["rows_read"] = report.rows_read;
  accounting["rows_accepted"] = report.rows_accepted;
  accounting["rows_rejected"] = report.rejected_total();
  accounting["rejected"] = rejected;
  accounting["customers"] = report.customers;
  accounting["invoices"] = report.invoices;
  accounting["first_day"] = report.rows_accepted > 0 ? FormatDay(report.first_day) : std::string();
  accounting["last_day"] = report.rows_accepted > 0 ? FormatDay(report.last_day) : std::string();
  accounting["date_order"] = report.dates.order;
  accounting["duplicates"] = report.duplicates;
  accounting["json"] = report.ToJson(false);
  return accounting;
}

//! The accepted rows as columns. Codes index the dictionaries (customer_ids, invoice_ids,
//! countries); the arrays are copies because the Log keeps its table for later stages.
py::dict Columns(const Log& log) {
  const Transactions& table = log.result.transactions;
  py::dict columns;
  columns["customer"] = py::array_t<int32_t>(table.customer.size(), table.customer.data());
  columns["invoice"] = py::array_t<int32_t>(table.invoice.size(), table.invoice.data());
  columns["day"] = py::array_t<int32_t>(table.day.size(), table.day.data());
  columns["quantity"] = py::array_t<double>(table.quantity.size(), table.quantity.data());
  columns["price"] = py::array_t<double>(table.price.size(), table.price.data());
  columns["revenue"] = py::array_t<double>(table.revenue.size(), table.revenue.data());
  columns["country"] = py::array_t<int32_t>(table.country.size(), table.country.data());
  columns["line"] = py::array_t<int64_t>(table.line.size(), table.line.data());
  columns["customer_ids"] = Strings(table.customer_ids);
  columns["invoice_ids"] = Strings(table.invoice_ids);
  columns["countries"] = Strings(table.countries);
  return columns;
}

py::list Rejects(const Log& log) {
  py::list rows;
  for (const RejectedRow& row : log.result.rejects) {
    rows.append(
        py::make_tuple(row.line, std::string(RejectReasonName(row.reason)), row.field, row.record));
  }
  return rows;
}

// ---- RFM and the LRFM panel -----------------------------------------------------------------

py::dict Rfm(const Log& log, const std::optional<std::string>& as_of) {
  RfmOptions options;
  if (as_of) options.as_of = DayArgument(*as_of, "as_of");
  RfmTable table;
  {
    py::gil_scoped_release release;
    table = ComputeRfm(log.result.transactions, options);
  }
  py::dict out;
  out["as_of"] = FormatDay(table.as_of);
  out["customer_id"] = Strings(table.customer_ids);
  out["recency"] = Owned(std::move(table.recency));
  out["frequency"] = Owned(std::move(table.frequency));
  out["monetary"] = Owned(std::move(table.monetary));
  out["first_purchase"] = Owned(std::move(table.first_purchase));
  out["last_purchase"] = Owned(std::move(table.last_purchase));
  out["country"] = Strings(table.country);
  return out;
}

py::dict Panel(const Log& log, const std::optional<std::string>& as_of, int window,
               const std::string& pre_acquisition) {
  const PanelOptions options = ToPanelOptions(as_of, window, pre_acquisition);
  LrfmPanel panel;
  {
    py::gil_scoped_release release;
    panel = BuildPanel(log.result.transactions, options);
  }
  py::dict out;
  out["as_of"] = FormatDay(panel.as_of);
  out["first_month"] = FormatMonth(panel.first_month);
  out["month_count"] = panel.month_count;
  out["customer_id"] = Strings(panel.customer_ids);
  out["start"] = Owned(std::move(panel.start));
  const py::ssize_t customers = static_cast<py::ssize_t>(panel.customer_ids.size());
  out["values"] = Owned(std::move(panel.values), {customers, panel.month_count, kLrfmFeatures});
  return out;
}

// ---- TimeSeries K-Means over (n, T, d) arrays -----------------------------------------------

//! tslearn's layout: (n, T, d), a series ending where its remaining steps are all NaN. A NaN
//! inside a series is refused (DTW is undefined on it).
TimeSeriesSet SeriesFromArray(
    const py::array_t<double, py::array::c_style | py::array::forcecast>& array) {
  if (array.ndim() != 3) {
    throw InvalidArgument("expected an array of shape (n_series, length, dims), got " +
                              std::to_string(array.ndim()) + " dimensions",
                          {.field = "X", .expected = "3 dimensions (tslearn's layout)"});
  }
  const int count = static_cast<int>(array.shape(0));
  const int steps = static_cast<int>(array.shape(1));
  const int dims = static_cast<int>(array.shape(2));
  if (count < 1 || steps < 1 || dims < 1)
    throw InvalidArgument("empty array", {.field = "X", .expected = "n, length, dims >= 1"});
  TimeSeriesSet set;
  set.dims = dims;
  for (int dim = 0; dim < dims; ++dim) set.dim_names.push_back("dim_" + std::to_string(dim));
  const double* data = array.data();
  for (int series = 0; series < count; ++series) {
    const double* first = data + static_cast<size_t>(series) * steps * dims;
    int length = steps;
    while (length > 0 && std::isnan(first[(length - 1) * dims])) --length;
    if (length == 0) {
      throw InvalidArgument("series " + std::to_string(series) + " holds only NaN",
                            {.field = "X", .expected = "at least one step per series"});
    }
    for (size_t value = 0; value < static_cast<size_t>(length) * dims; ++value) {
      if (!std::isfinite(first[value])) {
        throw InvalidArgument(
            "series " + std::to_string(series) + " has a NaN or infinite value at step " +
                std::to_string(value / dims) + " before its end",
            {.field = "X", .expected = "NaN only as padding after the last step"});
      }
    }
    set.Add(std::to_string(series), first, length);
  }
  return set;
}

DtwBand Band(int radius) {
  DtwBand band;
  band.radius = radius;
  band.Validate();
  return band;
}

py::dict FitKMeans(const py::array_t<double, py::array::c_style | py::array::forcecast>& x, int k,
                   const std::string& metric, int max_iter, double tol, int n_init,
                   const py::object& init, uint64_t seed, int threads, int band, bool naive) {
  const TimeSeriesSet series = SeriesFromArray(x);
  TsKMeansOptions options;
  options.k = k;
  options.metric = ParseMetric(metric);
  options.max_iter = max_iter;
  options.tol = tol;
  options.n_init = n_init;
  options.seed = seed;
  options.threads = threads;
  options.band = Band(band);
  options.assignment = naive ? AssignmentStrategy::kNaive : AssignmentStrategy::kPruned;
  if (py::isinstance<py::str>(init)) {
    const std::string name = init.cast<std::string>();
    if (name == "k-means++") {
      options.init = KMeansInit::kKMeansPlusPlus;
    } else if (name == "random") {
      options.init = KMeansInit::kRandom;
    } else {
      throw InvalidArgument(
          "unknown init '" + name + "'",
          {.field = "init", .expected = "k-means++, random or an array (k, length, dims)"});
    }
  } else {
    const auto centroids =
        init.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    if (centroids.ndim() != 3 || centroids.shape(0) != k || centroids.shape(2) != series.dims) {
      throw InvalidArgument("initial centroids must have shape (n_clusters, length, dims)",
                            {.field = "init",
                             .expected = "shape (" + std::to_string(k) + ", length, " +
                                         std::to_string(series.dims) + ")"});
    }
    options.init = KMeansInit::kGiven;
    options.initial_length = static_cast<int>(centroids.shape(1));
    options.initial_centroids.assign(centroids.data(), centroids.data() + centroids.size());
  }
  options.Validate();
  TsKMeansResult result;
  {
    py::gil_scoped_release release;
    result = FitTsKMeans(series, options);
  }
  py::dict out;
  out["labels"] = Owned(std::move(result.labels));
  out["distances"] = Owned(std::move(result.distances));
  out["centroids"] = Owned(std::move(result.centroids), {result.k, result.length, result.dims});
  out["inertia"] = result.inertia;
  out["final_inertia"] = result.final_inertia;
  out["n_iter"] = result.iterations;
  out["converged"] = result.converged;
  out["inertia_history"] = Owned(std::move(result.inertia_history));
  out["seconds"] = result.seconds_total;
  return out;
}

py::tuple AssignSeries(
    const py::array_t<double, py::array::c_style | py::array::forcecast>& x,
    const py::array_t<double, py::array::c_style | py::array::forcecast>& centroids,
    const std::string& metric, int band, int threads) {
  const TimeSeriesSet series = SeriesFromArray(x);
  if (centroids.ndim() != 3 || centroids.shape(2) != series.dims) {
    throw InvalidArgument("centroids must have shape (n_clusters, length, dims)",
                          {.field = "cluster_centers_"});
  }
  const std::vector<double> values(centroids.data(), centroids.data() + centroids.size());
  std::vector<int> labels;
  std::vector<double> distances;
  {
    py::gil_scoped_release release;
    AssignToCentroids(series, values, static_cast<int>(centroids.shape(0)),
                      static_cast<int>(centroids.shape(1)), ParseMetric(metric), Band(band),
                      threads, labels, distances);
  }
  return py::make_tuple(Owned(std::move(labels)), Owned(std::move(distances)));
}

// ---- segmentation of a log's LRFM panel (what `segcast segment` does with a log) -----------

// The segment report's input for a clustering of the panel's series: each series' customer, with
// the levels and revenue the run's personas compare, and the members' trajectories.
SegmentReportInput ReportInput(const LrfmPanel& panel, const TimeSeriesSet& series,
                               const TsKMeansResult& fit) {
  const CustomerLevels levels = PanelCustomerLevels(panel);
  SegmentReportInput input;
  int customer = 0;
  for (int index = 0; index < series.size(); ++index) {
    // PanelToSeries keeps customers with a non-empty series, in panel order.
    while (panel.customer_ids[customer] != series.ids[index]) ++customer;
    input.segment.push_back(fit.labels[index]);
    input.revenue.push_back(levels.revenue[customer]);
    input.lrfm.push_back(levels.levels[customer]);
    ++customer;
  }
  input.centroids = MemberTrajectories(panel, fit.labels, fit.k);
  return input;
}

// One dict per segment: its persona and the figures behind it.
py::list PersonaRows(const DescribedSegments& described) {
  py::list rows;
  for (const SegmentSummary& summary : described.report.segments) {
    Persona persona;
    for (const Persona& named : described.personas)
      if (named.segment_id == summary.segment_id) persona = named;
    rows.append(py::dict(
        py::arg("segment") = summary.segment_id, py::arg("name") = persona.name,
        py::arg("description") = persona.description, py::arg("evidence") = persona.evidence,
        py::arg("action") = persona.action.name, py::arg("action_why") = persona.action.why,
        py::arg("customers") = summary.customers, py::arg("customer_share") = summary.customer_share,
        py::arg("revenue") = summary.revenue, py::arg("revenue_share") = summary.revenue_share,
        py::arg("mean_L") = summary.mean[kLength], py::arg("mean_R") = summary.mean[kRecency],
        py::arg("mean_F") = summary.mean[kFrequency], py::arg("mean_M") = summary.mean[kMonetary]));
  }
  return rows;
}

py::dict Segment(const Log& log, int k, int k_min, int k_max, const std::string& metric, int band,
                 const std::optional<std::string>& as_of, int window, const std::string& scaling,
                 bool log1p, int max_iter, int n_init, uint64_t seed, int threads,
                 bool silhouette) {
  TsKMeansOptions fit;
  fit.metric = ParseMetric(metric);
  fit.k = k > 0 ? k : k_min;
  fit.seed = seed;
  fit.band = Band(band);
  fit.max_iter = max_iter;
  fit.n_init = n_init;
  fit.threads = threads;
  fit.Validate();
  // Euclidean distances need equal lengths: months before the first purchase become zeros.
  const PanelOptions panel_options =
      ToPanelOptions(as_of, window, fit.metric == Metric::kEuclidean ? "zero" : "absent");
  PanelScaleOptions scale;
  if (!scaling.empty()) scale.scaling = ParsePanelScaling(scaling);
  scale.log1p_frequency_monetary = log1p;
  SilhouetteOptions silhouette_options;
  silhouette_options.metric = fit.metric;
  silhouette_options.band = fit.band;
  silhouette_options.seed = seed;
  silhouette_options.threads = threads;

  ClusteringOptions clustering;
  clustering.k = k;
  clustering.fixed_k_silhouette = false;
  clustering.sweep.k_min = k_min;
  clustering.sweep.k_max = k_max;
  clustering.sweep.fit = fit;
  clustering.sweep.silhouette = silhouette_options;
  clustering.sweep.compute_silhouette = silhouette;

  py::dict out;
  ClusteringResult clustered;
  TimeSeriesSet series;
  DescribedSegments described;
  {
    py::gil_scoped_release release;
    const LrfmPanel panel = BuildPanel(log.result.transactions, panel_options);
    series = PanelToSeries(panel, scale, nullptr);
    clustered = ClusterSeries(series, clustering);
    described = DescribeSegments(ReportInput(panel, series, clustered.fit), DefaultPersonaRules());
  }
  const std::vector<KSelectionRow>& rows = clustered.k_selection;
  TsKMeansResult& chosen = clustered.fit;
  const std::string& choice = clustered.k_choice;
  out["personas"] = PersonaRows(described);
  py::list table;
  for (const KSelectionRow& row : rows) {
    table.append(py::dict(
        py::arg("k") = row.k, py::arg("inertia") = row.inertia,
        py::arg("silhouette") = row.silhouette, py::arg("davies_bouldin") = row.davies_bouldin,
        py::arg("iterations") = row.iterations, py::arg("converged") = row.converged,
        py::arg("min_segment_share") = row.min_segment_share,
        py::arg("seconds_fit") = row.seconds_fit));
  }
  out["customer_id"] = Strings(series.ids);
  out["k"] = chosen.k;
  out["k_selection"] = table;
  out["k_choice"] = choice;
  out["labels"] = Owned(std::move(chosen.labels));
  out["distances"] = Owned(std::move(chosen.distances));
  out["centroids"] = Owned(std::move(chosen.centroids), {chosen.k, chosen.length, chosen.dims});
  out["inertia"] = chosen.inertia;
  out["n_iter"] = chosen.iterations;
  out["converged"] = chosen.converged;
  return out;
}

// ---- forecasts and backtests of monthly series -----------------------------------------------

std::vector<MonthlySeries> ToMonthlySeries(const py::list& series) {
  std::vector<MonthlySeries> out;
  for (const py::handle item : series) {
    const auto tuple = item.cast<py::tuple>();
    MonthlySeries one;
    one.id = tuple[0].cast<std::string>();
    const std::string first = tuple[1].cast<std::string>();
    const auto month = ParseIsoMonth(first);
    if (!month)
      throw InvalidArgument("not a month: '" + first + "'",
                            {.field = "index", .expected = "YYYY-MM"});
    one.first_month = *month;
    one.values = tuple[2].cast<std::vector<double>>();
    out.push_back(std::move(one));
  }
  return out;
}

ForecastOptions ToForecastOptions(int horizon, double interval, int samples, int threads) {
  ForecastOptions options;
  options.horizon = horizon;
  options.interval = interval;
  options.samples = samples;
  options.threads = threads;
  options.Validate();
  return options;
}

py::list Forecast(const py::list& series, int horizon, double interval, int samples, int threads) {
  const std::vector<MonthlySeries> input = ToMonthlySeries(series);
  const ForecastOptions options = ToForecastOptions(horizon, interval, samples, threads);
  std::vector<SeriesForecast> forecasts;
  {
    py::gil_scoped_release release;
    forecasts = ForecastAll(input, options);
  }
  py::list out;
  for (const SeriesForecast& forecast : forecasts) {
    const size_t count = forecast.points.size();
    std::vector<double> yhat(count), lower(count), upper(count), trend(count), seasonal(count),
        actual(count);
    std::vector<bool> history(count);
    py::list months;
    for (size_t point = 0; point < count; ++point) {
      const ForecastPoint& p = forecast.points[point];
      months.append(FormatMonth(p.month));
      yhat[point] = p.yhat;
      lower[point] = p.yhat_lower;
      upper[point] = p.yhat_upper;
      trend[point] = p.trend;
      seasonal[point] = p.seasonal;
      actual[point] = p.actual;
      history[point] = p.is_history;
    }
    py::dict one;
    one["series"] = forecast.series_id;
    one["month"] = months;
    one["yhat"] = Owned(std::move(yhat));
    one["yhat_lower"] = Owned(std::move(lower));
    one["yhat_upper"] = Owned(std::move(upper));
    one["trend"] = Owned(std::move(trend));
    one["seasonal"] = Owned(std::move(seasonal));
    one["actual"] = Owned(std::move(actual));
    one["is_history"] = history;
    one["variant"] = forecast.parameters.variant;
    one["converged"] = forecast.converged;
    one["message"] = forecast.message;
    out.append(one);
  }
  return out;
}

py::list RunBacktest(const py::list& series, int origins, int horizon, int step, int min_history,
                     int threads) {
  BacktestOptions options;
  options.forecast = ToForecastOptions(horizon, 0.8, 1000, threads);
  options.origins = origins;
  options.horizon = horizon;
  options.step = step;
  options.min_history = min_history;
  options.threads = threads;
  const std::vector<MonthlySeries> input = ToMonthlySeries(series);
  BacktestResult result;
  {
    py::gil_scoped_release release;
    result = Backtest(input, options);
  }
  py::list rows;
  for (const BacktestRow& row : result.rows) {
    rows.append(py::dict(py::arg("method") = row.method, py::arg("mae") = row.mae,
                         py::arg("rmse") = row.rmse, py::arg("smape") = row.smape,
                         py::arg("mase") = row.mase, py::arg("coverage") = row.coverage,
                         py::arg("width") = row.width));
  }
  return rows;
}

// ---- the whole run, saved models, customer-level predictions --------------------------------

// Python names of run options whose key alone would be unclear or that keep their earlier name.
const RunOptionSpec* RunOptionByPythonName(const std::string& name) {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"segment_forecast", "forecast.segment_model"}, {"personas", "personas.rules"},
      {"models", "output.models"},                    {"store", "output.store"},
      {"run_id", "run.id"},                           {"backtest", "forecast.backtest"},
      {"previous", "run.previous"},                   {"seed", "run.seed"},
      {"threads", "run.threads"}};
  for (const auto& [alias, option] : kAliases)
    if (name == alias)
      for (const RunOptionSpec& spec : RunOptionTable())
        if (spec.Name() == option) return &spec;
  // Otherwise the key of the table, except the log's reading options (ToIngestOptions takes them,
  // as in load()) and [output] (output_dir is an argument); keys must name one option.
  const auto panel_key = [](const std::string& key) {
    return key == "as_of" || key == "window" || key == "pre_acquisition";
  };
  const RunOptionSpec* found = nullptr;
  for (const RunOptionSpec& spec : RunOptionTable()) {
    const std::string section = spec.section;
    if (spec.key != name || section == "output" || (section == "input" && !panel_key(name))) continue;
    if (found != nullptr) return nullptr;
    found = &spec;
  }
  return found;
}

OptionValue PythonOptionValue(const RunOptionSpec& spec, const py::handle& value) {
  if (spec.Name() == "cluster.k_range" && py::isinstance<py::tuple>(value)) {
    const auto range = value.cast<std::pair<int, int>>();
    return std::to_string(range.first) + ".." + std::to_string(range.second);
  }
  switch (spec.kind) {
    case OptionKind::kBool: return value.cast<bool>();
    case OptionKind::kInteger: return value.cast<int64_t>();
    case OptionKind::kNumber: return value.cast<double>();
    case OptionKind::kTextList: return value.cast<std::vector<std::string>>();
    default: return value.cast<std::string>();
  }
}

// The keyword arguments over RunOptionTable(), after the config file and in the table's order (so
// k_range before k, as on the command line).
void ApplyRunKeywords(const py::kwargs& kwargs, RunOptions& options, py::dict& ingest_kwargs) {
  std::vector<std::pair<const RunOptionSpec*, py::handle>> given;
  for (const auto& [key_handle, value] : kwargs) {
    const std::string key = py::str(key_handle);
    if (value.is_none() || key == "config") continue;
    if (key == "threads") ingest_kwargs["threads"] = value;
    if (const RunOptionSpec* spec = RunOptionByPythonName(key)) {
      given.emplace_back(spec, value);
    } else {
      ingest_kwargs[key_handle] = value;  // the log's own options; unknown keys are refused there
    }
  }
  for (const RunOptionSpec& spec : RunOptionTable()) {
    for (const auto& [option, value] : given) {
      if (option != &spec) continue;
      try {
        spec.set(options, PythonOptionValue(spec, value));
      } catch (const InvalidArgument& error) {
        throw InvalidArgument(error.message(), {.field = spec.key, .expected = spec.expected});
      }
    }
  }
}

py::dict Run(const std::string& path, const std::string& output_dir, const py::kwargs& kwargs) {
  RunOptions options;
  py::dict ingest_kwargs;
  if (kwargs.contains("config") && !kwargs["config"].is_none())
    LoadRunConfig(kwargs["config"].cast<std::string>(), options);
  ApplyRunKeywords(kwargs, options, ingest_kwargs);
  options.ingest = ToIngestOptions(options.ingest, path, ingest_kwargs);
  options.output_dir = output_dir;
  options.Validate();
  RunResult result;
  {
    py::gil_scoped_release release;
    result = RunPipeline(options);
  }
  py::list segments;
  for (const RunSegment& segment : result.segments) {
    segments.append(py::dict(py::arg("segment_id") = segment.segment_id,
                             py::arg("name") = segment.persona.name,
                             py::arg("description") = segment.persona.description,
                             py::arg("evidence") = segment.persona.evidence,
                             py::arg("action") = segment.persona.action.name,
                             py::arg("previous_segment_id") = segment.previous_segment_id));
  }
  py::dict out;
  out["run_id"] = result.run_id;
  out["run_dir"] = result.run_dir;
  out["model_dir"] = result.model_dir;
  out["store"] = result.store;
  out["as_of"] = FormatDay(result.as_of);
  out["customers"] = result.customers;
  out["months"] = result.months;
  out["k"] = result.k;
  out["k_choice"] = result.k_choice;
  out["silhouette"] = result.silhouette;
  out["davies_bouldin"] = result.davies_bouldin;
  out["inertia"] = result.fit.inertia;
  out["personas"] = segments;
  out["rows_read"] = result.ingest.rows_read;
  out["rows_accepted"] = result.ingest.rows_accepted;
  out["seconds"] = result.seconds;
  out["report"] = result.BriefReport();
  return out;
}

py::dict Assign(const std::string& model_path, const Log& log,
                const std::optional<std::string>& as_of, int threads) {
  AssignOptions options;
  if (as_of) options.as_of = DayArgument(*as_of, "as_of");
  options.threads = threads;
  AssignResult result;
  {
    py::gil_scoped_release release;
    const SavedModel model = LoadModel(model_path);
    result = AssignWithModel(model, log.result.transactions, options);
  }
  std::vector<std::string> ids, names;
  std::vector<int32_t> segment, runner_up;
  std::vector<double> distance, runner_up_distance;
  for (const CustomerAssignment& row : result.rows) {
    ids.push_back(row.customer_id);
    names.push_back(row.name);
    segment.push_back(row.segment_id);
    distance.push_back(row.distance);
    runner_up.push_back(row.runner_up_segment);
    runner_up_distance.push_back(row.runner_up_distance);
  }
  py::dict out;
  out["as_of"] = FormatDay(result.as_of);
  out["customer_id"] = Strings(ids);
  out["segment_id"] = Owned(std::move(segment));
  out["name"] = Strings(names);
  out["distance"] = Owned(std::move(distance));
  out["runner_up_segment"] = Owned(std::move(runner_up));
  out["runner_up_distance"] = Owned(std::move(runner_up_distance));
  return out;
}

py::dict Predict(const Log& log, const std::optional<std::string>& as_of, int horizon,
                 int clv_months, double monthly_discount, int threads) {
  CustomerBaseOptions options;
  options.horizon = horizon;
  options.clv_months = clv_months;
  options.monthly_discount = monthly_discount;
  options.threads = threads;
  const Transactions& table = log.result.transactions;
  const Day day = as_of ? DayArgument(*as_of, "as_of") : DefaultAsOf(table);
  CustomerHistories histories;
  CustomerBaseFit fit;
  CustomerPredictions predictions;
  {
    py::gil_scoped_release release;
    histories = SummarizeCustomers(table, day);
    fit = FitCustomerBase(histories, options);
    predictions = PredictCustomers(histories, fit, options);
  }
  std::vector<std::string> ids;
  for (const int32_t customer : histories.customer_index)
    ids.push_back(table.customer_ids[customer]);
  py::dict out;
  out["as_of"] = FormatDay(day);
  out["customer_id"] = Strings(ids);
  out["repeat_purchases"] = Owned(std::move(histories.repeat_purchases));
  out["p_alive"] = Owned(std::move(predictions.p_alive));
  out["expected_purchases"] = Owned(std::move(predictions.expected_purchases));
  out["expected_spend"] = Owned(std::move(predictions.expected_spend));
  out["expected_revenue"] = Owned(std::move(predictions.expected_revenue));
  out["clv"] = Owned(std::move(predictions.clv));
  out["bgnbd"] = py::dict(py::arg("r") = fit.bgnbd.r, py::arg("alpha") = fit.bgnbd.alpha,
                          py::arg("a") = fit.bgnbd.a, py::arg("b") = fit.bgnbd.b);
  out["gamma_gamma"] = py::dict(py::arg("p") = fit.gamma_gamma.p, py::arg("q") = fit.gamma_gamma.q,
                                py::arg("gamma") = fit.gamma_gamma.gamma);
  out["message"] = fit.message;
  return out;
}

// ---- errors -----------------------------------------------------------------------------------

const char* ErrorClassName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument:
      return "InvalidArgument";
    case ErrorKind::kInput:
      return "InputError";
    case ErrorKind::kConfig:
      return "ConfigError";
    case ErrorKind::kDatabase:
      return "DatabaseError";
    case ErrorKind::kBusy:
      return "BusyError";
    case ErrorKind::kNoSpace:
      return "NoSpaceError";
    case ErrorKind::kInternal:
      return "InternalError";
  }
  return "Error";
}

void RegisterErrors(py::module_& module) {
  // Error is the base of all; each kind also derives from the builtin a Python caller expects.
  py::object base = py::reinterpret_steal<py::object>(
      PyErr_NewException("segcast.Error", PyExc_RuntimeError, nullptr));
  module.attr("Error") = base;
  const std::vector<std::pair<const char*, PyObject*>> kinds = {
      {"InvalidArgument", PyExc_ValueError}, {"InputError", PyExc_ValueError},
      {"ConfigError", PyExc_ValueError},     {"DatabaseError", PyExc_RuntimeError},
      {"BusyError", PyExc_RuntimeError},     {"NoSpaceError", PyExc_OSError},
      {"InternalError", PyExc_RuntimeError}};
  for (const auto& [name, builtin] : kinds) {
    py::tuple bases = py::make_tuple(base, py::handle(builtin));
    module.attr(name) = py::reinterpret_steal<py::object>(
        PyErr_NewException(("segcast." + std::string(name)).c_str(), bases.ptr(), nullptr));
  }
  py::register_exception_translator([](std::exception_ptr pointer) {
    if (!pointer) return;
    try {
      std::rethrow_exception(pointer);
    } catch (const Error& error) {
      py::module_ extension = py::module_::import("segcast._segcast");
      py::object type = extension.attr(ErrorClassName(error.kind()));
      py::object instance = type(std::string(error.what()));
      instance.attr("message") = error.message();
      instance.attr("file") = error.location().file;
      instance.attr("line") = error.location().line;
      instance.attr("field") = error.location().field;
      instance.attr("expected") = error.location().expected;
      instance.attr("kind") = std::string(ErrorClassName(error.kind()));
      instance.attr("exit_code") = ExitCodeFor(error);
      PyErr_SetObject(type.ptr(), instance.ptr());
    }
  });
}

}  // namespace
}  // namespace segcast::python

PYBIND11_MODULE(_segcast, module) {
  using namespace segcast::python;
  module.doc() = "segcast's library through pybind11; use the `segcast` package, which wraps it.";
  RegisterErrors(module);

  py::class_<Log, std::shared_ptr<Log>>(module, "Log",
                                        "A read and cleaned transaction log (Ingest()).")
      .def_property_readonly("path", [](const Log& log) { return log.result.report.file; })
      .def("accounting", &Accounting)
      .def("columns", &Columns)
      .def("rejects", &Rejects)
      .def("__len__", [](const Log& log) { return log.result.transactions.size(); });

  module.def("read_log", &ReadLog, py::arg("path"));
  module.def("rfm", &Rfm, py::arg("log"), py::arg("as_of") = py::none());
  module.def("panel", &Panel, py::arg("log"), py::arg("as_of") = py::none(), py::arg("window") = 0,
             py::arg("pre_acquisition") = "absent");
  module.def("segment", &Segment, py::arg("log"), py::arg("k"), py::arg("k_min"), py::arg("k_max"),
             py::arg("metric"), py::arg("band"), py::arg("as_of"), py::arg("window"),
             py::arg("scaling"), py::arg("log1p"), py::arg("max_iter"), py::arg("n_init"),
             py::arg("seed"), py::arg("threads"), py::arg("silhouette"));
  module.def("fit_ts_kmeans", &FitKMeans, py::arg("x"), py::arg("k"), py::arg("metric"),
             py::arg("max_iter"), py::arg("tol"), py::arg("n_init"), py::arg("init"),
             py::arg("seed"), py::arg("threads"), py::arg("band"), py::arg("naive") = false);
  module.def("assign_series", &AssignSeries, py::arg("x"), py::arg("centroids"), py::arg("metric"),
             py::arg("band"), py::arg("threads"));
  module.def("forecast", &Forecast, py::arg("series"), py::arg("horizon"), py::arg("interval"),
             py::arg("samples"), py::arg("threads"));
  module.def("backtest", &RunBacktest, py::arg("series"), py::arg("origins"), py::arg("horizon"),
             py::arg("step"), py::arg("min_history"), py::arg("threads"));
  module.def("run", &Run, py::arg("path"), py::arg("output_dir"));
  module.def("assign", &Assign, py::arg("model"), py::arg("log"), py::arg("as_of") = py::none(),
             py::arg("threads") = 0);
  module.def("predict_customers", &Predict, py::arg("log"), py::arg("as_of"), py::arg("horizon"),
             py::arg("clv_months"), py::arg("monthly_discount"), py::arg("threads"));
  module.attr("LRFM_FEATURES") = py::make_tuple("L", "R", "F", "M");
}
