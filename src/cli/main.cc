// segcast command-line tool: parses flags, runs one subcommand, and turns any error into one clear
// line on stderr and the documented exit code (docs/errors.md).
#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "cli/wait_policy.h"
#include "segcast/error.h"

int main(int argc, char** argv) {
  segcast::cli::RestartWithPassiveWaiting(argc, argv);  // first: libgomp reads it at start-up
  CLI::App app{"segcast: customer trajectories, segments and segment revenue forecasts"};
  app.set_version_flag("--version", std::string("segcast ") + SEGCAST_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

  segcast::cli::CommandContext context;
  // Subcommands register here, in pipeline order.
  segcast::cli::AddProfileCommand(app, context);
  segcast::cli::AddRfmCommand(app, context);
  segcast::cli::AddPanelCommand(app, context);
  segcast::cli::AddSegmentCommand(app, context);
  segcast::cli::AddSimilarCommand(app, context);
  segcast::cli::AddForecastCommand(app, context);
  segcast::cli::AddBacktestCommand(app, context);
  segcast::cli::AddRunCommand(app, context);
  segcast::cli::AddOptionsCommand(app, context);
  segcast::cli::AddAssignCommand(app, context);
  segcast::cli::AddServeCommand(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return 2;  // usage error, as documented
  } catch (const segcast::Error& error) {
    std::cerr << "segcast: error: " << error.what() << "\n";
    return segcast::ExitCodeFor(error);
  } catch (const std::exception& error) {
    std::cerr << "segcast: error: " << error.what() << "\n";
    return 1;
  }
  return context.exit_code;
}
