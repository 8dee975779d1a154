// Ingestion: a CSV or gzip CSV transaction log in, the clean transaction table and a complete row
// accounting out.
//
// Reading: CSV is parsed with libcsv's record semantics (RFC 4180 quoting: fields may hold commas,
// doubled quotes and line breaks; a quote inside an unquoted field is a plain character), no
// trimming of spaces; gzip is detected from the magic bytes, not the file name (zlib, multi-member
// streams allowed). A UTF-8 byte-order mark is skipped; other bytes are kept as they are.
// Blank lines are skipped and are not rows. Reading, decompression and parsing overlap: a reader
// thread delivers record-aligned blocks that are parsed in parallel and merged in input order, so
// the result does not depend on the thread count.
//
// Cleaning: every data row is either accepted or rejected for exactly one reason, the first that
// applies in the order of RejectReason, so rows_read = rows_accepted + sum(rejected) always.
// Rejected rows can be kept (with line and reason) for a rejects file.
//
// Dates: slash dates (01/12/2010) are read in one order for the whole file, decided from all its
// rows unless IngestOptions::date_order gives it; rows dated after IngestOptions::latest_day
// (default: tomorrow) are rejected as future_date. IngestReport::dates says what was decided.
//
//   segcast::IngestOptions options;
//   options.path = "online_retail.csv.gz";   // schema auto-detected from the header
//   options.collect_rejects = true;
//   segcast::IngestResult result = segcast::Ingest(options);
//   std::cerr << result.report.BriefReport();
//   // result.transactions feeds ComputeRfm (rfm.h) and BuildPanel (panel.h).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/schema.h"
#include "segcast/transactions.h"

