// Every subcommand of the segcast tool. Each lives in its own file (src/cli/<name>_command.cc),
// turns its flags into library options, calls the library, and writes outputs; nothing more.
#pragma once

#include <CLI/CLI.hpp>

namespace segcast::cli {

//! Shared by every subcommand: the exit code the chosen subcommand wants main() to return.
struct CommandContext {
  int exit_code = 0;
};

// Registration functions, one per subcommand file. Keep in the order of the pipeline.
// (Add a declaration here and a call in main.cc when adding a subcommand.)
void AddProfileCommand(CLI::App& app, CommandContext& context);
void AddRfmCommand(CLI::App& app, CommandContext& context);
void AddPanelCommand(CLI::App& app, CommandContext& context);
void AddSegmentCommand(CLI::App& app, CommandContext& context);
void AddSimilarCommand(CLI::App& app, CommandContext& context);
void AddForecastCommand(CLI::App& app, CommandContext& context);
void AddBacktestCommand(CLI::App& app, CommandContext& context);
void AddRunCommand(CLI::App& app, CommandContext& context);
void AddOptionsCommand(CLI::App& app, CommandContext& context);
void AddAssignCommand(CLI::App& app, CommandContext& context);
void AddServeCommand(CLI::App& app, CommandContext& context);

}  // namespace segcast::cli
