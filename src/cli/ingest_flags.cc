#include "cli/ingest_flags.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <unordered_map>

#include "internal/huge_pages.h"
#include "segcast/rfm.h"

#include "segcast/error.h"

namespace segcast::cli {
namespace {

void WriteRejects(const std::string& path, const std::vector<RejectedRow>& rejects) {
  std::string text = "line,reason,field,record\n";
  for (const RejectedRow& row : rejects) {
    AppendInteger(text, row.line);
    ((text += ',') += RejectReasonName(row.reason)) += ',';
    ((text += CsvField(row.field)) += ',') += CsvField(row.record);
    text += '\n';
  }
  WriteTextFile(path, text, "writing the rejects file");
}

// "\r[#####     ]  42%  19.8 of 47.1 MB" on a terminal, overwritten in place.
void ShowProgress(int64_t done, int64_t total) {
  if (total <= 0) return;
  double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  constexpr int kWidth = 30;
  int filled = static_cast<int>(fraction * kWidth);
  std::fprintf(stderr, "\rreading [%s%s] %3d%%  %.1f of %.1f MB", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), static_cast<int>(fraction * 100),
               static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6);
  std::fflush(stderr);
}

}  // namespace

void AddIngestFlags(CLI::App& command, IngestFlags& flags) {
  command.add_option("FILE", flags.file, "Transaction log: CSV or gzip CSV")->required();
  command.add_option("--schema", flags.schema, "Column preset: " + PresetNames())->capture_default_str();
  command.add_option("--columns", flags.columns,
                     "Column mapping for --schema generic, e.g. customer=client,date=day,amount=total "
                     "(roles: customer date invoice quantity price amount status country cancel_prefix "
                     "accepted_status)");
  command.add_option("--demographics", flags.demographics,
                     "Per-customer table left-joined on --join-key (e.g. KPMG CustomerDemographic)");
  command.add_option("--addresses", flags.addresses,
                     "Second per-customer table left-joined on --join-key (e.g. KPMG CustomerAddress)");
  command.add_option("--join-key", flags.join_key, "Customer id column of the joined tables")->capture_default_str();
  command.add_option("--rejects", flags.rejects, "Write every rejected row (line, reason, field, record) here");
  command.add_option("--duplicates", flags.duplicates,
                     "Exact duplicate rows: drop, keep, or auto (drop when the log has an invoice column, "
                     "keep when it has none)")
      ->capture_default_str();
  command.add_flag("--net-cancellations", flags.net_cancellations,
                   "Take cancellation invoices' units off the earlier purchases of the same customer and "
                   "product (rows left with none: cancelled_by_later_invoice)");
  command.add_flag("--normalise-customer-ids", flags.normalise_customer_ids,
                   "Read numeric customer ids as integers: 017850, 17850.0 and 17850 are one customer");
  AddDateFlags(command, flags.date_order, flags.latest_date);
  command.add_option("--threads", flags.threads, "Parser threads; 0 = every core")->capture_default_str();
  command.add_flag("--json", flags.json, "Print a machine-readable summary on stdout");
}

void RefuseOverwrites(const IngestFlags& flags, std::vector<NamedPath> more_inputs,
                      const std::string& output_dir, const std::vector<std::string>& file_names) {
  std::vector<NamedPath> inputs = {
      {"FILE", flags.file}, {"--demographics", flags.demographics}, {"--addresses", flags.addresses}};
  inputs.insert(inputs.end(), more_inputs.begin(), more_inputs.end());
  PlannedOutputs outputs;
  outputs.files.push_back({"--rejects", flags.rejects});
  if (!output_dir.empty()) {
    for (const std::string& name : file_names) {
      outputs.files.push_back({"-o", (std::filesystem::path(output_dir) / name).string()});
    }
  }
  RefuseOutputsOverInputs(inputs, outputs);
}

void AddDateFlags(CLI::App& command, std::string& date_order, std::string& latest_date) {
  command
      .add_option(
          "--date-order", date_order,
          "Slash dates: auto (decided from the file: a first field above 12 means day first), "
          "dmy (01/12/2010 = 1 December), mdy (12/1/2010 = 1 December) or ymd (2010/12/01)")
      ->capture_default_str();
  command.add_option("--latest-date", latest_date,
                     "Rows dated after this day (YYYY-MM-DD) are rejected as future_date (default: "
                     "tomorrow, UTC)");
}

DateOrder ParseDateOrderFlag(const std::string& text) {
  const std::optional<DateOrder> order = ParseDateOrder(text);
  if (!order) {
    throw InvalidArgument("unknown date order '" + text + "'",
                          {.field = "--date-order", .expected = "auto, dmy, mdy or ymd"});
  }
  return *order;
}

std::optional<Day> ParseLatestDateFlag(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const std::optional<Day> day = ParseIsoDay(text);
  if (!day)
    throw InvalidArgument("'" + text + "' is not a date",
                          {.field = "--latest-date", .expected = "YYYY-MM-DD"});
  return day;
}

