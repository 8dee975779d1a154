// segcast panel FILE -o DIR: the monthly LRFM panel (lrfm.csv: customer_id, month, L, R, F, M).
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/ingest_flags.h"
#include "internal/huge_pages.h"
#include "internal/parallel.h"
#include "segcast/error.h"
#include "segcast/panel.h"
#include "segcast/rfm.h"

namespace segcast::cli {
namespace {

struct PanelFlags {
  IngestFlags ingest;
  std::string output;
  std::string as_of;
  int window = 0;
  std::string pre_acquisition = "absent";
  bool rfm = false;
};

// lrfm.csv in one buffer: formatting through ostream cost as much as building the panel.
std::string LrfmCsvText(const LrfmPanel& panel) {
  std::vector<std::string> months(panel.month_count);
  for (int month = 0; month < panel.month_count; ++month) months[month] = FormatMonth(panel.first_month + month);
  std::string text = "customer_id,month,L,R,F,M\n";
  internal::ReserveHuge(text, text.size() + panel.values.size() / kLrfmFeatures * 48);
  for (int customer = 0; customer < panel.customer_count(); ++customer) {
    const std::string id = CsvField(panel.customer_ids[customer]);
    for (int month = panel.start[customer]; month < panel.month_count; ++month) {
      text += id;
      text += ',';
      text += months[month];
      for (int feature : {kLength, kRecency, kFrequency, kMonetary}) {
        text += ',';
        AppendNumber(text, panel.At(customer, month, feature));
      }
      text += '\n';
    }
  }
  return text;
}

}  // namespace

void AddPanelCommand(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<PanelFlags>();
  CLI::App* command = app.add_subcommand(
      "panel", "Monthly LRFM panel (length, recency, frequency, monetary) into DIR/lrfm.csv");
  AddIngestFlags(*command, flags->ingest);
  command->add_option("-o,--output", flags->output, "Output directory")->required();
  command->add_option("--as-of", flags->as_of, "Reference date YYYY-MM-DD (default: day after the last purchase)");
  command->add_option("--window", flags->window, "Keep the last N months; 0 keeps all")->capture_default_str();
  command->add_option("--pre-acquisition", flags->pre_acquisition,
                      "Months before a customer's first purchase: absent (variable-length series) or zero")
      ->check(CLI::IsMember({"absent", "zero"}))
      ->capture_default_str();
  command->add_flag("--rfm", flags->rfm, "Also write DIR/rfm.csv (as `segcast rfm`), from the same read");
  command->callback([flags, &context] {
    PanelOptions options;
    options.as_of = ParseAsOfFlag(flags->as_of);
    options.window = flags->window;
    options.pre_acquisition = flags->pre_acquisition == "zero" ? PreAcquisition::kZero : PreAcquisition::kAbsent;
    options.Validate();
    RefuseOverwrites(flags->ingest, {}, flags->output, {"lrfm.csv", "rfm.csv"});
    IngestResult result = RunIngest(flags->ingest);
    RequireAcceptedRows(result.report);
    // Both texts are built before either file is written, so a failure leaves no partial output.
    // The RFM is built beside the panel on OpenMP's pool, whose worker is still spinning after
    // ingest (on a std::thread it competed with that worker and gained nothing).
    LrfmPanel panel;
    std::string lrfm_text;
    std::string rfm_csv;
    internal::RunConcurrently(
        internal::ResolveThreads(flags->ingest.threads),
        [&] {
          panel = BuildPanel(result.transactions, options);
          lrfm_text = LrfmCsvText(panel);
        },
        [&] {
          if (!flags->rfm) return;
          RfmOptions rfm_options;
          rfm_options.as_of = options.as_of;
          rfm_csv = RfmCsvText(ComputeRfm(result.transactions, rfm_options), result.transactions);
        });
    std::filesystem::create_directories(flags->output);
    std::filesystem::path path = std::filesystem::path(flags->output) / "lrfm.csv";
    WriteTextFile(path, lrfm_text);
    if (flags->rfm) WriteTextFile(std::filesystem::path(flags->output) / "rfm.csv", rfm_csv);
    std::cerr << result.report.BriefReport() << "panel: " << panel.customer_count() << " customers x "
              << panel.month_count << " months (" << FormatMonth(panel.first_month) << " .. "
              << FormatMonth(panel.first_month + panel.month_count - 1) << "), as of " << FormatDay(panel.as_of)
              << " -> " << path.string() << "\n";
    if (flags->ingest.json) {
      nlohmann::json json = ReportJson(result.report);
      json["as_of"] = FormatDay(panel.as_of);
      json["panel_customers"] = panel.customer_count();
      json["panel_months"] = panel.month_count;
      json["first_month"] = FormatMonth(panel.first_month);
      json["output"] = path.string();
      std::cout << json.dump(2) << "\n";
    }
    context.exit_code = 0;
  });
}

}  // namespace segcast::cli