namespace segcast {

//! Why a row was rejected. A row gets the first reason that applies, in this order.
enum class RejectReason : int {
  kMalformedRow = 0,      //!< "malformed_row": field count differs from the header's
  kMissingCustomer,       //!< "missing_customer": customer id empty or only spaces
  kCancelled,             //!< "cancelled": invoice starts with the cancel prefix, or status is
                          //!< not the accepted one
  kUnparseableNumber,     //!< "unparseable_number": quantity, price or amount is not a finite
                          //!< number, or quantity x price overflows
  kNonPositiveQuantity,   //!< "non_positive_quantity": quantity <= 0
  kNegativePrice,         //!< "negative_price": price or amount < 0 (an adjustment, not a sale)
  kZeroPrice,             //!< "zero_price": price or amount is 0 (or -0): a free item, no revenue
  kUnparseableDate,       //!< "unparseable_date": not a date in a known format, or not a real
                          //!< date (2011-02-30) or time (25:00), or a slash date that is not
                          //!< real in the date order in force (IngestOptions::date_order)
  kFutureDate,            //!< "future_date": dated after IngestOptions::latest_day (a mistyped
                          //!< year such as 2099 or 9011)
  kDuplicate,             //!< "duplicate": every field equal to an earlier accepted row's, when
                          //!< duplicates are dropped (IngestOptions::duplicates)
  kCancelledByLaterInvoice,  //!< "cancelled_by_later_invoice": with net_cancellations, every unit
                             //!< of the row is cancelled by later cancellation invoices
};
inline constexpr int kRejectReasonCount = 11;

//! snake_case name of a reason, as in reports and rejects files.
std::string_view RejectReasonName(RejectReason reason);

//! What happens to a row whose every field equals an earlier accepted row's.
enum class DuplicateRule {
  //! Drop it when the log has an invoice column (an order id repeated with the same line is a
  //! copy); keep it when it has none (identical rows are then repeat purchases).
  kAuto,
  kDrop,  //!< "drop": always rejected as `duplicate`
  kKeep,  //!< "keep": always accepted, as a purchase of its own
};
//! "auto", "drop", "keep".
std::string_view DuplicateRuleName(DuplicateRule rule);
//! Inverse of DuplicateRuleName; nullopt for any other text.
std::optional<DuplicateRule> ParseDuplicateRule(std::string_view name);

//! Order of the fields of a slash date such as 01/12/2010. ISO dates and Excel serials are not
//! affected.
enum class DateOrder {
  //! Decided for the whole file from its dates: day first when some first field is above 12,
  //! month first when some second field is, month first when none is (ambiguous; the report says
  //! so); a file with both is refused (InputError naming a line of each). Year-first slash dates
  //! (2010/12/01) are read as such.
  kAuto,
  kMonthFirst,  //!< "mdy": 12/1/2010 is 1 December 2010 (US; Excel's US export)
  kDayFirst,    //!< "dmy": 01/12/2010 is 1 December 2010 (UK, most of Europe)
  kYearFirst,   //!< "ymd": 2010/12/01
};

//! "auto", "mdy", "dmy" or "ymd".
std::string_view DateOrderName(DateOrder order);
//! The order named by DateOrderName(); nullopt for any other text.
std::optional<DateOrder> ParseDateOrder(std::string_view name);
//! Tomorrow's date by the system clock in UTC: the default IngestOptions::latest_day, so that a
//! log written today in any time zone (up to UTC+14) passes.
Day DefaultLatestDay();

//! Options of Ingest(). Defaults read an Online Retail log with every core.
struct IngestOptions {
  //! Path of the log: CSV, plain or gzip-compressed. Required.
  std::string path;
  //! Column preset; kAuto detects it from the header.
  SchemaPreset schema = SchemaPreset::kAuto;
  //! The columns when schema is kGeneric (ignored otherwise).
  ColumnMapping mapping;
  //! Optional per-customer table (CSV or gzip) left-joined into Transactions::attributes on
  //! `join_key`, e.g. the KPMG CustomerDemographic sheet. "" = none.
  std::string demographics_path;
  //! Optional second per-customer table, e.g. the KPMG CustomerAddress sheet. "" = none.
  std::string addresses_path;
  //! Column of the joined tables that holds the customer id. Default "customer_id".
  std::string join_key = "customer_id";
  //! Exact duplicate rows: dropped, kept, or (kAuto) dropped only when the log has an invoice
  //! column. Default kAuto.
  DuplicateRule duplicates = DuplicateRule::kAuto;
  //! Net cancellations against the purchases they cancel: each row of a cancellation invoice
  //! (invoice starting with the cancel prefix) takes its units off the accepted rows of the same
  //! customer and product (ColumnMapping::product) that come earlier in the file, latest first;
  //! a row left with no units is rejected as `cancelled_by_later_invoice`, a row left with some
  //! keeps them (revenue scaled to match). Needs invoice, product and a cancel prefix; otherwise
  //! nothing is matched. Default false: purchases stay as sold and the report lists the largest
  //! cancelled amounts left in revenue (IngestReport::cancellations).
  bool net_cancellations = false;
  //! Normalise customer ids: an id made of digits, optionally followed by '.' and zeros
  //! ("00017850", "17850.0"), becomes its integer without leading zeros ("17850"); other ids are
  //! kept as they are. Applied to the log and to the joined tables' key column. Surrounding
  //! spaces and tabs are trimmed from every id whatever this says. Default false.
  bool normalise_customer_ids = false;
  //! Keep every rejected row (line, reason, field, raw text) in IngestResult::rejects.
  bool collect_rejects = false;
  //! Parser threads; 0 = every core. The result is the same for any value.
  int threads = 0;
  //! Bytes of input per parse block, >= 4096. Larger blocks mean fewer merges, more memory.
  int64_t block_bytes = int64_t{4} << 20;
  //! Order of day and month in slash dates; rows whose slash date is not real in a given order
  //! are rejected as unparseable_date. IngestReport::dates says what was decided and why.
  DateOrder date_order = DateOrder::kAuto;
  //! The last plausible purchase day: rows dated after it are rejected as future_date, so that one
  //! mistyped year cannot stretch the panel over centuries. nullopt = DefaultLatestDay() at the
  //! call. Must lie in 1400-01-01 .. 9998-12-31 (the calendar's range, less a year of margin for
  //! the months after it).
  std::optional<Day> latest_day;
  //! Called after each merged block, from one thread at a time (not always the caller's), with
  //! (bytes of the file consumed, file size in bytes); the size is 0 when unknown. Optional.
  std::function<void(int64_t, int64_t)> progress;

