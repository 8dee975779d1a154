// Reads the persona rules file (TOML) into PersonaRules. Every problem is a ConfigError naming the
// file, the line and the key, because users edit this file by hand.
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "segcast/error.h"
#include "segcast/panel.h"
#include "segcast/personas.h"

namespace segcast {
namespace internal {
// Trimmed, lower-case: how mix columns and values are matched.
std::string MixKey(const std::string& text);
}  // namespace internal
namespace {

constexpr const char* kFeatureKeys = "one of L, R, F, M";
constexpr const char* kLevelWords =
    "\"low\", \"moderate\", \"high\", \"not_low\", \"not_high\" or a table { above = x, below = y "
    "}";
constexpr const char* kTrendWords =
    "\"rising\", \"falling\", \"steady\", \"not_rising\" or \"not_falling\"";

void CheckSettings(const PersonaRules& rules) {
  auto fail = [](const std::string& field, const std::string& expected) {
    throw InvalidArgument("out of range", {.field = field, .expected = expected});
  };
  if (rules.trend_months < 2 || rules.trend_months > 60) fail("trend_months", "2..60");
  if (!(rules.low > 0.0)) fail("low", "> 0");
  if (!(rules.high > rules.low)) fail("high", "> low");
  if (!(rules.min_change > 0.0)) fail("min_change", "> 0");
  if (!(rules.steady_tolerance >= 0.0 && rules.steady_tolerance <= rules.min_change))
    fail("steady_tolerance", "0..min_change");
  if (!(rules.monotone_slack >= 0.0 && rules.monotone_slack <= 1.0)) fail("monotone_slack", "0..1");
  if (!(rules.trend_floor >= 0.0 && rules.trend_floor <= 10.0)) fail("trend_floor", "0..10");
}

class RulesReader {
 public:
  explicit RulesReader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void Fail(const std::string& message, const toml::node* node, const std::string& key,
                         const std::string& expected) const {
    int64_t line = node ? static_cast<int64_t>(node->source().begin.line) : 0;
    throw ConfigError(message, {.file = source_, .line = line, .field = key, .expected = expected});
  }

  double Number(const toml::node& node, const std::string& key) const {
    if (auto value = node.value<double>()) {
      if (std::isfinite(*value)) return *value;
    }
    Fail("not a finite number", &node, key, "a number");
  }

  std::string String(const toml::node& node, const std::string& key) const {
    if (auto value = node.value<std::string>()) return *value;
    Fail("not a string", &node, key, "a quoted string");
  }

  int Feature(const std::string& name, const toml::node& node, const std::string& key) const {
    for (int feature = 0; feature < kLrfmFeatures; ++feature)
      if (name == kLrfmFeatureNames[feature]) return feature;
    Fail("unknown feature '" + name + "'", &node, key, kFeatureKeys);
  }

  void ReadSettings(const toml::table& settings, PersonaRules& rules) const {
    for (const auto& [key_view, node] : settings) {
      const std::string key(key_view.str());
      const std::string field = "settings." + key;
      if (key == "trend_months") {
        auto value = node.value<int64_t>();
        if (!value || *value < 2 || *value > 60)
          Fail("bad trend_months", &node, field, "an integer from 2 to 60");
        rules.trend_months = static_cast<int>(*value);
      } else if (key == "low") {
        rules.low = Number(node, field);
      } else if (key == "high") {
        rules.high = Number(node, field);
      } else if (key == "min_change") {
        rules.min_change = Number(node, field);
      } else if (key == "steady_tolerance") {
        rules.steady_tolerance = Number(node, field);
      } else if (key == "monotone_slack") {
        rules.monotone_slack = Number(node, field);
      } else if (key == "trend_floor") {
        rules.trend_floor = Number(node, field);
      } else {
        Fail("unknown key", &node, field,
             "trend_months, low, high, min_change, steady_tolerance, monotone_slack or "
             "trend_floor");
      }
    }
    try {
      CheckSettings(rules);
    } catch (const InvalidArgument& error) {
      Fail(error.message(), &settings, "settings." + error.location().field,
           error.location().expected);
    }
  }

  LevelCondition ReadLevel(int feature, const toml::node& node, const std::string& field,
                           const PersonaRules& rules) const {
    LevelCondition condition;
    condition.feature = feature;
    if (auto word = node.value<std::string>()) {
      condition.text = *word == "not_low" ? "not low" : *word == "not_high" ? "not high" : *word;
      if (*word == "low") {
        condition.max_ratio = rules.low;
      } else if (*word == "high") {
        condition.min_ratio = rules.high;
      } else if (*word == "moderate") {
        condition.min_ratio = rules.low;
        condition.max_ratio = rules.high;
      } else if (*word == "not_low") {
        condition.min_ratio = rules.low;
      } else if (*word == "not_high") {
        condition.max_ratio = rules.high;
      } else {
        Fail("unknown level '" + *word + "'", &node, field, kLevelWords);
      }
      return condition;
    }
    const toml::table* bounds = node.as_table();
    if (!bounds) Fail("bad level", &node, field, kLevelWords);
    ReadBounds(*bounds, field, condition);
    return condition;
  }

