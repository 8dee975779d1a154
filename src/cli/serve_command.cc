// segcast serve: the local web dashboard over the runs of an output directory (dashboard.h,
// dashboard_server.h). Prints one "listening on" line on stdout when ready, one log line per
// request on stderr, and stops cleanly on Ctrl-C / SIGTERM.
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include <pthread.h>

#include "cli/commands.h"
#include "segcast/error.h"
#ifdef SEGCAST_HAVE_WEB
#include "segcast/dashboard_server.h"
#include "segcast/store.h"
#endif

namespace segcast::cli {
namespace {

struct ServeFlags {
  std::string output_dir;
  std::string host = "127.0.0.1";
  int port = 8765;
  std::string assets;
  int threads = 0;
  std::string db;
};

#ifdef SEGCAST_HAVE_WEB
void Run(const ServeFlags& flags) {
  DashboardOptions dashboard_options;
  dashboard_options.output_dir = flags.output_dir;
  dashboard_options.store = flags.db;
  dashboard_options.threads = flags.threads;
  const Dashboard dashboard(dashboard_options);

  std::mutex log_mutex;
  ServerOptions options;
  options.host = flags.host;
  options.port = flags.port;
  options.assets_dir = flags.assets.empty() ? SEGCAST_WEB_ASSETS_DIR : flags.assets;
  options.log = [&log_mutex](const std::string& line) {
    std::lock_guard lock(log_mutex);
    std::cerr << "segcast serve: " << line << "\n";
  };
  if (!IsLoopbackHost(flags.host)) {
    std::cerr << "segcast serve: warning: listening on " << flags.host
              << ", not loopback: anyone who can reach this address can read the dashboard "
                 "(customer ids and revenue); there is no authentication\n";
  }
  // Ctrl-C and SIGTERM are taken by a thread of their own (sigwait), so the server stops cleanly
  // and the HTTP worker threads, created after the mask, never see them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  DashboardServer server(dashboard, options);
  const int port = server.Bind();
  std::thread stopper([&server, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    server.Stop();
  });
  const bool ipv6 = flags.host.find(':') != std::string::npos;
  std::cout << "segcast serve: listening on http://" << (ipv6 ? "[" + flags.host + "]" : flags.host) << ":"
            << port << "/" << std::endl;
  if (!flags.db.empty()) {
    std::cerr << "segcast serve: runs from " << RedactConnectionString(flags.db)
              << (flags.output_dir.empty() ? "" : " too (a run with a folder is read from its folder)") << "\n";
  }
  server.Serve();
  // Serve() only returns after Stop(): the stopper has received its signal.
  stopper.join();
}
#endif

}  // namespace

void AddServeCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* command =
      app.add_subcommand("serve", "Local web dashboard of the runs in an output directory and/or a store");
  command->add_option("OUT", flags->output_dir,
                      "Output directory of `segcast run` (holds runs/, latest); optional with --db");
  command->add_option("--host", flags->host, "Address to bind (default 127.0.0.1; others are reachable from the network)");
  command->add_option("--port", flags->port, "TCP port (default 8765; 0 = any free port)");
  command->add_option("--assets", flags->assets, "Folder with the front end (default: BUILD/web of this build)");
  command->add_option("--threads", flags->threads, "Threads of one re-clustering (0 = all cores)");
  command->add_option("--db", flags->db,
                      "Store to serve runs from (alone, or as well as OUT): sqlite:PATH or postgresql://...");
  command->callback([flags, &context] {
    if (flags->output_dir.empty() && flags->db.empty()) {
      throw ConfigError("give the output directory of `segcast run` (OUT), a store (--db), or both");
    }
#ifdef SEGCAST_HAVE_WEB
    Run(*flags);
    context.exit_code = 0;
#else
    (void)context;
    throw ConfigError("this segcast was built without cpp-httplib (Debian libcpp-httplib-dev): no dashboard");
#endif
  });
}

}  // namespace segcast::cli
