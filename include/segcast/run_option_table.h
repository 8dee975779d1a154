// Every option of `segcast run`, described once.
//
// The TOML run configuration, the command line flags of `segcast run` (and those flags of
// `segcast forecast`, `segcast backtest` and `segcast segment` that are run options), the
// manifest's "options" object, the dashboard's reading of a run's settings and the options
// reference (docs/options.md) are all derived from RunOptionTable(): an option added here exists
// in all of them, under one name and with one meaning. A manifest's "options" object has the layout of a
// TOML configuration, so a finished run can be repeated from it:
//
//   segcast run --config OUT/runs/2011-12-10/manifest.json -o OUT2
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "segcast/pipeline.h"

namespace segcast {

//! A value as read from a TOML file, a flag or a manifest.
using OptionValue = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

enum class OptionKind {
  kBool,      //!< true or false; a flag without a value
  kInteger,   //!< a whole number
  kNumber,    //!< any number
  kText,      //!< a string (names, dates, ids)
  kPath,      //!< a string naming a file or folder: relative to the TOML file that gives it
  kTextList,  //!< strings: a TOML array, a comma-separated flag value
};

struct RunOptionSpec {
  const char* section;   //!< TOML table and manifest group: "input", "cluster", ...
  const char* key;       //!< key in that table
  //! CLI11 names of the flag ("--band", "-k,--k"); "" when the option is set in files only.
  const char* flag;
  OptionKind kind;
  const char* meaning;   //!< one line: the flag's help and the reference's description
  const char* expected;  //!< what a valid value looks like, in errors and in the reference
  //! Sets the option; throws InvalidArgument when the value is out of the field's range.
  //! Ranges that involve other options are RunOptions::Validate()'s.
  std::function<void(RunOptions&, const OptionValue&)> set;
  //! The value as the manifest records it; `set` with it re-creates the option.
  std::function<OptionValue(const RunOptions&)> get;
  //! For a kBool flag: the value the flag sets (false for --no-log1p, --no-backtest).
  bool flag_sets = true;
  //! The default as the reference and the help show it, when the value itself would mislead
  //! ("" store = "OUT/segcast.db").
  const char* default_text = nullptr;
  //! false for an option no output depends on (threads): the manifest's options leave it out, so
  //! two runs of one job record the same options whatever machine ran them.
  bool recorded = true;

  std::string Name() const { return std::string(section) + "." + key; }
  //! The flag's long name ("--band"), "" without a flag.
  std::string LongFlag() const;
};

//! In the order options are applied: an option that resets another (k_range resets k, columns
//! sets schema) comes before the one it resets.
const std::vector<RunOptionSpec>& RunOptionTable();

//! The TOML sections, in the order of the table.
std::vector<std::string> RunOptionSections();

//! A value as the reference, the help and the manifest's text show it: true, 8, 0.8, "2..8".
std::string OptionValueText(const OptionValue& value);

//! The "options" object of a run's manifest: {section: {key: value}} for every option.
std::string RunOptionsJson(const RunOptions& options);

//! Applies an "options" object (RunOptionsJson's layout) to `options`. Unknown sections and
//! keys, and values of the wrong type, throw ConfigError naming `source` and the key.
void ApplyRunOptionsJson(const std::string& options_json, const std::string& source,
                         RunOptions& options);

//! A TOML configuration that sets every option to its value in `options`, each key with its
//! meaning as a comment: LoadRunConfig of it gives back the same options. Paths are written as
//! held, so relative ones are read against the file's folder.
std::string RunOptionsToml(const RunOptions& options);

//! The options reference in Markdown: one table per section (key, flag, default, meaning).
std::string RunOptionsMarkdown();

}  // namespace segcast
