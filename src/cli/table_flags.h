// Command-line flags derived from RunOptionTable(): each option's flag name, help text and setter
// (with its range checks) come from its entry, so a flag of `segcast run` and the same flag of
// another command (`segcast forecast --horizon`) are one option with one meaning.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "segcast/run_option_table.h"

namespace segcast::cli {

//! One typed value per table entry, bound to its CLI11 option (nullptr when the entry has no
//! flag on this command).
struct TableFlag {
  CLI::Option* option = nullptr;
  bool flag = false;
  int64_t integer = 0;
  double number = 0;
  std::string text;
  std::vector<std::string> list;

  bool Given() const { return option != nullptr && option->count() > 0; }
};

//! The table's flags of one command, indexed as RunOptionTable().
struct TableFlags {
  std::vector<TableFlag> flags = std::vector<TableFlag>(RunOptionTable().size());

  //! The flag of the entry "section.key"; throws std::logic_error for a name not in the table.
  const TableFlag& Of(const std::string& name) const;
};

//! Adds the flags of the table entries named in `names` ("forecast.horizon"), or of every entry
//! with a flag when `names` is empty, in table order. The help shows each default from `defaults`.
void AddTableFlags(CLI::App& command, TableFlags& flags, const RunOptions& defaults = RunOptions(),
                   const std::vector<std::string>& names = {});

//! Sets the options whose flags were given on the command line, in table order, through the
//! table's setters; an InvalidArgument names the flag and the value given.
void ApplyTableFlags(const TableFlags& flags, RunOptions& options);

}  // namespace segcast::cli
