// Fuzz target: the transaction-log reader (CSV, gzip, every schema) and its row accounting.
//
// Input byte 0 picks the mode, the rest is the file:
//   bits 0-2  schema: 0 auto, 1 online-retail-ii, 2 online-retail, 3 kpmg,
//             4 generic (customer,date,invoice,amount,status,country),
//             5 generic (client,day,order,qty,unit_price,country, cancel prefix "C"), 6-7 auto
//   bit 3     read through the file path (gzip detection, zlib) instead of IngestText
//   bit 4     two parser threads instead of one
//   bit 5     collect rejected rows
//   bit 6     4 KiB parse blocks (block boundaries inside small inputs) instead of 64 KiB
// Errors the library documents (segcast::Error) are expected; anything else escaping, or a broken
// row accounting, is a finding.
#include <cmath>
#include <cstdint>

#include "fuzz_support.h"
#include "segcast/error.h"
#include "segcast/ingest.h"

namespace {

segcast::IngestOptions OptionsFor(uint8_t selector) {
  segcast::IngestOptions options;
  options.path = "fuzz.csv";
  switch (selector & 7) {
    case 1: options.schema = segcast::SchemaPreset::kOnlineRetailII; break;
    case 2: options.schema = segcast::SchemaPreset::kOnlineRetail; break;
    case 3: options.schema = segcast::SchemaPreset::kKpmg; break;
    case 4:
      options.schema = segcast::SchemaPreset::kGeneric;
      options.mapping =
          segcast::ParseColumnMapping("customer=customer,date=date,invoice=invoice,amount=amount,status=status,country=country");
      break;
    case 5:
      options.schema = segcast::SchemaPreset::kGeneric;
      options.mapping = segcast::ParseColumnMapping(
          "customer=client,date=day,invoice=order,quantity=qty,price=unit_price,country=country,cancel_prefix=C");
      break;
    default: options.schema = segcast::SchemaPreset::kAuto; break;
  }
  options.threads = (selector & 16) ? 2 : 1;
  options.collect_rejects = (selector & 32) != 0;
  options.block_bytes = (selector & 64) ? 4096 : 65536;
  return options;
}

void CheckAccounting(const segcast::IngestResult& result, bool collect_rejects) {
  const segcast::IngestReport& report = result.report;
  if (report.rows_read != report.rows_accepted + report.rejected_total()) {
    segcast::fuzz::Fail("rows_read != rows_accepted + sum(rejected)");
  }
  const auto accepted = static_cast<size_t>(report.rows_accepted);
  const segcast::Transactions& table = result.transactions;
  if (table.size() != accepted || table.customer.size() != accepted || table.invoice.size() != accepted ||
      table.revenue.size() != accepted || table.line.size() != accepted) {
    segcast::fuzz::Fail("transaction columns do not hold one entry per accepted row");
  }
  if (collect_rejects && static_cast<int64_t>(result.rejects.size()) != report.rejected_total()) {
    segcast::fuzz::Fail("rejects list size != rejected total");
  }
  for (size_t row = 0; row < accepted; ++row) {
    if (table.customer[row] < 0 || static_cast<size_t>(table.customer[row]) >= table.customer_ids.size()) {
      segcast::fuzz::Fail("customer index out of range");
    }
    if (!(table.revenue[row] > 0) || !std::isfinite(table.revenue[row])) {
      segcast::fuzz::Fail("accepted row with non-positive or non-finite revenue");
    }
    // Lines count LF bytes (docs/ingest.md) while a bare CR also ends a record, so two records
    // may share a line; a line number going back is the defect.
    if (row > 0 && table.line[row] < table.line[row - 1]) segcast::fuzz::Fail("accepted rows out of line order");
  }
  if (static_cast<int64_t>(table.customer_ids.size()) != report.customers) {
    segcast::fuzz::Fail("report.customers != distinct customer ids");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static segcast::fuzz::ScratchFile scratch;  // one memory file per process, reused
  const segcast::fuzz::Split input = segcast::fuzz::SplitSelector(data, size);
  segcast::IngestOptions options = OptionsFor(input.selector);
  try {
    segcast::IngestResult result;
    if (input.selector & 8) {
      options.path = scratch.Write(input.data, input.size);
      result = segcast::Ingest(options);
    } else {
      result = segcast::IngestText(segcast::fuzz::AsText(input.data, input.size), options);
    }
    CheckAccounting(result, options.collect_rejects);
  } catch (const segcast::Error&) {
    // A documented refusal (empty file, missing column, truncated gzip, ...).
  }
  return 0;
}
