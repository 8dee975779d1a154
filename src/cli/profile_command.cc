// segcast profile FILE: reads a log and reports rows, customers, dates, rejections, countries.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/ingest_flags.h"

namespace segcast::cli {

void AddProfileCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<IngestFlags>();
  auto top = std::make_shared<int>(10);
  CLI::App* command = app.add_subcommand(
      "profile", "Profile a transaction log: rows read, accepted and rejected by reason, customers, "
                 "date range, top countries");
  AddIngestFlags(*command, *flags);
  command->add_option("--top", *top, "Countries to list")->capture_default_str();
  command->callback([flags, top, &context] {
    IngestResult result = RunIngest(*flags);
    const IngestReport& report = result.report;
    std::cerr << report.BriefReport();
    int shown = 0;
    for (const auto& [country, rows] : report.countries) {
      if (shown++ == *top) break;
      std::cerr << "  " << country << ": " << rows << " rows\n";
    }
    if (flags->json) std::cout << ReportJson(report).dump(2) << "\n";
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
