// A run configuration file (TOML): the same options as the flags of `segcast run`, grouped by
// stage. Unknown keys are errors, so a typo never silently falls back to a default.
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <utility>
#include <set>

#include "segcast/error.h"
#include "segcast/interval_calibration.h"
#include "segcast/pipeline.h"

namespace segcast {
namespace {

namespace fs = std::filesystem;

class ConfigReader {
 public:
  explicit ConfigReader(std::string path) : path_(std::move(path)) {}

  ErrorLocation Where(const toml::node* node, const std::string& key,
                      const std::string& expected) const {
    const int64_t line = node != nullptr ? static_cast<int64_t>(node->source().begin.line) : 0;
    return {.file = path_, .line = line, .field = key, .expected = expected};
  }

  // Rejects keys the section does not know; `known` lists the valid ones.
  void CheckKeys(const toml::table& table, const std::string& section,
                 const std::set<std::string>& known) const {
    for (const auto& [key, node] : table) {
      const std::string name(key.str());
      if (!known.count(name)) {
        std::string list;
        for (const auto& valid : known) list += (list.empty() ? "" : ", ") + valid;
        throw ConfigError("unknown key", Where(&node, section.empty() ? name : section + "." + name,
                                               "one of " + list));
      }
    }
  }

  template <typename T>
  void Read(const toml::table& table, const std::string& section, const char* key, T& target,
            const std::string& expected) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return;
    const std::string name = section + "." + key;
    if constexpr (std::is_same_v<T, bool>) {
      if (!node->is_boolean()) throw ConfigError("wrong type", Where(node, name, expected));
      target = node->value<bool>().value();
    } else if constexpr (std::is_integral_v<T>) {
      if (!node->is_integer()) throw ConfigError("wrong type", Where(node, name, expected));
      // A value the field cannot hold would wrap silently (threads = 4294967297 becomes 1).
      const int64_t value = node->as_integer()->get();
      if (!std::in_range<T>(value)) throw ConfigError("out of range", Where(node, name, expected));
      target = static_cast<T>(value);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!node->is_number()) throw ConfigError("wrong type", Where(node, name, expected));
      target = node->value<double>().value();
    } else {
      if (!node->is_string()) throw ConfigError("wrong type", Where(node, name, expected));
      target = node->value<std::string>().value();
    }
  }

  // Paths in the file are relative to the file's folder, not to wherever the job runs from.
  std::string ResolvePath(const std::string& value) const {
    if (value.empty() || value.find("://") != std::string::npos || value == "none") return value;
    std::string path = value;
    std::string prefix;
    if (path.rfind("sqlite:", 0) == 0) {
      prefix = "sqlite:";
      path = path.substr(7);
    }
    const fs::path candidate(path);
    if (candidate.is_absolute()) return value;
    return prefix + (fs::path(path_).parent_path() / candidate).lexically_normal().string();
  }

  // Runs `parse` on a value, turning InvalidArgument into a ConfigError at the key's line.
  template <typename Parse>
  void Convert(const toml::table& table, const std::string& section, const char* key,
               Parse&& parse, const std::string& expected) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return;
    try {
      parse(node);
    } catch (const InvalidArgument& error) {
      throw ConfigError(error.message(), Where(node, section + "." + key, expected));
    }
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const toml::table* Section(const toml::table& root, const char* name, const ConfigReader& reader) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) {
    throw ConfigError("must be a table", reader.Where(node, name, "[" + std::string(name) + "]"));
  }
  return node->as_table();
}

}  // namespace

