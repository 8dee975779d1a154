// RunOptionTable: each option of `segcast run` once, with the readers and writers built from it.
#include "segcast/run_option_table.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "segcast/calendar.h"
#include "segcast/error.h"
#include "segcast/interval_calibration.h"
#include "segcast/k_selection.h"
#include "segcast/schema.h"
#include "segcast/store.h"

namespace segcast {
namespace {

using json = nlohmann::json;

// ---- Builders: one per kind of field. `field` is a generic lambda returning the member, so the
// same accessor serves the setter (RunOptions&) and the getter (const RunOptions&).

template <typename Field>
RunOptionSpec IntegerOption(const char* section, const char* key, const char* flag, const char* meaning,
                            const char* expected, Field field) {
  RunOptionSpec spec{section, key, flag, OptionKind::kInteger, meaning, expected};
  spec.set = [field](RunOptions& options, const OptionValue& value) {
    auto& target = field(options);
    using Target = std::remove_reference_t<decltype(target)>;
    const int64_t number = std::get<int64_t>(value);
    // A value the field cannot hold would wrap silently (threads = 4294967297 becomes 1).
    if (!std::in_range<Target>(number)) throw InvalidArgument("out of range");
    target = static_cast<Target>(number);
  };
  spec.get = [field](const RunOptions& options) -> OptionValue {
    return static_cast<int64_t>(field(options));
  };
  return spec;
}

template <typename Field>
RunOptionSpec NumberOption(const char* section, const char* key, const char* flag, const char* meaning,
                           const char* expected, Field field) {
  RunOptionSpec spec{section, key, flag, OptionKind::kNumber, meaning, expected};
  spec.set = [field](RunOptions& options, const OptionValue& value) {
    const double number = std::get<double>(value);
    if (!std::isfinite(number)) throw InvalidArgument("not a finite number");
    field(options) = number;
  };
  spec.get = [field](const RunOptions& options) -> OptionValue { return field(options); };
  return spec;
}

template <typename Field>
RunOptionSpec BoolOption(const char* section, const char* key, const char* flag, bool flag_sets,
                         const char* meaning, Field field) {
  RunOptionSpec spec{section, key, flag, OptionKind::kBool, meaning, "true or false"};
  spec.flag_sets = flag_sets;
  spec.set = [field](RunOptions& options, const OptionValue& value) {
    field(options) = std::get<bool>(value);
  };
  spec.get = [field](const RunOptions& options) -> OptionValue { return field(options); };
  return spec;
}

// A string field kept as given (kText) or a path (kPath).
template <typename Field>
RunOptionSpec TextOption(const char* section, const char* key, const char* flag, OptionKind kind,
                         const char* meaning, const char* expected, Field field) {
  RunOptionSpec spec{section, key, flag, kind, meaning, expected};
  spec.set = [field](RunOptions& options, const OptionValue& value) {
    field(options) = std::get<std::string>(value);
  };
  spec.get = [field](const RunOptions& options) -> OptionValue { return field(options); };
  return spec;
}

// A field with named values: `parse` returns the value for a name (throwing InvalidArgument for
// an unknown one), `name` the name of a value.
template <typename Parse, typename Name>
RunOptionSpec NamedOption(const char* section, const char* key, const char* flag, const char* meaning,
                          const char* expected, Parse parse, Name name) {
  RunOptionSpec spec{section, key, flag, OptionKind::kText, meaning, expected};
  spec.set = [parse](RunOptions& options, const OptionValue& value) {
    parse(options, std::get<std::string>(value));
  };
  spec.get = [name](const RunOptions& options) -> OptionValue { return std::string(name(options)); };
  return spec;
}

template <typename T>
T Known(std::optional<T> parsed) {
  if (!parsed) throw InvalidArgument("unknown value");
  return *parsed;
}

// An optional day: "" leaves it unset.
std::optional<Day> OptionalDay(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const std::optional<Day> day = ParseIsoDay(text);
  if (!day) throw InvalidArgument("'" + text + "' is not a date");
  return day;
}

std::string OptionalDayText(const std::optional<Day>& day) { return day ? FormatDay(*day) : ""; }

const char* YearlyName(Toggle toggle) {
  return toggle == Toggle::kOn ? "on" : toggle == Toggle::kOff ? "off" : "auto";
}

// ---- The sections.

void AddInputOptions(std::vector<RunOptionSpec>& table) {
  table.push_back(TextOption("input", "path", "", OptionKind::kPath,
                             "Transaction log, CSV or gzip CSV (on the command line: FILE)", "a file path",
                             [](auto& o) -> auto& { return o.ingest.path; }));
  table.push_back(NamedOption(
      "input", "schema", "--schema", "Column preset", "auto, online-retail-ii, online-retail, kpmg or generic",
      [](RunOptions& o, const std::string& text) { o.ingest.schema = Known(ParsePresetName(text)); },
      [](const RunOptions& o) { return PresetName(o.ingest.schema); }));
  table.push_back(NamedOption(
      "input", "columns", "--columns",
      "Column mapping of a generic log (implies schema generic), e.g. customer=client,date=day,amount=total",
      "role=Column pairs: customer, date, invoice, quantity, price, amount, status, country, product, "
      "cancel_prefix, accepted_status",
      [](RunOptions& o, const std::string& text) {
        if (text.empty()) return;
        if (o.ingest.schema != SchemaPreset::kAuto && o.ingest.schema != SchemaPreset::kGeneric)
          throw InvalidArgument("columns go with schema generic");
        o.ingest.mapping = ParseColumnMapping(text);
        o.ingest.schema = SchemaPreset::kGeneric;
      },
      [](const RunOptions& o) {
        return o.ingest.schema == SchemaPreset::kGeneric ? FormatColumnMapping(o.ingest.mapping) : "";
      }));
  table.push_back(TextOption("input", "demographics", "--demographics", OptionKind::kPath,
                             "Per-customer table left-joined on join_key (e.g. KPMG CustomerDemographic)",
                             "a file path", [](auto& o) -> auto& { return o.ingest.demographics_path; }));
  table.push_back(TextOption("input", "addresses", "--addresses", OptionKind::kPath,
                             "Second per-customer table left-joined on join_key", "a file path",
                             [](auto& o) -> auto& { return o.ingest.addresses_path; }));
  table.push_back(TextOption("input", "join_key", "--join-key", OptionKind::kText,
                             "Customer id column of the joined tables", "a column name",
                             [](auto& o) -> auto& { return o.ingest.join_key; }));
  table.push_back(NamedOption(
      "input", "duplicates", "--duplicates",
      "Exact duplicate rows: drop, keep, or auto (drop when the log has an invoice column)",
      "\"auto\", \"drop\" or \"keep\"",
      [](RunOptions& o, const std::string& text) { o.ingest.duplicates = Known(ParseDuplicateRule(text)); },
      [](const RunOptions& o) { return DuplicateRuleName(o.ingest.duplicates); }));
  table.push_back(BoolOption("input", "net_cancellations", "--net-cancellations", true,
                             "Take cancellation invoices' units off the earlier purchases they cancel",
                             [](auto& o) -> auto& { return o.ingest.net_cancellations; }));
  table.push_back(BoolOption("input", "normalise_customer_ids", "--normalise-customer-ids", true,
                             "Read numeric customer ids as integers (017850 = 17850.0 = 17850)",
                             [](auto& o) -> auto& { return o.ingest.normalise_customer_ids; }));
  table.push_back(NamedOption(
      "input", "date_order", "--date-order",
      "Slash dates: auto (a first field above 12 means day first), dmy, mdy or ymd",
      "\"auto\", \"dmy\", \"mdy\" or \"ymd\"",
      [](RunOptions& o, const std::string& text) { o.ingest.date_order = Known(ParseDateOrder(text)); },
      [](const RunOptions& o) { return DateOrderName(o.ingest.date_order); }));
  RunOptionSpec latest = NamedOption(
      "input", "latest_date", "--latest-date", "Rows dated after this day are rejected as future_date",
      "a date YYYY-MM-DD", [](RunOptions& o, const std::string& text) { o.ingest.latest_day = OptionalDay(text); },
      [](const RunOptions& o) { return OptionalDayText(o.ingest.latest_day); });
  latest.default_text = "tomorrow, UTC";
  table.push_back(std::move(latest));
  RunOptionSpec as_of = NamedOption(
      "input", "as_of", "--as-of", "Reference date of the panel", "a date YYYY-MM-DD",
      [](RunOptions& o, const std::string& text) { o.panel.as_of = OptionalDay(text); },
      [](const RunOptions& o) { return OptionalDayText(o.panel.as_of); });
  as_of.default_text = "the day after the last purchase";
  table.push_back(std::move(as_of));
  table.push_back(IntegerOption("input", "window", "--window", "Keep only the last N months (0 = all)",
                                "months, an integer >= 0", [](auto& o) -> auto& { return o.panel.window; }));
  table.push_back(NamedOption(
      "input", "pre_acquisition", "--pre-acquisition",
      "Months before a customer's first purchase: absent (trajectories start there) or zero",
      "\"absent\" or \"zero\"",
      [](RunOptions& o, const std::string& text) {
        if (text != "absent" && text != "zero") throw InvalidArgument("unknown value");
        o.panel.pre_acquisition = text == "zero" ? PreAcquisition::kZero : PreAcquisition::kAbsent;
      },
      [](const RunOptions& o) { return o.panel.pre_acquisition == PreAcquisition::kZero ? "zero" : "absent"; }));
}

void AddClusterOptions(std::vector<RunOptionSpec>& table) {
  // Before k: a range chooses k by silhouette unless k is also given.
  table.push_back(NamedOption(
      "cluster", "k_range", "--k-range", "Range of k searched by silhouette when k = 0",
      "a range like \"2..8\"",
      [](RunOptions& o, const std::string& text) {
        ParseKRange(text, &o.k_min, &o.k_max);
        o.k = 0;
      },
      [](const RunOptions& o) { return std::to_string(o.k_min) + ".." + std::to_string(o.k_max); }));
  table.push_back(IntegerOption("cluster", "k", "-k,--k", "Fixed number of segments; 0 = choose in k_range",
                                "an integer >= 0 (0: choose by silhouette)", [](auto& o) -> auto& { return o.k; }));
  table.push_back(NamedOption(
      "cluster", "metric", "--metric", "Distance between trajectories", "\"dtw\" or \"euclidean\"",
      [](RunOptions& o, const std::string& text) { o.cluster.metric = ParseMetric(text); },
      [](const RunOptions& o) { return MetricName(o.cluster.metric); }));
  table.push_back(IntegerOption("cluster", "band", "--band", "Sakoe-Chiba radius in months (-1 = none)",
                                "a Sakoe-Chiba radius in months, -1 for none",
                                [](auto& o) -> auto& { return o.cluster.band.radius; }));
  table.push_back(NumberOption("cluster", "band_fraction", "--band-fraction",
                               "Sakoe-Chiba radius as a share of the series length (0 = use band)",
                               "a share, 0 <= x <= 1", [](auto& o) -> auto& { return o.cluster.band.fraction; }));
  table.push_back(NamedOption(
      "cluster", "scaling", "--scaling", "Scaling of the panel before clustering",
      "none, feature-minmax, series-minmax or znorm",
      [](RunOptions& o, const std::string& text) { o.scale.scaling = ParsePanelScaling(text); },
      [](const RunOptions& o) { return PanelScalingName(o.scale.scaling); }));
  table.push_back(BoolOption("cluster", "log1p", "--no-log1p", false, "log1p of F and M before scaling",
                             [](auto& o) -> auto& { return o.scale.log1p_frequency_monetary; }));
  table.push_back(IntegerOption("cluster", "max_iter", "--max-iter", "k-means iterations at most",
                                "an integer >= 1", [](auto& o) -> auto& { return o.cluster.max_iter; }));
  table.push_back(NumberOption("cluster", "tol", "--tol", "k-means stops when the inertia improves less than this",
                               "a number >= 0", [](auto& o) -> auto& { return o.cluster.tol; }));
  table.push_back(IntegerOption("cluster", "n_init", "--n-init", "k-means restarts; the lowest inertia wins",
                                "an integer >= 1", [](auto& o) -> auto& { return o.cluster.n_init; }));
  table.push_back(IntegerOption("cluster", "silhouette_sample", "--silhouette-sample",
                                "Customers the silhouette is computed on (0 = every customer)",
                                "an integer >= 0 (0: every customer)",
                                [](auto& o) -> auto& { return o.silhouette.sample; }));
  table.push_back(NumberOption("cluster", "k_tolerance", "--k-tolerance",
                               "k sweep: the largest k whose silhouette is within this share of the best",
                               "a share of the best silhouette, 0 <= x < 1",
                               [](auto& o) -> auto& { return o.k_choice.silhouette_tolerance; }));
  table.push_back(NumberOption("cluster", "min_segment_share", "--min-segment-share",
                               "k sweep: pass over a k whose smallest segment holds less than this share",
                               "a share of customers, 0 .. 0.5",
                               [](auto& o) -> auto& { return o.k_choice.min_segment_share; }));
  table.push_back(IntegerOption("cluster", "sweep_sample", "--sweep-sample",
                                "k sweep: above this many customers, sweep a seeded sample of this many and fit "
                                "the chosen k on everyone (0 = sweep everyone)",
                                "an integer >= 0 (0: sweep every customer)",
                                [](auto& o) -> auto& { return o.sweep_sample; }));
  RunOptionSpec budget{"cluster", "memory_budget_mib", "--memory-budget-mib", OptionKind::kNumber,
                       "Memory the silhouette's distance matrix may use before it is computed in blocks",
                       "MiB, 0 .. 1e9"};
  budget.set = [](RunOptions& o, const OptionValue& value) {
    const double mib = std::get<double>(value);
    // Checked before the conversion: a double beyond int64 range (or NaN) is undefined behaviour.
    constexpr double kMaxBudgetMib = 1e9;  // 1 PiB
    if (!(mib >= 0 && mib <= kMaxBudgetMib)) throw InvalidArgument("out of range");
    o.silhouette.memory_budget_bytes = static_cast<int64_t>(mib * 1024 * 1024);
  };
  budget.get = [](const RunOptions& o) -> OptionValue {
    return static_cast<double>(o.silhouette.memory_budget_bytes) / (1024.0 * 1024.0);
  };
  table.push_back(std::move(budget));
  table.push_back(BoolOption("cluster", "keep_previous_k", "--sweep-k", false,
                             "With a previous run and k = 0: fit the previous run's k (--sweep-k: sweep "
                             "k_range instead)",
                             [](auto& o) -> auto& { return o.keep_previous_k; }));
}

void AddPersonaOptions(std::vector<RunOptionSpec>& table) {
  RunOptionSpec rules = TextOption("personas", "rules", "--personas", OptionKind::kPath,
                                   "Persona rules file (built-in: models/personas.toml)", "a file path",
                                   [](auto& o) -> auto& { return o.persona_rules_path; });
  rules.set = [](RunOptions& o, const OptionValue& value) {
    const std::string& text = std::get<std::string>(value);
    o.persona_rules_path = text == "built-in" ? "" : text;
  };
  rules.get = [](const RunOptions& o) -> OptionValue {
    return o.persona_rules_path.empty() ? "built-in" : o.persona_rules_path;
  };
  table.push_back(std::move(rules));
  RunOptionSpec mix{"personas", "mix_columns", "--mix", OptionKind::kTextList,
                    "Joined columns whose mix each segment reports (empty: the categorical ones)",
                    "column names"};
  mix.set = [](RunOptions& o, const OptionValue& value) { o.mix_columns = std::get<std::vector<std::string>>(value); };
  mix.get = [](const RunOptions& o) -> OptionValue { return o.mix_columns; };
  table.push_back(std::move(mix));
}

void AddForecastOptions(std::vector<RunOptionSpec>& table) {
  table.push_back(NamedOption(
      "forecast", "segment_model", "--segment-forecast",
      "customer-base (segments as sums of their members' expected revenue) or series (the "
      "Prophet-style model on each segment's revenue)",
      "customer-base or series",
      [](RunOptions& o, const std::string& text) { o.segment_forecast = Known(ParseSegmentForecast(text)); },
      [](const RunOptions& o) { return SegmentForecastName(o.segment_forecast); }));
  table.push_back(IntegerOption("forecast", "horizon", "--horizon", "Months forecast", "months, 1..240",
                                [](auto& o) -> auto& { return o.forecast.horizon; }));
  table.push_back(NumberOption("forecast", "interval", "--interval", "Central probability of the intervals",
                               "a probability in (0, 1)", [](auto& o) -> auto& { return o.forecast.interval; }));
  RunOptionSpec scale{"forecast", "interval_scale", "--interval-scale", OptionKind::kNumber,
                      "Factor on every interval's distance from the forecast, e.g. the scale "
                      "`segcast backtest --calibrate` prints",
                      "a positive number, such as the scale `segcast backtest --calibrate` prints"};
  scale.set = [](RunOptions& o, const OptionValue& value) {
    // Replaces an earlier scale (a config file's, under a flag) rather than compounding with it.
    const ForecastOptions defaults;
    o.forecast.interval_scale_h1 = defaults.interval_scale_h1;
    o.forecast.interval_scale_slope = defaults.interval_scale_slope;
    ScaleIntervals(o.forecast, std::get<double>(value));
  };
  scale.get = [](const RunOptions& o) -> OptionValue {
    return o.forecast.interval_scale_h1 / ForecastOptions{}.interval_scale_h1;
  };
  table.push_back(std::move(scale));
  table.push_back(IntegerOption("forecast", "samples", "--samples", "Simulated paths of each interval",
                                "an integer >= 0", [](auto& o) -> auto& { return o.forecast.samples; }));
  table.push_back(BoolOption("forecast", "backtest", "--no-backtest", false,
                             "Backtest the run's forecasts (cohort backtest, or rolling origins of the series)",
                             [](auto& o) -> auto& { return o.run_backtest; }));
  table.push_back(BoolOption("forecast", "calibrate", "--calibrate-intervals", true,
                             "Series model: scale the intervals to cover `interval` of this run's backtest points",
                             [](auto& o) -> auto& { return o.calibrate_intervals; }));
  // The series model's settings (segment_model = series); these flags are those of `segcast
  // forecast` and `segcast backtest` too (src/cli/forecast_flags.cc: ModelTableOptions).
  table.push_back(NumberOption("forecast", "theta_weight", "--theta-weight",
                               "Series model: weight of the Theta method in the point forecast (0 = the additive model "
                               "alone)", "a share, 0..1",
                               [](auto& o) -> auto& { return o.forecast.theta_weight; }));
  table.push_back(IntegerOption("forecast", "calibration_origins", "--calibration-origins",
                                "Series model: earlier origins whose errors size the intervals (0 = the fixed "
                                "multiplier)",
                                "an integer 0..12", [](auto& o) -> auto& { return o.forecast.calibration_origins; }));
  table.push_back(IntegerOption("forecast", "calibration_step", "--calibration-step",
                                "Series model: months between calibration origins", "an integer 1..24",
                                [](auto& o) -> auto& { return o.forecast.calibration_step; }));
  table.push_back(IntegerOption("forecast", "calibration_samples", "--calibration-samples",
                                "Series model: simulated paths of each calibration forecast (at most samples)",
                                "an integer 20..100000",
                                [](auto& o) -> auto& { return o.forecast.calibration_samples; }));
  table.push_back(NumberOption("forecast", "damping", "--damping",
                               "Trend damping per month beyond the data (1 = none); also the customer-base "
                               "model's acquisitions",
                               "a number in (0, 1]", [](auto& o) -> auto& { return o.forecast.trend_damping; }));
  table.push_back(NamedOption(
      "forecast", "yearly", "--yearly", "Series model: yearly seasonality (auto: with 24 months or more)",
      "\"auto\", \"on\" or \"off\"",
      [](RunOptions& o, const std::string& text) {
        if (text != "auto" && text != "on" && text != "off") throw InvalidArgument("unknown value");
        o.forecast.yearly = text == "on" ? Toggle::kOn : text == "off" ? Toggle::kOff : Toggle::kAuto;
      },
      [](const RunOptions& o) { return YearlyName(o.forecast.yearly); }));
  table.push_back(IntegerOption("forecast", "fourier_order", "--fourier-order",
                                "Series model: order of the yearly Fourier series", "an integer >= 1",
                                [](auto& o) -> auto& { return o.forecast.fourier_order; }));
  table.push_back(IntegerOption("forecast", "changepoints", "--changepoints",
                                "Series model: potential changepoints (-1 = one per year)", "an integer >= -1",
                                [](auto& o) -> auto& { return o.forecast.changepoints; }));
  table.push_back(NumberOption("forecast", "changepoint_range", "--changepoint-range",
                               "Series model: share of the history with changepoints", "a share in (0, 1]",
                               [](auto& o) -> auto& { return o.forecast.changepoint_range; }));
  table.push_back(NumberOption("forecast", "changepoint_prior_scale", "--changepoint-prior-scale",
                               "Series model: Laplace scale of the trend's rate changes", "a positive number",
                               [](auto& o) -> auto& { return o.forecast.changepoint_prior_scale; }));
  table.push_back(NumberOption("forecast", "seasonality_prior_scale", "--seasonality-prior-scale",
                               "Series model: prior sd of the Fourier coefficients", "a positive number",
                               [](auto& o) -> auto& { return o.forecast.seasonality_prior_scale; }));
}

void AddCustomerBaseOptions(std::vector<RunOptionSpec>& table) {
  table.push_back(IntegerOption("customer_base", "holdout_months", "--holdout-months",
                                "Months at the end of the history that measure the rate correction (0 = none)",
                                "months, 0..12", [](auto& o) -> auto& { return o.customer_base.holdout_months; }));
  table.push_back(NamedOption(
      "customer_base", "rate_adjustment", "--rate-adjustment",
      "Correction of the customer-base model from the history's last months", "none, pooled or segment",
      [](RunOptions& o, const std::string& text) {
        o.customer_base.rate_adjustment = Known(ParseRateAdjustment(text));
      },
      [](const RunOptions& o) { return RateAdjustmentName(o.customer_base.rate_adjustment); }));
  table.push_back(BoolOption("customer_base", "new_customers", "--no-new-customers", false,
                             "Forecast the revenue of customers acquired after the as-of date",
                             [](auto& o) -> auto& { return o.customer_base.new_customers; }));
  table.push_back(IntegerOption("customer_base", "clv_months", "--clv-months", "Months of customer lifetime value",
                                "months, 1..240",
                                [](auto& o) -> auto& { return o.customer_base.customer_base.clv_months; }));
  table.push_back(NumberOption("customer_base", "monthly_discount", "--discount",
                               "Monthly discount rate of the lifetime value", "a rate in [0, 1]",
                               [](auto& o) -> auto& { return o.customer_base.customer_base.monthly_discount; }));
}

void AddOutputOptions(std::vector<RunOptionSpec>& table) {
  table.push_back(TextOption("output", "dir", "-o,--output", OptionKind::kPath, "Output folder", "a folder path",
                             [](auto& o) -> auto& { return o.output_dir; }));
  RunOptionSpec store = TextOption("output", "store", "--db", OptionKind::kPath,
                                   "Store: sqlite:PATH, postgresql://..., or none",
                                   "sqlite:PATH, postgresql://... or none", [](auto& o) -> auto& { return o.store; });
  store.set = [](RunOptions& o, const OptionValue& value) {
    const std::string& text = std::get<std::string>(value);
    o.store = text == "default" ? "" : text;
  };
  // The manifest never holds a password: a connection string is recorded redacted.
  store.get = [](const RunOptions& o) -> OptionValue {
    return o.store.empty() ? "default" : RedactConnectionString(o.store);
  };
  store.default_text = "OUT/segcast.db";
  table.push_back(std::move(store));
  RunOptionSpec models = TextOption("output", "models", "--models", OptionKind::kPath, "Folder for saved models",
                                    "a folder path", [](auto& o) -> auto& { return o.models_dir; });
  models.default_text = "OUT/models";
  table.push_back(std::move(models));
  table.push_back(BoolOption("output", "write_panel", "--no-panel-file", false,
                             "Write lrfm.csv (customers x months rows)",
                             [](auto& o) -> auto& { return o.write_panel; }));
}

void AddRunOptions(std::vector<RunOptionSpec>& table) {
  RunOptionSpec id = TextOption("run", "id", "--run-id", OptionKind::kText, "Id of this run", "a run id",
                                [](auto& o) -> auto& { return o.run_id; });
  id.default_text = "the as-of date";
  table.push_back(std::move(id));
  table.push_back(TextOption("run", "previous", "--previous", OptionKind::kText,
                             "Previous run id (in the store) or model folder to keep segment ids stable",
                             "a run id or a model folder", [](auto& o) -> auto& { return o.previous; }));
  table.push_back(IntegerOption("run", "seed", "--seed", "Seed of every random choice", "an integer >= 0",
                                [](auto& o) -> auto& { return o.seed; }));
  RunOptionSpec threads = IntegerOption("run", "threads", "--threads", "Threads (0 = all cores)",
                                        "an integer >= 0 (0: all cores)", [](auto& o) -> auto& { return o.threads; });
  threads.recorded = false;  // the manifest's top-level "threads" says what the run was given
  table.push_back(std::move(threads));
}

std::vector<RunOptionSpec> BuildTable() {
  std::vector<RunOptionSpec> table;
  AddInputOptions(table);
  AddClusterOptions(table);
  AddPersonaOptions(table);
  AddForecastOptions(table);
  AddCustomerBaseOptions(table);
  AddOutputOptions(table);
  AddRunOptions(table);
  return table;
}

json ValueJson(const OptionValue& value) {
  return std::visit([](const auto& held) { return json(held); }, value);
}

// The manifest layout before the table (sections panel and scale, band_radius, ...), translated,
// so the dashboard still reads the runs written then.
json UpgradeLayout(const json& options) {
  static const std::vector<std::pair<std::string, std::string>> kRenamed = {
      {"panel.as_of", "input.as_of"},
      {"panel.window", "input.window"},
      {"panel.pre_acquisition", "input.pre_acquisition"},
      {"scale.scaling", "cluster.scaling"},
      {"scale.log1p_frequency_monetary", "cluster.log1p"},
      {"cluster.band_radius", "cluster.band"},
      {"forecast.calibrate_intervals", "forecast.calibrate"},
      {"output.previous", "run.previous"},
      {"output.run_id", "run.id"}};
  json upgraded = json::object();
  for (const auto& [section, keys] : options.items()) {
    if (!keys.is_object()) continue;
    for (const auto& [key, value] : keys.items()) upgraded[section][key] = value;
  }
  for (const auto& [from, to] : kRenamed) {
    const auto split = [](const std::string& name) {
      const size_t dot = name.find('.');
      return std::pair{name.substr(0, dot), name.substr(dot + 1)};
    };
    const auto [old_section, old_key] = split(from);
    const auto [new_section, new_key] = split(to);
    if (!upgraded.contains(old_section) || !upgraded[old_section].contains(old_key)) continue;
    upgraded[new_section][new_key] = upgraded[old_section][old_key];
    upgraded[old_section].erase(old_key);
  }
  if (upgraded.contains("cluster") && upgraded["cluster"].contains("k_min")) {
    upgraded["cluster"]["k_range"] = std::to_string(upgraded["cluster"]["k_min"].get<int>()) + ".." +
                                     std::to_string(upgraded["cluster"]["k_max"].get<int>());
    upgraded["cluster"].erase("k_min");
    upgraded["cluster"].erase("k_max");
  }
  if (upgraded.contains("forecast")) {
    // The scale was recorded as its two coefficients; the slope follows from h1.
    if (upgraded["forecast"].contains("interval_scale_h1"))
      upgraded["forecast"]["interval_scale"] =
          upgraded["forecast"]["interval_scale_h1"].get<double>() / ForecastOptions{}.interval_scale_h1;
    upgraded["forecast"].erase("interval_scale_h1");
    upgraded["forecast"].erase("interval_scale_slope");
  }
  if (options.contains("seed")) upgraded["run"]["seed"] = options["seed"];
  for (const char* gone : {"panel", "scale", "seed"}) upgraded.erase(gone);
  return upgraded;
}

OptionValue JsonValue(const RunOptionSpec& spec, const json& value) {
  switch (spec.kind) {
    case OptionKind::kBool:
      if (value.is_boolean()) return value.get<bool>();
      break;
    case OptionKind::kInteger:
      if (value.is_number_integer()) return value.get<int64_t>();
      break;
    case OptionKind::kNumber:
      if (value.is_number()) return value.get<double>();
      break;
    case OptionKind::kText:
    case OptionKind::kPath:
      if (value.is_string()) return value.get<std::string>();
      break;
    case OptionKind::kTextList:
      if (value.is_array() && std::all_of(value.begin(), value.end(), [](const json& item) { return item.is_string(); }))
        return value.get<std::vector<std::string>>();
      break;
  }
  throw InvalidArgument("wrong type");
}

std::string MarkdownCell(std::string text) {
  size_t at = 0;
  while ((at = text.find('|', at)) != std::string::npos) {
    text.replace(at, 1, "\\|");
    at += 2;
  }
  return text;
}

}  // namespace

std::string RunOptionSpec::LongFlag() const {
  const std::string names = flag;
  const size_t dashes = names.find("--");
  return dashes == std::string::npos ? "" : names.substr(dashes);
}

const std::vector<RunOptionSpec>& RunOptionTable() {
  static const std::vector<RunOptionSpec> table = BuildTable();
  return table;
}

std::vector<std::string> RunOptionSections() {
  std::vector<std::string> sections;
  for (const RunOptionSpec& spec : RunOptionTable())
    if (sections.empty() || sections.back() != spec.section) sections.push_back(spec.section);
  return sections;
}

std::string OptionValueText(const OptionValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
    std::string joined;
    for (const std::string& item : *list) joined += (joined.empty() ? "" : ",") + item;
    return joined;
  }
  return ValueJson(value).dump();
}

