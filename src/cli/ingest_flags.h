// Flags shared by the subcommands that read a transaction log (profile, rfm, panel): the input,
// its schema and joins, the rejects file, threads, --json; and the helpers that run Ingest() with
// a progress bar and write the rejects file and the JSON summary.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "segcast/ingest.h"
#include "segcast/output_paths.h"
#include "segcast/rfm.h"

namespace segcast::cli {

struct IngestFlags {
  std::string file;
  std::string schema = "auto";
  std::string columns;
  std::string demographics;
  std::string addresses;
  std::string join_key = "customer_id";
  std::string rejects;
  std::string duplicates = "auto";
  bool net_cancellations = false;
  bool normalise_customer_ids = false;
  std::string date_order = "auto";
  std::string latest_date;
  int threads = 0;
  bool json = false;
};

//! Adds FILE and the ingest flags to a subcommand.
void AddIngestFlags(CLI::App& command, IngestFlags& flags);

//! Refuses, before anything is read or written, outputs that are (or link to) an input: the
//! ingest's inputs (FILE, --demographics, --addresses) and `more_inputs`, against --rejects and
//! each of `file_names` in the folder `output_dir` (flag -o; skipped when empty). Throws
//! InvalidArgument naming both paths (RefuseOutputsOverInputs).
void RefuseOverwrites(const IngestFlags& flags, std::vector<NamedPath> more_inputs,
                      const std::string& output_dir, const std::vector<std::string>& file_names);

//! Runs Ingest() with a progress bar on stderr when it is a terminal, and writes --rejects.
IngestResult RunIngest(const IngestFlags& flags);

//! Parses --as-of (YYYY-MM-DD); nullopt for "". Throws InvalidArgument naming --as-of.
std::optional<Day> ParseAsOfFlag(const std::string& text);

//! Adds --date-order and --latest-date (IngestOptions::date_order, latest_day) to a command.
void AddDateFlags(CLI::App& command, std::string& date_order, std::string& latest_date);
//! Parses --date-order; throws InvalidArgument naming it.
DateOrder ParseDateOrderFlag(const std::string& text);
//! Parses --latest-date (YYYY-MM-DD); nullopt for "" (the default). Throws InvalidArgument naming it.
std::optional<Day> ParseLatestDateFlag(const std::string& text);

//! The ingest report as JSON (rows, rejections by reason, customers, dates, countries, joins).
nlohmann::json ReportJson(const IngestReport& report);

//! Throws InputError when no row was accepted: nothing to compute features from.
void RequireAcceptedRows(const IngestReport& report);

//! Writes rfm.csv: customer_id, recency, frequency, monetary, first_purchase, last_purchase,
//! country, then the joined attribute columns.
void WriteRfmCsv(const std::filesystem::path& path, const RfmTable& rfm, const Transactions& table);
//! The text of rfm.csv (as WriteRfmCsv writes it).
std::string RfmCsvText(const RfmTable& rfm, const Transactions& table);

//! A CSV field, quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& text);
//! Shortest text that reads back as the same double.
std::string FormatNumber(double value);
//! Appends FormatNumber(value) to `out` without a temporary string.
void AppendNumber(std::string& out, double value);
//! Appends the decimal digits of `value` (as `std::ostream <<` writes them).
void AppendInteger(std::string& out, int64_t value);
//! Writes `text` as the whole file at `path`; throws NoSpaceError when the disk or quota is full,
//! else InputError naming the file when it cannot. `what` starts the message.
void WriteTextFile(const std::filesystem::path& path, std::string_view text,
                   const std::string& what = "writing");

}  // namespace segcast::cli
