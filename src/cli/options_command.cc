// segcast options: every option of `segcast run` with its default, as a TOML file to start from or
// as the Markdown reference of docs/options.md. Both come from RunOptionTable().
#include <iostream>

#include "cli/commands.h"
#include "segcast/run_option_table.h"

namespace segcast::cli {

void AddOptionsCommand(CLI::App& app, CommandContext& context) {
  auto markdown = std::make_shared<bool>(false);
  CLI::App* command = app.add_subcommand(
      "options", "Print every option of `segcast run` with its default: a TOML config to edit (default), "
                 "or the Markdown reference");
  command->add_flag("--markdown", *markdown, "The reference as Markdown tables (docs/options.md)");
  command->callback([markdown, &context] {
    std::cout << (*markdown ? RunOptionsMarkdown() : RunOptionsToml(RunOptions{}));
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
