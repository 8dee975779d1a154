#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>

#include "segcast/error.h"
#include "segcast/ingest.h"
#include "internal/text_output.h"


namespace segcast {
namespace {

using internal::WithThousands;

// 168469.6 -> "168,469.60": money as people read it in a report.
std::string Money(double value) {
  char digits[64];
  std::snprintf(digits, sizeof digits, "%.2f", std::fabs(value));
  const std::string_view text(digits);
  const size_t point = text.find('.');
  return internal::GroupThousands(text.substr(0, point), value < 0) + std::string(text.substr(point));
}

// The cancellations' lines of BriefReport: what netting removed, or what is left in revenue.
std::string CancellationLines(const IngestReport::Cancellations& cancellations) {
  if (cancellations.rows == 0) return {};
  std::string text = cancellations.netted ? "cancellations netted: " : "cancellations left in revenue: ";
  text += WithThousands(cancellations.rows) + " cancellation rows match earlier purchases of " +
          Money(cancellations.revenue) +
          (cancellations.netted ? " (removed from revenue)\n" : " (not netted: see --net-cancellations)\n");
  for (const CancelledAmount& amount : cancellations.largest) {
    text += "  " + amount.invoice + " (line " + std::to_string(amount.line) + ") customer " + amount.customer +
            ": " + internal::FormatNumber(amount.quantity) + " units of invoice " + amount.original_invoice + ", " +
            Money(amount.revenue) + "\n";
  }
  return text;
}


}  // namespace

void IngestOptions::Validate() const {
  if (path.empty()) {
    throw InvalidArgument("no input file given", {.field = "path", .expected = "a CSV or CSV.gz file"});
  }
  if (threads < 0) {
    throw InvalidArgument("threads must not be negative",
                          {.field = "threads", .expected = "0 (every core) or a positive count"});
  }
  if (block_bytes < 4096) {
    throw InvalidArgument("block_bytes must be at least 4096", {.field = "block_bytes", .expected = ">= 4096"});
  }
  if (join_key.empty() && (!demographics_path.empty() || !addresses_path.empty())) {
    throw InvalidArgument("joined tables need a key column", {.field = "join_key", .expected = "a column name"});
  }
  if (latest_day &&
      (*latest_day < DayFromCivil(1400, 1, 1) || *latest_day > DayFromCivil(9998, 12, 31))) {
    const bool printable =
        *latest_day >= DayFromCivil(1400, 1, 1) && *latest_day <= DayFromCivil(9999, 12, 31);
    throw InvalidArgument(
        "latest_day " + (printable ? FormatDay(*latest_day) : std::to_string(*latest_day)) +
            " is out of range",
        {.field = "latest_day", .expected = "a date between 1400-01-01 and 9998-12-31"});
  }
  if (schema == SchemaPreset::kGeneric) mapping.Validate();
}

int64_t IngestReport::rejected_total() const {
  return std::accumulate(rejected.begin(), rejected.end(), int64_t{0});
}

std::string IngestReport::DatesNote() const {
  std::string text;
  const int64_t future = rejected[static_cast<int>(RejectReason::kFutureDate)];
  if (future > 0) {
    text += "warning: " + WithThousands(future) + (future == 1 ? " row is" : " rows are") +
            " dated after " + FormatDay(dates.latest_day) + " (the first at line " +
            std::to_string(dates.first_future_line) +
            "), rejected as future_date: a mistyped year? The rejects file lists them\n";
  }
  const std::string words = dates.order == "dmy"   ? "day first (dmy)"
                            : dates.order == "mdy" ? "month first (mdy)"
                                                   : "year first (ymd)";
  auto rows = [](int64_t count, const char* one, const char* many) {
    return WithThousands(count) + (count == 1 ? one : many);
  };
  if (dates.source == "given" && dates.slash_rows > 0) {
    text += "dates: slash dates read " + words + ", as given";
    const int64_t other = dates.order == "dmy"   ? dates.month_first_only
                          : dates.order == "mdy" ? dates.day_first_only
                                                 : 0;
    if (other > 0) {
      text += std::string("; ") +
              rows(other, " row that is a real date", " rows that are real dates") + " only " +
              (dates.order == "dmy" ? "month first" : "day first") +
              (other == 1 ? " was" : " were") + " rejected as unparseable_date";
    }
    text += "\n";
  } else if (dates.source == "detected") {
    text += "dates: slash dates read " + words;
    if (dates.order == "dmy") {
      text += ": " + rows(dates.day_first_only, " row has", " rows have") + " a first field above 12";
    } else if (dates.order == "mdy") {
      text += ": " + rows(dates.month_first_only, " row has", " rows have") +
              " a second field above 12";
    }
    text += "\n";
  } else if (dates.source == "ambiguous") {
    text += "dates: slash dates ambiguous (no field above 12 in " +
            rows(dates.slash_rows, " row", " rows") +
            "), read month first (mdy); --date-order dmy if they are day first\n";
  }
  return text;
}

std::string IngestReport::BriefReport() const {
  std::string text;
  text += file + " (" + schema + (gzip ? ", gzip" : "") + "): " + WithThousands(rows_read) +
          " rows read, " + WithThousands(rows_accepted) + " accepted, " +
          WithThousands(rejected_total()) + " rejected\n";
  for (int reason = 0; reason < kRejectReasonCount; ++reason) {
    if (rejected[reason] == 0) continue;
    char line[96];
    std::snprintf(line, sizeof line, "  %-22s %12s\n",
                  std::string(RejectReasonName(static_cast<RejectReason>(reason))).c_str(),
                  WithThousands(rejected[reason]).c_str());
    text += line;
  }
  text += CancellationLines(cancellations);
  text += DatesNote();
  text += WithThousands(customers) + " customers, " + WithThousands(invoices) + " invoices";
  if (rows_accepted > 0) text += ", " + FormatDay(first_day) + " .. " + FormatDay(last_day);
  text += "\n";
  for (const Join& join : joins) {
    text += "joined " + join.file + ": " + WithThousands(join.rows) + " rows, " +
            WithThousands(join.matched_customers) + " of " + WithThousands(customers) +
            " customers matched\n";
  }
  return text;
}

std::string IngestReport::ToJson(bool with_timing) const {
  nlohmann::json reasons = nlohmann::json::object();
  for (int reason = 0; reason < kRejectReasonCount; ++reason) {
    reasons[std::string(RejectReasonName(static_cast<RejectReason>(reason)))] = rejected[reason];
  }
  nlohmann::json country_rows = nlohmann::json::array();
  for (const auto& [name, rows] : countries) country_rows.push_back({{"country", name}, {"rows", rows}});
  nlohmann::json join_rows = nlohmann::json::array();
  for (const Join& join : joins) {
    join_rows.push_back({{"file", join.file}, {"rows", join.rows}, {"matched_customers", join.matched_customers}});
  }
  nlohmann::json largest = nlohmann::json::array();
  for (const CancelledAmount& amount : cancellations.largest) {
    largest.push_back({{"line", amount.line},
                       {"invoice", amount.invoice},
                       {"customer", amount.customer},
                       {"original_invoice", amount.original_invoice},
                       {"quantity", amount.quantity},
                       {"revenue", amount.revenue}});
  }
  nlohmann::json json = {
      {"file", file},
      {"schema", schema},
      {"gzip", gzip},
      {"file_bytes", file_bytes},
      {"text_bytes", text_bytes},
      {"rows_read", rows_read},
      {"rows_accepted", rows_accepted},
      {"rows_rejected", rejected_total()},
      {"rejected", reasons},
      {"customers", customers},
      {"invoices", invoices},
      {"countries", country_rows},
      {"joins", join_rows},
      {"duplicates", duplicates},
      {"cancellations", {{"netted", cancellations.netted},
                         {"rows", cancellations.rows},
                         {"quantity", cancellations.quantity},
                         {"revenue", cancellations.revenue},
                         {"largest", largest}}},
  };
  if (rows_accepted > 0) {
    json["first_day"] = FormatDay(first_day);
    json["last_day"] = FormatDay(last_day);
  }
  json["date_order"] = dates.order;
  json["date_order_source"] = dates.source;
  json["slash_dates"] = dates.slash_rows;
  json["day_first_only"] = dates.day_first_only;
  json["month_first_only"] = dates.month_first_only;
  // The limit moves with the clock when not given: shown when it rejected something.
  if (rejected[static_cast<int>(RejectReason::kFutureDate)] > 0) {
    json["latest_day"] = FormatDay(dates.latest_day);
    json["first_future_line"] = dates.first_future_line;
  }
  if (with_timing) {
    json["threads"] = threads;
    json["seconds"] = seconds;
  }
  return json.dump();
}

}  // namespace segcast
