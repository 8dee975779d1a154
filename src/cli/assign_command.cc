// segcast assign: put the customers of a new log into a saved model's segments, without refitting.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/ingest_flags.h"
#include "segcast/assign.h"
#include "segcast/error.h"

namespace segcast::cli {
namespace {

struct AssignFlags {
  IngestFlags ingest;
  std::string model;
  std::string output;
  std::string as_of;
};

void Run(const AssignFlags& flags) {
  // The model may be given as its folder or as model.json: the file is what must survive.
  const std::filesystem::path model_file =
      std::filesystem::is_directory(flags.model) ? std::filesystem::path(flags.model) / kModelFileName
                                                 : std::filesystem::path(flags.model);
  RefuseOverwrites(flags.ingest, {{"--model", model_file.string()}}, flags.output, {"assignments.csv"});
  const SavedModel model = LoadModel(flags.model);
  IngestResult ingest = RunIngest(flags.ingest);
  RequireAcceptedRows(ingest.report);
  AssignOptions options;
  options.as_of = ParseAsOfFlag(flags.as_of);
  options.threads = flags.ingest.threads;
  const AssignResult result = AssignWithModel(model, ingest.transactions, options);

  std::filesystem::create_directories(flags.output);
  const std::filesystem::path path = std::filesystem::path(flags.output) / "assignments.csv";
  std::string text = "customer_id,segment,name,distance,runner_up_segment,runner_up_distance\n";
  for (const CustomerAssignment& row : result.rows) {
    ((text += CsvField(row.customer_id)) += ',');
    AppendInteger(text, row.segment_id);
    ((text += ',') += CsvField(row.name)) += ',';
    text += FormatNumber(row.distance);
    text += ',';
    AppendInteger(text, row.runner_up_segment);
    text += ',';
    if (row.runner_up_segment >= 0) text += FormatNumber(row.runner_up_distance);
    text += '\n';
  }
  WriteTextFile(path, text, "writing the assignments");

  std::cerr << ingest.report.BriefReport();
  std::cerr << "assign: " << result.rows.size() << " customers as of " << FormatDay(result.as_of)
            << " assigned with model " << (model.run_id.empty() ? flags.model : model.run_id)
            << " -> " << path.string() << "\n";
  for (size_t cluster = 0; cluster < model.centroids.size(); ++cluster) {
    std::cerr << "  segment " << model.centroids[cluster].segment_id << " "
              << model.centroids[cluster].name << ": " << result.segment_counts[cluster] << "\n";
  }
  if (flags.ingest.json) {
    nlohmann::json counts = nlohmann::json::array();
    for (size_t cluster = 0; cluster < model.centroids.size(); ++cluster) {
      counts.push_back({{"segment", model.centroids[cluster].segment_id},
                        {"name", model.centroids[cluster].name},
                        {"customers", result.segment_counts[cluster]}});
    }
    std::cout << nlohmann::json{{"model", flags.model},
                                {"as_of", FormatDay(result.as_of)},
                                {"customers", result.rows.size()},
                                {"segments", counts},
                                {"output", path.string()}}
                     .dump(2)
              << "\n";
  }
}

}  // namespace

void AddAssignCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<AssignFlags>();
  CLI::App* command = app.add_subcommand(
      "assign", "Assign the customers of a transaction log to a saved model's segments");
  AddIngestFlags(*command, flags->ingest);
  command->add_option("-m,--model", flags->model, "Model folder (OUT/models/<run id>) or model.json")
      ->required();
  command->add_option("-o,--output", flags->output, "Output directory for assignments.csv")
      ->required();
  command->add_option("--as-of", flags->as_of, "Reference date YYYY-MM-DD (default: day after the last purchase)");
  command->callback([flags, &context] {
    Run(*flags);
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
