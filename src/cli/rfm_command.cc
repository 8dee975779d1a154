// segcast rfm FILE -o DIR: the static RFM table (rfm.csv), one row per customer.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/ingest_flags.h"
#include "cli/rfm_clustering.h"
#include "segcast/error.h"
#include "segcast/rfm.h"

namespace segcast::cli {
namespace {

struct RfmFlags {
  IngestFlags ingest;
  std::string output;
  std::string as_of;
  RfmClusteringFlags clustering;
};

}  // namespace

void AddRfmCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<RfmFlags>();
  CLI::App* command =
      app.add_subcommand("rfm", "Static RFM per customer (recency, frequency, monetary) into DIR/rfm.csv");
  AddIngestFlags(*command, flags->ingest);
  command->add_option("-o,--output", flags->output, "Output directory")->required();
  command->add_option("--as-of", flags->as_of, "Reference date YYYY-MM-DD (default: day after the last purchase)");
  AddRfmClusteringFlags(*command, flags->clustering);
  command->callback([flags, &context] {
    RfmOptions options;
    options.as_of = ParseAsOfFlag(flags->as_of);
    RefuseOverwrites(flags->ingest, {}, flags->output,
                     {"rfm.csv", "rfm_segments.csv", "rfm_centers.csv", "rfm_k_selection.csv"});
    IngestResult result = RunIngest(flags->ingest);
    RequireAcceptedRows(result.report);
    RfmTable rfm = ComputeRfm(result.transactions, options);
    std::filesystem::create_directories(flags->output);
    std::filesystem::path path = std::filesystem::path(flags->output) / "rfm.csv";
    WriteRfmCsv(path, rfm, result.transactions);
    std::cerr << result.report.BriefReport() << "rfm: " << rfm.size() << " customers as of "
              << FormatDay(rfm.as_of) << " -> " << path.string() << "\n";
    const nlohmann::json clustering = RunRfmClustering(flags->clustering, rfm, flags->output);
    if (flags->ingest.json) {
      nlohmann::json json = ReportJson(result.report);
      if (!clustering.is_null()) json["clustering"] = clustering;
      json["as_of"] = FormatDay(rfm.as_of);
      json["rfm_customers"] = rfm.size();
      json["output"] = path.string();
      std::cout << json.dump(2) << "\n";
    }
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
