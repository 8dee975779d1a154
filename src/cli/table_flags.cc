// The flags of RunOptionTable() entries on any subcommand: bound, described and applied from the table.
#include "cli/table_flags.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>

#include "segcast/error.h"

namespace segcast::cli {
namespace {

std::string FlagHelp(const RunOptionSpec& spec, const RunOptions& defaults) {
  if (spec.kind == OptionKind::kBool) {
    return spec.flag_sets ? std::string(spec.meaning)
                          : std::string("Turn off: ") + spec.meaning + " (config: " + spec.Name() +
                                " = false)";
  }
  std::string shown = spec.default_text ? spec.default_text : OptionValueText(spec.get(defaults));
  return std::string(spec.meaning) + "; " + spec.expected + " (default " +
         (shown.empty() ? "none" : shown) + ")";
}

// CLI11 (2.1) reads an integer with strtoll and keeps the clamped value of one that overflows:
// --seed 99999999999999999999 would run with 9223372036854775807.
CLI::Validator IntegerInRange() {
  return CLI::Validator(
      [](std::string& text) {
        errno = 0;
        std::strtoll(text.c_str(), nullptr, 0);
        return errno == ERANGE ? std::string("out of range: '" + text + "'") : std::string();
      },
      "");
}

OptionValue FlagValue(const RunOptionSpec& spec, const TableFlag& flag) {
  switch (spec.kind) {
    case OptionKind::kBool:
      return spec.flag_sets;
    case OptionKind::kInteger:
      return flag.integer;
    case OptionKind::kNumber:
      return flag.number;
    case OptionKind::kTextList:
      return flag.list;
    default:
      return flag.text;
  }
}

}  // namespace

const TableFlag& TableFlags::Of(const std::string& name) const {
  const std::vector<RunOptionSpec>& table = RunOptionTable();
  for (size_t i = 0; i < table.size(); ++i)
    if (table[i].Name() == name) return flags[i];
  throw std::logic_error("no run option " + name);
}

void AddTableFlags(CLI::App& command, TableFlags& flags, const RunOptions& defaults,
                   const std::vector<std::string>& names) {
  const std::vector<RunOptionSpec>& table = RunOptionTable();
  for (const std::string& name : names) {
    if (std::none_of(table.begin(), table.end(),
                     [&](const RunOptionSpec& spec) { return spec.Name() == name; }))
      throw std::logic_error("no run option " + name);
  }
  for (size_t i = 0; i < table.size(); ++i) {
    const RunOptionSpec& spec = table[i];
    if (*spec.flag == '\0') continue;
    if (!names.empty() && std::find(names.begin(), names.end(), spec.Name()) == names.end())
      continue;
    TableFlag& flag = flags.flags[i];
    const std::string help = FlagHelp(spec, defaults);
    switch (spec.kind) {
      case OptionKind::kBool:
        flag.option = command.add_flag(spec.flag, flag.flag, help);
        break;
      case OptionKind::kInteger:
        flag.option = command.add_option(spec.flag, flag.integer, help)->check(IntegerInRange());
        break;
      case OptionKind::kNumber:
        flag.option = command.add_option(spec.flag, flag.number, help);
        break;
      case OptionKind::kText:
      case OptionKind::kPath:
        flag.option = command.add_option(spec.flag, flag.text, help);
        break;
      case OptionKind::kTextList:
        flag.option = command.add_option(spec.flag, flag.list, help)->delimiter(',');
        break;
    }
  }
}

void ApplyTableFlags(const TableFlags& flags, RunOptions& options) {
  for (size_t i = 0; i < RunOptionTable().size(); ++i) {
    const RunOptionSpec& spec = RunOptionTable()[i];
    if (!flags.flags[i].Given()) continue;
    const OptionValue value = FlagValue(spec, flags.flags[i]);
    try {
      spec.set(options, value);
    } catch (const InvalidArgument& error) {
      throw InvalidArgument(error.message() + ": '" + OptionValueText(value) + "'",
                            {.field = spec.LongFlag(), .expected = spec.expected});
    }
  }
}

}  // namespace segcast::cli