std::string RunOptionsJson(const RunOptions& options) {
  json value = json::object();
  for (const RunOptionSpec& spec : RunOptionTable())
    if (spec.recorded) value[spec.section][spec.key] = ValueJson(spec.get(options));
  return value.dump();
}

void ApplyRunOptionsJson(const std::string& options_json, const std::string& source, RunOptions& options) {
  json parsed;
  try {
    parsed = json::parse(options_json);
  } catch (const json::exception& error) {
    throw ConfigError(std::string("malformed JSON: ") + error.what(), {.file = source, .expected = "JSON"});
  }
  if (!parsed.is_object()) throw ConfigError("options must be an object", {.file = source, .field = "options"});
  if (parsed.contains("panel") || parsed.contains("scale")) parsed = UpgradeLayout(parsed);
  const std::vector<std::string> sections = RunOptionSections();
  for (const auto& [section, keys] : parsed.items()) {
    if (std::find(sections.begin(), sections.end(), section) == sections.end())
      throw ConfigError("unknown section", {.file = source, .field = section, .expected = "a section of the run options"});
    if (!keys.is_object()) throw ConfigError("must be an object", {.file = source, .field = section});
    for (const auto& [key, value] : keys.items()) {
      const bool known = std::any_of(RunOptionTable().begin(), RunOptionTable().end(), [&](const RunOptionSpec& spec) {
        return spec.section == section && spec.key == key;
      });
      if (!known) throw ConfigError("unknown key", {.file = source, .field = section + "." + key});
    }
  }
  // In table order, so that an option that resets another is applied first.
  for (const RunOptionSpec& spec : RunOptionTable()) {
    if (!parsed.contains(spec.section) || !parsed[spec.section].contains(spec.key)) continue;
    try {
      spec.set(options, JsonValue(spec, parsed[spec.section][spec.key]));
    } catch (const InvalidArgument& error) {
      throw ConfigError(error.message(), {.file = source, .field = spec.Name(), .expected = spec.expected});
    }
  }
}

