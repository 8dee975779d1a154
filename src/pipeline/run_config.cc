// A run configuration file: TOML, or a finished run's manifest.json. The keys are those of
// RunOptionTable() (run_option_table.h), as are the flags of `segcast run`. Unknown keys are
// errors, so a typo never silently falls back to a default.
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "segcast/error.h"
#include "segcast/pipeline.h"
#include "segcast/run_option_table.h"

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

  // Paths in the file are relative to the file's folder, not to wherever the job runs from.
  std::string ResolvePath(const std::string& value) const {
    if (value.empty() || value.find("://") != std::string::npos || value == "none" || value == "default" ||
        value == "built-in")
      return value;
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

 private:
  std::string path_;
};

// The value of `node` for an option of `spec`'s kind; nullopt when the node has another type.
std::optional<OptionValue> NodeValue(const RunOptionSpec& spec, const toml::node& node,
                                     const ConfigReader& reader) {
  switch (spec.kind) {
    case OptionKind::kBool:
      if (node.is_boolean()) return node.value<bool>().value();
      break;
    case OptionKind::kInteger:
      if (node.is_integer()) return node.as_integer()->get();
      break;
    case OptionKind::kNumber:
      if (node.is_number()) return node.value<double>().value();
      break;
    case OptionKind::kText:
      if (node.is_string()) return node.value<std::string>().value();
      break;
    case OptionKind::kPath:
      if (node.is_string()) return reader.ResolvePath(node.value<std::string>().value());
      break;
    case OptionKind::kTextList: {
      const toml::array* array = node.as_array();
      if (array == nullptr) break;
      std::vector<std::string> items;
      for (const toml::node& item : *array) {
        if (!item.is_string()) return std::nullopt;
        items.push_back(item.value<std::string>().value());
      }
      return items;
    }
  }
  return std::nullopt;
}

// Every key of the file must name an option: a typo never silently falls back to a default.
void CheckKeys(const toml::table& root, const ConfigReader& reader) {
  const std::vector<std::string> sections = RunOptionSections();
  reader.CheckKeys(root, "", {sections.begin(), sections.end()});
  for (const std::string& section : sections) {
    const toml::node* node = root.get(section);
    if (node == nullptr) continue;
    if (!node->is_table())
      throw ConfigError("must be a table", reader.Where(node, section, "[" + section + "]"));
    std::set<std::string> known;
    for (const RunOptionSpec& spec : RunOptionTable())
      if (spec.section == section) known.insert(spec.key);
    reader.CheckKeys(*node->as_table(), section, known);
  }
}

toml::table ParseToml(const std::string& path) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    throw ConfigError(std::string(error.description()),
                      {.file = path, .line = static_cast<int64_t>(error.source().begin.line),
                       .expected = "valid TOML"});
  }
}

// A run's manifest (or its "options" object alone) as the configuration of a new run.
void LoadManifestOptions(const std::string& path, RunOptions& options) {
  std::ifstream stream(path);
  const std::string text((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    throw ConfigError(std::string("malformed JSON: ") + error.what(), {.file = path, .expected = "JSON"});
  }
  const bool whole_manifest = manifest.is_object() && manifest.contains("options");
  ApplyRunOptionsJson((whole_manifest ? manifest["options"] : manifest).dump(), path, options);
}

}  // namespace

void LoadRunConfig(const std::string& path, RunOptions& options) {
  if (!fs::is_regular_file(path)) {
    throw ConfigError("configuration file not found", {.file = path, .expected = "a TOML file"});
  }
  if (fs::path(path).extension() == ".json") return LoadManifestOptions(path, options);
  const toml::table root = ParseToml(path);
  const ConfigReader reader(path);
  CheckKeys(root, reader);
  // In table order, so that an option that resets another (k_range resets k) is applied first.
  for (const RunOptionSpec& spec : RunOptionTable()) {
    const toml::node* node = root.at_path(spec.Name()).node();
    if (node == nullptr) continue;
    const std::optional<OptionValue> value = NodeValue(spec, *node, reader);
    if (!value) throw ConfigError("wrong type", reader.Where(node, spec.Name(), spec.expected));
    try {
      spec.set(options, *value);
    } catch (const InvalidArgument& error) {
      throw ConfigError(error.message(), reader.Where(node, spec.Name(), spec.expected));
    }
  }
}

}  // namespace segcast
