// Parses the records of one block: splits fields, applies the cleaning rules in RejectReason
// order (all but the duplicate rule, which needs every earlier row and runs in RowMerger), and
// encodes accepted rows against block-local dictionaries. Blocks are independent, so they are
// parsed in parallel and merged in input order.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ingest/block_reader.h"
#include "ingest/row_hash.h"
#include "segcast/ingest.h"

namespace segcast::internal {

//! Header positions of the mapped columns; -1 when the log has no such column.
struct ColumnLayout {
  int field_count = 0;
  int customer = -1;
  int date = -1;
  int invoice = -1;
  int quantity = -1;
  int price = -1;
  int amount = -1;
  int status = -1;
  int country = -1;
  int product = -1;
  std::string cancel_prefix;
  std::string accepted_status;
  //! IngestOptions::normalise_customer_ids.
  bool normalise_customers = false;
  //! Hash accepted rows (ParsedBlock::key) for the duplicate rule; off when duplicates are kept.
  bool hash_rows = true;
  //! Keep cancellation rows and accepted rows' product keys, to match one with the other:
  //! set when the log has invoice, product and a cancel prefix.
  bool match_cancellations = false;
  DateOrder date_order = DateOrder::kAuto;  //!< of slash dates (date_parser.h)
  Day latest_day = std::numeric_limits<Day>::max();  //!< later rows are future_date
  std::vector<std::string> names;  //!< header fields, for RejectedRow::field
};

//! Resolves a mapping against a header. Throws InputError naming the file, line 1, the missing
//! column and the header found.
ColumnLayout ResolveLayout(const ColumnMapping& mapping, const std::vector<std::string>& header,
                           const std::string& file, std::string_view schema_name);

//! The key a product's text is matched on (64-bit hash of the trimmed text). A false match needs
//! two products of one customer to share a hash: about p^2 / 2^65 for a customer with p products.
uint64_t ProductKey(std::string_view product);

//! A row of a cancellation invoice, kept (besides being rejected as `cancelled`) to match it with
//! the purchases it cancels.
struct CancellationRow {
  int64_t line = 0;      //!< physical line, relative like ParsedBlock::line until merged
  std::string customer;  //!< customer id as the log's accepted rows spell it (trimmed, normalised)
  std::string invoice;   //!< trimmed invoice text, e.g. "C581484"
  uint64_t product = 0;  //!< ProductKey of its product
  double quantity = 0;   //!< units cancelled, > 0 (the absolute value of its quantity)
};

//! Distinct strings in order of first appearance, with ids 0, 1, 2, ...
class LocalDictionary {
 public:
  int32_t Id(std::string_view text);
  //! Moves the strings out, indexed by id.
  std::vector<std::string> TakeNames();

 private:
  std::deque<std::string> names_;  // a deque never moves its strings, so views stay valid
  std::unordered_map<std::string_view, int32_t> index_;
  int32_t last_id_ = -1;
  std::string_view last_;
};

//! What the dates of the rows reaching the date rule say about the slash-date order, summed
//! over blocks in input order. Lines are -1 when there is none.
struct DateTally {
  int64_t slash_rows = 0;
  int64_t year_first = 0;        //!< SlashDate::kYearFirst
  int64_t either = 0;            //!< SlashDate::kEither
  int64_t day_first_only = 0;    //!< SlashDate::kDayFirstOnly
  int64_t month_first_only = 0;  //!< SlashDate::kMonthFirstOnly
  int64_t first_day_first_line = -1;
  std::string first_day_first_text;
  int64_t first_month_first_line = -1;
  std::string first_month_first_text;
  //! DateOrder::kAuto: ambiguous rows accepted with one reading after latest_day, by the order
  //! whose reading it is. Should that order be chosen, the file is read again in it.
  int64_t future_if_month_first = 0;
  int64_t future_if_day_first = 0;
  int64_t first_future_line = -1;

  //! Adds the tally of the next block, whose lines start at `line_offset`.
  void Add(const DateTally& next, int64_t line_offset);
};

struct ParsedBlock {
  // Rows that passed every rule but the duplicate one, in input order.
  std::vector<int32_t> customer;  //!< local id: customer_names
  std::vector<int32_t> invoice;   //!< local id: invoice_names; -1 without an invoice column (the
                                  //!< merge names the invoice by the row's absolute line)
  std::vector<int32_t> country;   //!< local id: country_names, -1 without a country column
  std::vector<Day> day;
  std::vector<double> quantity;
  std::vector<double> price;
  std::vector<double> revenue;
  std::vector<int64_t> line;      //!< physical line, counted from the `line` given to ParseBlock
  std::vector<RowKey> key;        //!< hash of the canonical row text (with layout.hash_rows)
  std::vector<uint64_t> product;  //!< ProductKey (with layout.match_cancellations)
  std::vector<CancellationRow> cancellations;  //!< with layout.match_cancellations
  std::vector<size_t> text_begin;  //!< with collect_rejects: the row's text in the block
  std::vector<size_t> text_size;
  std::vector<std::string> customer_names;
  std::vector<std::string> invoice_names;
  std::vector<std::string> country_names;
  int64_t rows_read = 0;
  std::array<int64_t, kRejectReasonCount> rejected{};
  std::vector<RejectedRow> rejects;  //!< with collect_rejects
  DateTally dates;
  //! DateOrder::kAuto: (row, its day-first reading) for the rows above whose slash date reads as
  //! two different days; `day` holds their month-first reading until the order is decided.
  std::vector<std::pair<int32_t, Day>> day_first;
  bool open_quote = false;           //!< the block ended inside a quoted field
  int64_t open_quote_line = 0;       //!< line where that record starts
  size_t open_quote_offset = 0;      //!< offset in the block's text where that record starts
  int64_t end_line = 0;              //!< line at the end of the text (when !open_quote)

  //! Empties every field, keeping the columns' capacity.
  void Clear();
};

//! How records are split into fields.
enum class SplitPath {
  //! Lines without '"' or CR are split on commas in one vectorised pass; every other record goes
  //! through libcsv. The production path.
  kFast,
  //! Every record through libcsv: the reference the fast path is tested against.
  kLibcsvOnly,
};

//! Parses the records of `block.text()` from `offset`, which must be a record boundary and whose
//! physical line is `line` (lines may be relative to the block: the merge adds its offset).
void ParseBlock(const Block& block, size_t offset, int64_t line, const ColumnLayout& layout,
                bool collect_rejects, ParsedBlock& out, SplitPath split_path = SplitPath::kFast);

}  // namespace segcast::internal