void LoadRunConfig(const std::string& path, RunOptions& options) {
  if (!fs::is_regular_file(path)) {
    throw ConfigError("configuration file not found", {.file = path, .expected = "a TOML file"});
  }
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    throw ConfigError(std::string(error.description()),
                      {.file = path, .line = static_cast<int64_t>(error.source().begin.line),
                       .expected = "valid TOML"});
  }
  const ConfigReader reader(path);
  reader.CheckKeys(root, "", {"input", "cluster", "personas", "forecast", "customer_base", "output", "run"});

  if (const toml::table* input = Section(root, "input", reader)) {
    reader.CheckKeys(*input, "input", {"path", "schema", "columns", "demographics", "addresses",
                                       "join_key", "as_of", "window", "pre_acquisition", "duplicates",
                                       "net_cancellations", "normalise_customer_ids", "date_order",
                                       "latest_date"});
    std::string text;
    reader.Read(*input, "input", "path", text, "a file path");
    if (input->get("path")) options.ingest.path = reader.ResolvePath(text);
    reader.Convert(*input, "input", "schema", [&](const toml::node* node) {
      const auto preset = ParsePresetName(node->value<std::string>().value_or(""));
      if (!preset) throw InvalidArgument("unknown schema");
      options.ingest.schema = *preset;
    }, PresetNames());
    reader.Convert(*input, "input", "columns", [&](const toml::node* node) {
      options.ingest.mapping = ParseColumnMapping(node->value<std::string>().value_or(""));
      options.ingest.schema = SchemaPreset::kGeneric;
    }, "a mapping like customer=Cust,date=Day,amount=Total");
    if (input->get("demographics")) {
      reader.Read(*input, "input", "demographics", text, "a file path");
      options.ingest.demographics_path = reader.ResolvePath(text);
    }
    if (input->get("addresses")) {
      reader.Read(*input, "input", "addresses", text, "a file path");
      options.ingest.addresses_path = reader.ResolvePath(text);
    }
    reader.Read(*input, "input", "join_key", options.ingest.join_key, "a column name");
    reader.Convert(*input, "input", "duplicates", [&](const toml::node* node) {
      const auto rule = ParseDuplicateRule(node->value<std::string>().value_or(""));
      if (!rule) throw InvalidArgument("unknown duplicate rule");
      options.ingest.duplicates = *rule;
    }, "\"auto\", \"drop\" or \"keep\"");
    reader.Read(*input, "input", "net_cancellations", options.ingest.net_cancellations, "true or false");
    reader.Read(*input, "input", "normalise_customer_ids", options.ingest.normalise_customer_ids,
                "true or false");
    reader.Convert(*input, "input", "as_of", [&](const toml::node* node) {
      const auto day = ParseIsoDay(node->value<std::string>().value_or(""));
      if (!day) throw InvalidArgument("not a date");
      options.panel.as_of = *day;
    }, "a date YYYY-MM-DD");
    reader.Convert(*input, "input", "date_order", [&](const toml::node* node) {
      const auto order = ParseDateOrder(node->value<std::string>().value_or(""));
      if (!order) throw InvalidArgument("unknown date order");
      options.ingest.date_order = *order;
    }, "\"auto\", \"dmy\", \"mdy\" or \"ymd\"");
    reader.Convert(*input, "input", "latest_date", [&](const toml::node* node) {
      const auto day = ParseIsoDay(node->value<std::string>().value_or(""));
      if (!day) throw InvalidArgument("not a date");
      options.ingest.latest_day = *day;
    }, "a date YYYY-MM-DD");
    reader.Read(*input, "input", "window", options.panel.window, "months, an integer >= 0");
    reader.Convert(*input, "input", "pre_acquisition", [&](const toml::node* node) {
      const std::string value = node->value<std::string>().value_or("");
      if (value != "absent" && value != "zero") throw InvalidArgument("unknown value");
      options.panel.pre_acquisition =
          value == "zero" ? PreAcquisition::kZero : PreAcquisition::kAbsent;
    }, "\"absent\" or \"zero\"");
  }

  if (const toml::table* cluster = Section(root, "cluster", reader)) {
    reader.CheckKeys(*cluster, "cluster", {"k", "k_range", "metric", "band", "scaling", "log1p",
                                           "max_iter", "n_init", "silhouette_sample", "k_tolerance", "min_segment_share", "sweep_sample",
                                           "memory_budget_mib", "keep_previous_k"});
    reader.Read(*cluster, "cluster", "k", options.k, "an integer >= 0 (0: choose by silhouette)");
    reader.Convert(*cluster, "cluster", "k_range", [&](const toml::node* node) {
      ParseKRange(node->value<std::string>().value_or(""), &options.k_min, &options.k_max);
      if (!cluster->get("k")) options.k = 0;
    }, "a range like \"2..8\"");
    reader.Convert(*cluster, "cluster", "metric", [&](const toml::node* node) {
      options.cluster.metric = ParseMetric(node->value<std::string>().value_or(""));
    }, "\"dtw\" or \"euclidean\"");
    reader.Read(*cluster, "cluster", "band", options.cluster.band.radius,
                "a Sakoe-Chiba radius in months, -1 for none");
    reader.Convert(*cluster, "cluster", "scaling", [&](const toml::node* node) {
      options.scale.scaling = ParsePanelScaling(node->value<std::string>().value_or(""));
    }, "none, feature-minmax, series-minmax or znorm");
    reader.Read(*cluster, "cluster", "log1p", options.scale.log1p_frequency_monetary, "true or false");
    reader.Read(*cluster, "cluster", "keep_previous_k", options.keep_previous_k, "true or false");
    reader.Read(*cluster, "cluster", "max_iter", options.cluster.max_iter, "an integer >= 1");
    reader.Read(*cluster, "cluster", "n_init", options.cluster.n_init, "an integer >= 1");
    reader.Read(*cluster, "cluster", "silhouette_sample", options.silhouette.sample,
                "an integer >= 0 (0: every customer)");
    reader.Read(*cluster, "cluster", "k_tolerance", options.k_choice.silhouette_tolerance,
                "a share of the best silhouette, 0 <= x < 1");
    reader.Read(*cluster, "cluster", "min_segment_share", options.k_choice.min_segment_share,
                "a share of customers, 0 .. 0.5");
    reader.Read(*cluster, "cluster", "sweep_sample", options.sweep_sample,
                "an integer >= 0 (0: sweep every customer)");
    double budget_mib = -1;
    reader.Read(*cluster, "cluster", "memory_budget_mib", budget_mib, "MiB, a number >= 0");
    if (const toml::node* node = cluster->get("memory_budget_mib")) {
      // Checked before the conversion: a double beyond int64 range (or NaN) is undefined behaviour.
      constexpr double kMaxBudgetMib = 1e9;  // 1 PiB
      if (!(budget_mib >= 0 && budget_mib <= kMaxBudgetMib)) {
        throw ConfigError("out of range", reader.Where(node, "cluster.memory_budget_mib", "MiB, 0 .. 1e9"));
      }
      options.silhouette.memory_budget_bytes = static_cast<int64_t>(budget_mib * 1024 * 1024);
    }
  }

  if (const toml::table* personas = Section(root, "personas", reader)) {
    reader.CheckKeys(*personas, "personas", {"rules", "mix_columns"});
    if (const toml::node* node = personas->get("mix_columns")) {
      const toml::array* array = node->as_array();
      if (array == nullptr) {
        throw ConfigError("wrong type", reader.Where(node, "personas.mix_columns", "an array of column names"));
      }
      options.mix_columns.clear();
      for (const toml::node& item : *array) {
        if (!item.is_string()) {
          throw ConfigError("wrong type", reader.Where(&item, "personas.mix_columns", "column names as strings"));
        }
        options.mix_columns.push_back(item.value<std::string>().value());
      }
    }
    std::string text;
    reader.Read(*personas, "personas", "rules", text, "a file path");
    if (personas->get("rules")) options.persona_rules_path = reader.ResolvePath(text);
  }

  if (const toml::table* forecast = Section(root, "forecast", reader)) {
    reader.CheckKeys(*forecast, "forecast", {"horizon", "interval", "interval_scale", "samples", "backtest", "calibrate", "segment_model"});
    reader.Convert(*forecast, "forecast", "segment_model", [&](const toml::node* node) {
      const auto model = ParseSegmentForecast(node->value<std::string>().value_or(""));
      if (!model) throw InvalidArgument("unknown value");
      options.segment_forecast = *model;
    }, "customer-base or series");
    reader.Read(*forecast, "forecast", "horizon", options.forecast.horizon, "months, 1..240");
    reader.Read(*forecast, "forecast", "interval", options.forecast.interval, "a probability in (0, 1)");
    reader.Read(*forecast, "forecast", "samples", options.forecast.samples, "an integer >= 0");
    if (const toml::node* node = forecast->get("interval_scale")) {
      double scale = 1.0;
      reader.Read(*forecast, "forecast", "interval_scale", scale, "a positive number");
      if (!(scale > 0) || !std::isfinite(scale))
        throw ConfigError("out of range", reader.Where(node, "forecast.interval_scale",
                                                       "a positive number, such as the scale "
                                                       "`segcast backtest --calibrate` prints"));
      ScaleIntervals(options.forecast, scale);
    }
    reader.Read(*forecast, "forecast", "backtest", options.run_backtest, "true or false");
    reader.Read(*forecast, "forecast", "calibrate", options.calibrate_intervals, "true or false");
  }

  if (const toml::table* base = Section(root, "customer_base", reader)) {
    CohortForecastOptions& cohort = options.customer_base;
    reader.CheckKeys(*base, "customer_base", {"holdout_months", "rate_adjustment", "new_customers",
                                             "clv_months", "monthly_discount"});
    reader.Read(*base, "customer_base", "holdout_months", cohort.holdout_months, "months, 0..12");
    reader.Read(*base, "customer_base", "new_customers", cohort.new_customers, "true or false");
    reader.Read(*base, "customer_base", "clv_months", cohort.customer_base.clv_months, "months, 1..240");
    reader.Read(*base, "customer_base", "monthly_discount", cohort.customer_base.monthly_discount,
                "a rate in [0, 1]");
    reader.Convert(*base, "customer_base", "rate_adjustment", [&](const toml::node* node) {
      const auto adjustment = ParseRateAdjustment(node->value<std::string>().value_or(""));
      if (!adjustment) throw InvalidArgument("unknown value");
      cohort.rate_adjustment = *adjustment;
    }, "none, pooled or segment");
  }

  if (const toml::table* output = Section(root, "output", reader)) {
    reader.CheckKeys(*output, "output", {"dir", "store", "models", "write_panel"});
    std::string text;
    if (output->get("dir")) {
      reader.Read(*output, "output", "dir", text, "a folder path");
      options.output_dir = reader.ResolvePath(text);
    }
    if (output->get("store")) {
      reader.Read(*output, "output", "store", text, "sqlite:PATH, postgresql://... or none");
      options.store = reader.ResolvePath(text);
    }
    if (output->get("models")) {
      reader.Read(*output, "output", "models", text, "a folder path");
      options.models_dir = reader.ResolvePath(text);
    }
    reader.Read(*output, "output", "write_panel", options.write_panel, "true or false");
  }

  if (const toml::table* run = Section(root, "run", reader)) {
    reader.CheckKeys(*run, "run", {"id", "previous", "seed", "threads"});
    reader.Read(*run, "run", "id", options.run_id, "a run id");
    reader.Read(*run, "run", "previous", options.previous, "a run id or a model folder");
    reader.Read(*run, "run", "seed", options.seed, "an integer >= 0");
    reader.Read(*run, "run", "threads", options.threads, "an integer >= 0 (0: all cores)");
  }

}

}  // namespace segcast