  // `value = { R = { above = 180 } }`: bounds in the feature's own unit, so a rule can say "no
  // purchase in 180 days" whatever the rest of the population does.
  LevelCondition ReadValue(int feature, const toml::node& node, const std::string& field) const {
    LevelCondition condition;
    condition.feature = feature;
    condition.absolute = true;
    const toml::table* bounds = node.as_table();
    if (!bounds) Fail("bad value bounds", &node, field, "a table { above = x, below = y }");
    ReadBounds(*bounds, field, condition);
    return condition;
  }

  // { above = x, below = y } into the condition's bounds, and the text errors quote.
  void ReadBounds(const toml::table& bounds, const std::string& field,
                  LevelCondition& condition) const {
    const toml::node& node = bounds;
    for (const auto& [key_view, bound] : bounds) {
      const std::string key(key_view.str());
      const double value = Number(bound, field + "." + key);
      if (value <= 0.0) Fail("bound must be positive", &bound, field + "." + key, "> 0");
      if (key == "above") {
        condition.min_ratio = value;
      } else if (key == "below") {
        condition.max_ratio = value;
      } else {
        Fail("unknown key", &bound, field + "." + key, "above or below");
      }
    }
    if (condition.min_ratio == 0.0 && condition.max_ratio == 0.0)
      Fail("empty level table", &node, field, "above and/or below");
    if (condition.max_ratio > 0.0 && condition.min_ratio >= condition.max_ratio)
      Fail("above must be less than below", &node, field, "above < below");
    const char* unit = condition.absolute ? "" : "x";
    std::ostringstream text;
    if (condition.min_ratio > 0.0) text << "above " << condition.min_ratio << unit;
    if (condition.min_ratio > 0.0 && condition.max_ratio > 0.0) text << " and ";
    if (condition.max_ratio > 0.0) text << "below " << condition.max_ratio << unit;
    condition.text = text.str();
  }

  MixRules ReadMix(const toml::table& mix) const {
    MixRules rules;
    for (const auto& [key_view, node] : mix) {
      const std::string key(key_view.str());
      const std::string field = "mix." + key;
      if (key == "exclude") {
        const toml::array* columns = node.as_array();
        if (!columns) Fail("not an array", &node, field, "[\"column\", ...]");
        for (const toml::node& column : *columns) rules.exclude.push_back(String(column, field));
      } else if (key == "similar_distance") {
        rules.similar_distance = Number(node, field);
        if (rules.similar_distance < 0.0 || rules.similar_distance > 1.0)
          Fail("out of range", &node, field, "0..1");
      } else if (key == "values") {
        const toml::table* columns = node.as_table();
        if (!columns) Fail("not a table", &node, field, "[mix.values.COLUMN] tables");
        for (const auto& [column_view, column_node] : *columns) {
          const std::string column(column_view.str());
          const std::string column_field = field + "." + column;
          const toml::table* mapping = column_node.as_table();
          if (!mapping) Fail("not a table", &column_node, column_field, "raw = \"canonical\"");
          for (const auto& [raw_view, canonical] : *mapping) {
            rules.values[internal::MixKey(column)][internal::MixKey(std::string(raw_view.str()))] =
                String(canonical, column_field + "." + std::string(raw_view.str()));
          }
        }
      } else {
        Fail("unknown key", &node, field, "exclude, similar_distance or values");
      }
    }
    return rules;
  }

  TrendCondition ReadTrend(int feature, const toml::node& node, const std::string& field) const {
    const std::string word = String(node, field);
    TrendCondition condition;
    condition.feature = feature;
    if (word == "rising") {
      condition.trend = Trend::kRising;
    } else if (word == "falling") {
      condition.trend = Trend::kFalling;
    } else if (word == "steady") {
      condition.trend = Trend::kSteady;
    } else if (word == "not_rising") {
      condition.trend = Trend::kNotRising;
    } else if (word == "not_falling") {
      condition.trend = Trend::kNotFalling;
    } else {
      Fail("unknown trend '" + word + "'", &node, field, kTrendWords);
    }
    return condition;
  }