  //! Throws InvalidArgument naming the field: empty path, threads < 0, block_bytes < 4096,
  //! latest_day out of range, and for kGeneric the mapping's own Validate().
  void Validate() const;
};

//! One rejected row, for a rejects file.
struct RejectedRow {
  int64_t line = 0;         //!< 1-based physical line where the row starts
  RejectReason reason = RejectReason::kMalformedRow;
  std::string field;        //!< header name of the offending column ("" for whole-row reasons)
  std::string record;       //!< the row as it appears in the file, without its line break
};

//! One cancellation row matched against earlier purchases (IngestReport::Cancellations).
struct CancelledAmount {
  int64_t line = 0;              //!< line of the cancellation row
  std::string invoice;           //!< the cancellation invoice, e.g. "C581484"
  std::string customer;          //!< the customer id
  std::string original_invoice;  //!< invoice of the latest purchase row it matched
  double quantity = 0;           //!< units matched (at most the units it cancels)
  double revenue = 0;            //!< revenue of those units, at the purchases' prices
};

//! Row accounting and a profile of the accepted rows.
struct IngestReport {
  std::string file;                 //!< path as given
  std::string schema;               //!< preset name actually used
  std::vector<std::string> header;  //!< header fields as read
  bool gzip = false;                //!< the file was gzip-compressed
  int64_t file_bytes = 0;           //!< size of the file on disk
  int64_t text_bytes = 0;           //!< bytes of CSV text (after decompression)
  int64_t rows_read = 0;            //!< data rows (records after the header; blank lines excluded)
  int64_t rows_accepted = 0;
  std::array<int64_t, kRejectReasonCount> rejected{};  //!< indexed by RejectReason
  int64_t customers = 0;            //!< distinct customers among accepted rows
  int64_t invoices = 0;             //!< distinct invoices among accepted rows
  Day first_day = 0;                //!< earliest accepted purchase (0 when none accepted)
  Day last_day = 0;                 //!< latest accepted purchase (0 when none accepted)
  //! How the dates were read: the slash-date order and its evidence, and the future_date limit.
  struct Dates {
    //! Order of the slash dates: "mdy", "dmy" or "ymd"; "" when no row reaching the date rule has
    //! a slash date and no order was given.
    std::string order;
    //! Why: "given" (IngestOptions::date_order), "detected" (a field above 12 decided it),
    //! "ambiguous" (no field above 12: read month first, the default), "" (no slash date).
    std::string source;
    int64_t slash_rows = 0;        //!< rows reaching the date rule whose date is a slash date
    int64_t day_first_only = 0;    //!< of which only day/month is a real date (first field > 12)
    int64_t month_first_only = 0;  //!< of which only month/day is a real date (second field > 12)
    Day latest_day = 0;            //!< rows dated after this day were rejected as future_date
    int64_t first_future_line = 0;  //!< line of the first future_date row (0 when none)
  };
  Dates dates;
  //! Accepted rows per country, most rows first (ties by name); empty without a country column.
  std::vector<std::pair<std::string, int64_t>> countries;
  //! Per joined table: path, rows read, customers of the log matched.
  struct Join {
    std::string file;
    int64_t rows = 0;
    int64_t matched_customers = 0;
  };
  std::vector<Join> joins;
  //! Duplicate rule applied: "drop" or "keep" (kAuto resolved against the log's columns).
  std::string duplicates;
  //! Cancellation rows (with a customer) matched against earlier purchases of the same customer
  //! and product; filled whether or not they were netted.
  struct Cancellations {
    bool netted = false;      //!< IngestOptions::net_cancellations was on and could be applied
    int64_t rows = 0;         //!< cancellation rows that matched at least one purchase row
    double quantity = 0;      //!< units matched
    double revenue = 0;       //!< revenue of the matched units: still in the table unless netted
    //! The three largest matches by revenue (ties by line), largest first.
    std::vector<CancelledAmount> largest;
  };
  Cancellations cancellations;
  int threads = 0;                  //!< parser threads used
  double seconds = 0;               //!< wall time of Ingest()

  int64_t rejected_total() const;
  //! A few human-readable lines: rows, rejections by reason, customers, date range.
  std::string BriefReport() const;
  //! BriefReport()'s lines on dates, each ending in a line break: a warning when rows were
  //! rejected as future_date, and how slash dates were read. Empty for a log without either.
  std::string DatesNote() const;
  //! The report as a JSON object (rows, rejections by reason, customers, invoices, dates,
  //! countries, joins). `with_timing` adds threads and seconds, which vary from run to run.
  std::string ToJson(bool with_timing = true) const;
};

struct IngestResult {
  Transactions transactions;
  IngestReport report;
  //! Rejected rows in line order; filled only with IngestOptions::collect_rejects.
  std::vector<RejectedRow> rejects;
};

//! Reads, cleans and encodes the log. Throws InputError (file, line, field, expected) when the
//! file cannot be read as a whole: missing or unreadable file, empty file, no data rows, missing
//! required column (listing the header found), ambiguous schema, corrupt or truncated gzip, a
//! quoted field still open at the end of the file, slash dates that contradict each other under
//! DateOrder::kAuto. Bad rows are counted, never thrown.
IngestResult Ingest(const IngestOptions& options);

//! Ingest() on CSV text already in memory; `options.path` only names it in messages and reports
//! (joined tables are still read from their paths).
IngestResult IngestText(std::string_view text, const IngestOptions& options);

}  // namespace segcast