IngestResult RunIngest(const IngestFlags& flags) {
  // Every command checks its own outputs first; this keeps --rejects safe for any new caller.
  RefuseOverwrites(flags, {}, "", {});
  IngestOptions options;
  options.path = flags.file;
  std::optional<SchemaPreset> preset = ParsePresetName(flags.schema);
  if (!preset) {
    throw InvalidArgument("unknown schema '" + flags.schema + "'", {.field = "--schema", .expected = PresetNames()});
  }
  options.schema = *preset;
  if (!flags.columns.empty()) {
    if (options.schema == SchemaPreset::kAuto) options.schema = SchemaPreset::kGeneric;
    if (options.schema != SchemaPreset::kGeneric) {
      throw InvalidArgument("--columns goes with --schema generic", {.field = "--columns"});
    }
    options.mapping = ParseColumnMapping(flags.columns);
  } else if (options.schema == SchemaPreset::kGeneric) {
    throw InvalidArgument("--schema generic needs --columns", {.field = "--columns", .expected = "role=Column,..."});
  }
  options.demographics_path = flags.demographics;
  options.addresses_path = flags.addresses;
  options.join_key = flags.join_key;
  std::optional<DuplicateRule> duplicates = ParseDuplicateRule(flags.duplicates);
  if (!duplicates) {
    throw InvalidArgument("unknown duplicate rule '" + flags.duplicates + "'",
                          {.field = "--duplicates", .expected = "auto, drop or keep"});
  }
  options.duplicates = *duplicates;
  options.net_cancellations = flags.net_cancellations;
  options.normalise_customer_ids = flags.normalise_customer_ids;
  options.threads = flags.threads;
  options.date_order = ParseDateOrderFlag(flags.date_order);
  options.latest_day = ParseLatestDateFlag(flags.latest_date);
  options.collect_rejects = !flags.rejects.empty();
  bool terminal = isatty(STDERR_FILENO) == 1;
  if (terminal) options.progress = ShowProgress;
  IngestResult result = Ingest(options);
  if (terminal) std::fprintf(stderr, "\r%*s\r", 80, "");
  if (!flags.rejects.empty()) WriteRejects(flags.rejects, result.rejects);
  return result;
}

std::optional<Day> ParseAsOfFlag(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::optional<Day> day = ParseIsoDay(text);
  if (!day) {
    throw InvalidArgument("'" + text + "' is not a date", {.field = "--as-of", .expected = "YYYY-MM-DD"});
  }
  return day;
}

nlohmann::json ReportJson(const IngestReport& report) {
  return nlohmann::json::parse(report.ToJson());
}

void RequireAcceptedRows(const IngestReport& report) {
  if (report.rows_accepted > 0) return;
  throw InputError("no row was accepted (" + std::to_string(report.rows_read) +
                       " read, all rejected: see --rejects)",
                   {.file = report.file, .expected = "at least one clean transaction"});
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void WriteRfmCsv(const std::filesystem::path& path, const RfmTable& rfm, const Transactions& table) {
  WriteTextFile(path, RfmCsvText(rfm, table));
}

std::string RfmCsvText(const RfmTable& rfm, const Transactions& table) {
  // One buffer, written once: per-field ostream insertion cost more than computing the RFM.
  std::string text = "customer_id,recency,frequency,monetary,first_purchase,last_purchase,country";
  for (const std::string& column : table.attributes.columns) (text += ',') += CsvField(column);
  text += '\n';
  internal::ReserveHuge(text, text.size() + rfm.size() * 64);
  // Customers share few distinct purchase days; Boost's calendar conversion per field was a
  // quarter of the writing time.
  std::unordered_map<Day, std::string> day_text;
  auto append_day = [&](Day day) {
    auto [found, inserted] = day_text.try_emplace(day);
    if (inserted) found->second = FormatDay(day);
    text += found->second;
  };
  for (size_t row = 0; row < rfm.size(); ++row) {
    text += CsvField(rfm.customer_ids[row]);
    text += ',';
    AppendInteger(text, rfm.recency[row]);
    text += ',';
    AppendInteger(text, rfm.frequency[row]);
    text += ',';
    AppendNumber(text, rfm.monetary[row]);
    text += ',';
    append_day(rfm.first_purchase[row]);
    text += ',';
    append_day(rfm.last_purchase[row]);
    text += ',';
    text += CsvField(rfm.country[row]);
    if (!table.attributes.columns.empty()) {
      for (const std::string& value : table.attributes.values[rfm.customer_index[row]]) {
        (text += ',') += CsvField(value);
      }
    }
    text += '\n';
  }
  return text;
}

void AppendNumber(std::string& out, double value) {
  // Day counts and invoice counts are whole numbers: below 100000 the shortest form of an
  // integral double is its integer digits (from 100000 on, "1e+05" can be shorter), so take
  // the integer path, which is several times cheaper. -0 keeps its sign through to_chars.
  const bool negative_zero = value == 0.0 && std::signbit(value);
  if (value > -100000.0 && value < 100000.0 && !negative_zero) {
    const auto whole = static_cast<int32_t>(value);
    if (static_cast<double>(whole) == value) {
      AppendInteger(out, whole);
      return;
    }
  }
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void AppendInteger(std::string& out, int64_t value) {
  char buffer[24];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void WriteTextFile(const std::filesystem::path& path, std::string_view text, const std::string& what) {
  // errno after a failed open or write tells a full disk (NoSpaceError) from a bad path.
  errno = 0;
  std::ofstream out(path, std::ios::binary);
  if (!out) ThrowWriteFailure(what, path.string(), errno);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) ThrowWriteFailure(what, path.string(), errno);
}

std::string FormatNumber(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

}  // namespace segcast::cli