  PersonaRule ReadPersona(const toml::table& table, size_t index, const PersonaRules& rules) const {
    PersonaRule rule;
    rule.line = static_cast<int64_t>(table.source().begin.line);
    const std::string prefix = "persona[" + std::to_string(index + 1) + "]";
    for (const auto& [key_view, node] : table) {
      const std::string key(key_view.str());
      const std::string field = prefix + "." + key;
      if (key == "name") {
        rule.name = String(node, field);
        if (rule.name.empty()) Fail("empty name", &node, field, "a non-empty name");
      } else if (key == "description") {
        rule.description = String(node, field);
      } else if (key == "action") {
        rule.action.name = String(node, field);
      } else if (key == "why") {
        rule.action.why = String(node, field);
      } else if (key == "level" || key == "value" || key == "trend") {
        const toml::table* conditions = node.as_table();
        if (!conditions) Fail("not a table", &node, field, "{ R = \"...\", ... }");
        for (const auto& [feature_view, condition] : *conditions) {
          const std::string feature_name(feature_view.str());
          const std::string condition_field = field + "." + feature_name;
          const int feature = Feature(feature_name, condition, condition_field);
          if (key == "level") {
            rule.levels.push_back(ReadLevel(feature, condition, condition_field, rules));
          } else if (key == "value") {
            rule.levels.push_back(ReadValue(feature, condition, condition_field));
          } else {
            rule.trends.push_back(ReadTrend(feature, condition, condition_field));
          }
        }
      } else {
        Fail("unknown key", &node, field, "name, description, action, why, level, value or trend");
      }
    }
    if (rule.name.empty())
      Fail("persona without a name", &table, prefix + ".name", "name = \"...\"");
    return rule;
  }

  PersonaRules Read(const toml::table& root) const {
    PersonaRules rules;
    rules.source = source_;
    for (const auto& [key_view, node] : root) {
      const std::string key(key_view.str());
      if (key != "settings" && key != "persona" && key != "mix")
        Fail("unknown key", &node, key, "[settings], [mix] or [[persona]]");
    }
    if (const toml::node* mix = root.get("mix")) {
      const toml::table* table = mix->as_table();
      if (!table) Fail("not a table", mix, "mix", "a [mix] table");
      rules.mix = ReadMix(*table);
    }
    if (const toml::node* settings = root.get("settings")) {
      const toml::table* table = settings->as_table();
      if (!table) Fail("not a table", settings, "settings", "a [settings] table");
      ReadSettings(*table, rules);
    }
    const toml::node* personas = root.get("persona");
    const toml::array* array = personas ? personas->as_array() : nullptr;
    if (!array || array->empty())
      Fail("no personas defined", personas, "persona", "at least one [[persona]] table");
    std::set<std::string> names;
    for (size_t index = 0; index < array->size(); ++index) {
      const toml::node& element = *array->get(index);
      const toml::table* table = element.as_table();
      if (!table) Fail("not a table", &element, "persona", "[[persona]] tables");
      PersonaRule rule = ReadPersona(*table, index, rules);
      if (!names.insert(rule.name).second) {
        Fail("duplicate persona name '" + rule.name + "'", table,
             "persona[" + std::to_string(index + 1) + "].name", "unique names");
      }
      rules.personas.push_back(std::move(rule));
    }
    return rules;
  }

 private:
  std::string source_;
};

}  // namespace

namespace internal {

std::string MixKey(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t");
  std::string key = text.substr(begin, end - begin + 1);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace internal

std::string MixRules::Canonical(const std::string& column, const std::string& value) const {
  const auto mapping = values.find(internal::MixKey(column));
  if (mapping == values.end()) return value;
  const auto found = mapping->second.find(internal::MixKey(value));
  return found == mapping->second.end() ? value : found->second;
}

bool MixRules::Excluded(const std::string& column) const {
  const std::string key = internal::MixKey(column);
  return std::any_of(exclude.begin(), exclude.end(),
                     [&](const std::string& excluded) { return internal::MixKey(excluded) == key; });
}

void PersonaRules::Validate() const {
  auto fail = [](const std::string& field, const std::string& expected) {
    throw InvalidArgument("out of range", {.field = field, .expected = expected});
  };
  CheckSettings(*this);
  if (personas.empty()) fail("personas", "at least one persona");
  std::set<std::string> names;
  for (const PersonaRule& rule : personas) {
    if (rule.name.empty()) fail("personas.name", "a non-empty name");
    if (!names.insert(rule.name).second) fail("personas.name", "unique names");
    for (const LevelCondition& level : rule.levels) {
      if (level.feature < 0 || level.feature >= kLrfmFeatures) fail("levels.feature", "0..3");
      if (level.min_ratio < 0.0 || level.max_ratio < 0.0 ||
          (level.max_ratio > 0.0 && level.min_ratio >= level.max_ratio))
        fail("levels", "0 <= min_ratio < max_ratio");
    }
    for (const TrendCondition& trend : rule.trends)
      if (trend.feature < 0 || trend.feature >= kLrfmFeatures) fail("trends.feature", "0..3");
  }
}

PersonaRules ParsePersonaRules(const std::string& text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    throw ConfigError(std::string(error.description()),
                      {.file = source_name,
                       .line = static_cast<int64_t>(error.source().begin.line),
                       .expected = "valid TOML"});
  }
  return RulesReader(source_name).Read(root);
}

PersonaRules LoadPersonaRules(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw ConfigError("cannot open the persona rules file",
                      {.file = path, .expected = "a readable TOML file"});
  }
  std::ostringstream text;
  text << file.rdbuf();
  return ParsePersonaRules(text.str(), path);
}

}  // namespace segcast