std::string RunOptionsToml(const RunOptions& options) {
  std::string text;
  for (const std::string& section : RunOptionSections()) {
    text += (text.empty() ? "[" : "\n[") + section + "]\n";
    for (const RunOptionSpec& spec : RunOptionTable()) {
      if (spec.section != section) continue;
      // JSON's strings, numbers, booleans and arrays of strings are TOML's too.
      text += std::string(spec.key) + " = " + ValueJson(spec.get(options)).dump() + "  # " + spec.meaning + "\n";
    }
  }
  return text;
}

std::string RunOptionsMarkdown() {
  const RunOptions defaults;
  std::string text;
  for (const std::string& section : RunOptionSections()) {
    text += "\n### [" + section + "]\n\n| key | flag of `segcast run` | default | meaning (valid values) |\n|---|---|---|---|\n";
    for (const RunOptionSpec& spec : RunOptionTable()) {
      if (spec.section != section) continue;
      std::string shown = spec.default_text ? spec.default_text : OptionValueText(spec.get(defaults));
      if (shown.empty()) shown = "none";
      const std::string flag = spec.LongFlag();
      text.append("| `").append(spec.key).append("` | ");
      if (!flag.empty()) text.append("`").append(flag).append("`");
      text.append(" | ").append(MarkdownCell(shown)).append(" | ");
      text.append(MarkdownCell(std::string(spec.meaning) + " (" + spec.expected + ")")).append(" |\n");
    }
  }
  return text;
}

}  // namespace segcast
