#include "ingest/block_parser.h"

#include "ingest/date_parser.h"
#include "internal/huge_pages.h"
#include "ingest/libcsv_record.h"
#include "ingest/number_parse.h"
#include "ingest/record_cursor.h"
#include "ingest/text_util.h"

#include <cmath>
#include <cstring>
#include <functional>
#include "segcast/error.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace segcast::internal {
namespace {

int FindColumn(const std::vector<std::string>& header, const std::string& name) {
  for (size_t column = 0; column < header.size(); ++column) {
    if (TrimSpaces(header[column]) == name) return static_cast<int>(column);
  }
  return -1;
}

// Everything one thread needs to parse rows; one per block.
class RowParser {
 public:
  RowParser(const ColumnLayout& layout, bool collect_rejects, ParsedBlock& out, bool libcsv_only)
      : layout_(layout),
        collect_(collect_rejects),
        libcsv_only_(libcsv_only),
        out_(out),
        fields_(layout.field_count + 1),
        dates_(layout.date_order) {}

  //! Splits the line starting at `begin` if it needs no libcsv, finding its end in the same pass:
  //! returns the offset where its content ends (before its LF, or CRLF, or at `size`), or npos
  //! (nothing counted) when it holds a quote or a stray CR, which the caller then hands to
  //! ParseRecord. A CR right before the LF, or last in the text, ends the line as in libcsv.
  size_t TryParsePlainLine(const char* text, size_t begin, size_t size, int64_t line) {
    constexpr size_t kDecline = static_cast<size_t>(-1);
    const char* first = text + begin;
    const char* limit = text + size;
    const char* field = first;
    const char* cursor = first;
    const char* last = limit;
    int count = 0;
#if defined(__SSE2__)
    // Sixteen bytes per step: one compare per special byte, then one step per comma found before
    // the first LF. The loads stay inside [first, limit); the scalar loop takes the tail, and a
    // step holding a quote or CR, where CRLF has to be told from a stray CR.
    const __m128i comma = _mm_set1_epi8(',');
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i carriage_return = _mm_set1_epi8('\r');
    const __m128i line_feed = _mm_set1_epi8('\n');
    while (limit - cursor >= 16) {
      const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(cursor));
      const auto newlines = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, line_feed)));
      const unsigned before = newlines != 0 ? (newlines & (0u - newlines)) - 1 : 0xFFFFu;  // lanes before the LF
      const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, carriage_return));
      if ((static_cast<unsigned>(_mm_movemask_epi8(special)) & before) != 0) break;
      auto commas = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, comma))) & before;
      while (commas != 0) {
        const char* at = cursor + __builtin_ctz(commas);
        if (count <= layout_.field_count) fields_[count] = std::string_view(field, at - field);
        ++count;
        field = at + 1;
        commas &= commas - 1;
      }
      if (newlines != 0) {
        last = cursor + __builtin_ctz(newlines);
        cursor = limit;  // done: the scalar loop has nothing left
        break;
      }
      cursor += 16;
    }
#endif
    for (; cursor < limit; ++cursor) {
      const char c = *cursor;
      if (c == ',') {
        if (count <= layout_.field_count) fields_[count] = std::string_view(field, cursor - field);
        ++count;
        field = cursor + 1;
      } else if (c == '\n') {
        last = cursor;
        break;
      } else if (c == '\r') {
        if (cursor + 1 < limit && cursor[1] != '\n') return kDecline;
        last = cursor;
        break;
      } else if (c == '"') {
        return kDecline;
      }
    }
    const size_t end = static_cast<size_t>(last - text);
    if (count <= layout_.field_count) fields_[count] = std::string_view(field, last - field);
    ++count;
    ++out_.rows_read;
    std::string_view raw(first, end - begin);
    key_ready_ = false;  // the row's own text is its canonical form: hashed only if accepted
    Record record;
    record.begin = begin;
    record.end = end;
    record.line = line;
    if (count != layout_.field_count) {
      Reject(RejectReason::kMalformedRow, -1, raw, line);
      return end;
    }
    Apply(raw, record);
    return end;
  }

  void ParseRecord(const char* text, const Record& record) {
    ++out_.rows_read;
    std::string_view raw(text + record.begin, record.end - record.begin);
    int count = 0;
    if (!record.has_quote && !libcsv_only_) {
      count = SplitPlain(raw);
      key_ready_ = false;
    } else {
      const std::vector<std::string>& split = libcsv_.Split(raw);
      count = static_cast<int>(split.size());
      for (int column = 0; column < count && column <= layout_.field_count; ++column) {
        fields_[column] = split[column];
      }
      canonical_.clear();
      AppendCanonicalRecord(split, canonical_);
      key_ = HashRow(canonical_);
      key_ready_ = true;
    }
    if (count != layout_.field_count) {
      Reject(RejectReason::kMalformedRow, -1, raw, record.line);
      return;
    }
    Apply(raw, record);
  }

 private:
  int SplitPlain(std::string_view raw) {
    int count = 0;
    const char* begin = raw.data();
    const char* end = raw.data() + raw.size();
    const char* field = begin;
    for (const char* cursor = begin; cursor < end; ++cursor) {
      if (*cursor != ',') continue;
      if (count <= layout_.field_count) fields_[count] = std::string_view(field, cursor - field);
      ++count;
      field = cursor + 1;
    }
    if (count <= layout_.field_count) fields_[count] = std::string_view(field, end - field);
    return count + 1;
  }

  void Apply(std::string_view raw, const Record& record) {
    std::string_view customer = TrimSpaces(fields_[layout_.customer]);
    if (customer.empty()) {
      Reject(RejectReason::kMissingCustomer, layout_.customer, raw, record.line);
      return;
    }
    if (layout_.normalise_customers) customer = NormaliseCustomerId(customer);
    if (layout_.invoice >= 0 && !layout_.cancel_prefix.empty() &&
        TrimSpaces(fields_[layout_.invoice]).substr(0, layout_.cancel_prefix.size()) ==
            layout_.cancel_prefix) {
      Reject(RejectReason::kCancelled, layout_.invoice, raw, record.line);
      KeepCancellation(customer, record.line);
      return;
    }
    if (layout_.status >= 0 &&
        !EqualsIgnoreCase(TrimSpaces(fields_[layout_.status]), layout_.accepted_status)) {
      Reject(RejectReason::kCancelled, layout_.status, raw, record.line);
      return;
    }
    double quantity = 1;
    double price = 0;
    if (layout_.quantity >= 0 && !ParseNumber(fields_[layout_.quantity], quantity)) {
      Reject(RejectReason::kUnparseableNumber, layout_.quantity, raw, record.line);
      return;
    }
    int price_column = layout_.price >= 0 ? layout_.price : layout_.amount;
    if (!ParseNumber(fields_[price_column], price)) {
      Reject(RejectReason::kUnparseableNumber, price_column, raw, record.line);
      return;
    }
    // Two finite factors can still overflow (1e200 x 1e200): an infinite revenue would poison
    // every sum downstream, so the row's numbers count as unusable.
    if (layout_.price >= 0 && !std::isfinite(quantity * price)) {
      Reject(RejectReason::kUnparseableNumber, layout_.quantity >= 0 ? layout_.quantity : price_column, raw,
             record.line);
      return;
    }
    if (quantity <= 0) {
      Reject(RejectReason::kNonPositiveQuantity, layout_.quantity, raw, record.line);
      return;
    }
    // A free item (price 0) and an accounting adjustment (price < 0) are different stories, so
    // they get different names; -0 is a zero.
    if (price < 0) {
      Reject(RejectReason::kNegativePrice, price_column, raw, record.line);
      return;
    }
    if (price == 0) {
      Reject(RejectReason::kZeroPrice, price_column, raw, record.line);
      return;
    }
    const DateReading date = dates_.Read(fields_[layout_.date]);
    if (date.slash != SlashDate::kNone) Tally(date.slash, record.line);
    if (!date.ok) {
      Reject(RejectReason::kUnparseableDate, layout_.date, raw, record.line);
      return;
    }
    if (date.ambiguous) {
      // The order is decided after the last block: keep both readings, unless both are too late.
      const bool month_first_future = date.day > layout_.latest_day;
      const bool day_first_future = date.day_first > layout_.latest_day;
      if (month_first_future && day_first_future) {
        RejectFuture(raw, record.line);
        return;
      }
      out_.dates.future_if_month_first += month_first_future ? 1 : 0;
      out_.dates.future_if_day_first += day_first_future ? 1 : 0;
      out_.day_first.emplace_back(static_cast<int32_t>(out_.day.size()), date.day_first);
    } else if (date.day > layout_.latest_day) {
      RejectFuture(raw, record.line);
      return;
    }
    const Day day = date.day;
    out_.customer.push_back(customers_.Id(customer));
    if (layout_.invoice >= 0) {
      out_.invoice.push_back(invoices_.Id(TrimSpaces(fields_[layout_.invoice])));
    } else {
      // Without an invoice column every row is its own invoice, named by its line: a block's
      // first line is known only in the merge, which names it.
      out_.invoice.push_back(-1);
    }
    out_.country.push_back(layout_.country >= 0 ? countries_.Id(TrimSpaces(fields_[layout_.country])) : -1);
    out_.day.push_back(day);
    out_.quantity.push_back(quantity);
    out_.price.push_back(price);
    out_.revenue.push_back(layout_.price >= 0 ? quantity * price : price);
    out_.line.push_back(record.line);
    if (layout_.hash_rows) out_.key.push_back(key_ready_ ? key_ : HashRow(raw));
    if (layout_.match_cancellations) out_.product.push_back(ProductKey(TrimSpaces(fields_[layout_.product])));
    if (collect_) {
      out_.text_begin.push_back(static_cast<size_t>(raw.data() - text_base_));
      out_.text_size.push_back(raw.size());
    }
  }

  // A cancellation row is rejected like any other; with matching on, its customer, product and
  // units are also kept. A quantity that is not a number, or 0, cancels nothing.
  void KeepCancellation(std::string_view customer, int64_t line) {
    if (!layout_.match_cancellations) return;
    double quantity = 1;
    if (layout_.quantity >= 0 && !ParseNumber(fields_[layout_.quantity], quantity)) return;
    if (quantity == 0) return;
    out_.cancellations.push_back(CancellationRow{line, std::string(customer),
                                                 std::string(TrimSpaces(fields_[layout_.invoice])),
                                                 ProductKey(TrimSpaces(fields_[layout_.product])),
                                                 std::fabs(quantity)});
  }

  void RejectFuture(std::string_view raw, int64_t line) {
    if (out_.dates.first_future_line < 0) out_.dates.first_future_line = line;
    Reject(RejectReason::kFutureDate, layout_.date, raw, line);
  }

  // Counts a slash date's evidence of the order, keeping the first of each kind for messages.
  void Tally(SlashDate slash, int64_t line) {
    DateTally& tally = out_.dates;
    ++tally.slash_rows;
    tally.year_first += slash == SlashDate::kYearFirst ? 1 : 0;
    tally.either += slash == SlashDate::kEither ? 1 : 0;
    if (slash == SlashDate::kDayFirstOnly) {
      if (tally.day_first_only++ == 0) {
        tally.first_day_first_line = line;
        tally.first_day_first_text = Printable(TrimSpaces(fields_[layout_.date]));
      }
    } else if (slash == SlashDate::kMonthFirstOnly) {
      if (tally.month_first_only++ == 0) {
        tally.first_month_first_line = line;
        tally.first_month_first_text = Printable(TrimSpaces(fields_[layout_.date]));
      }
    }
  }

  void Reject(RejectReason reason, int column, std::string_view raw, int64_t line) {
    ++out_.rejected[static_cast<int>(reason)];
    if (!collect_) return;
    out_.rejects.push_back(RejectedRow{line, reason, column >= 0 ? layout_.names[column] : std::string(),
                                       std::string(raw)});
  }

 public:
  void Finish() {
    out_.customer_names = customers_.TakeNames();
    out_.invoice_names = invoices_.TakeNames();
    out_.country_names = countries_.TakeNames();
  }
  void SetTextBase(const char* base) { text_base_ = base; }

 private:
  const ColumnLayout& layout_;
  bool collect_;
  bool libcsv_only_;
  ParsedBlock& out_;
  std::vector<std::string_view> fields_;
  LibcsvRecord libcsv_;
  std::string canonical_;
  RowKey key_;
  bool key_ready_ = false;  // key_ holds the canonical hash of a quoted record
  DateParser dates_;
  LocalDictionary customers_;
  LocalDictionary invoices_;
  LocalDictionary countries_;
  const char* text_base_ = nullptr;
};

}  // namespace

ColumnLayout ResolveLayout(const ColumnMapping& mapping, const std::vector<std::string>& header,
                           const std::string& file, std::string_view schema_name) {
  ColumnLayout layout;
  layout.field_count = static_cast<int>(header.size());
  layout.names = header;
  layout.cancel_prefix = mapping.cancel_prefix;
  layout.accepted_status = mapping.accepted_status;
  auto resolve = [&](const std::string& name, int& index) {
    if (name.empty()) return;
    index = FindColumn(header, name);
    if (index < 0) {
      throw InputError("required column '" + name + "' not found (" + DescribeHeader(header) + ")",
                       {.file = file,
                        .line = 1,
                        .field = name,
                        .expected = "a header with the " + std::string(schema_name) + " schema's columns"});
    }
    // Two columns with the name: which one holds the data is a guess, so refuse to make it.
    for (size_t other = static_cast<size_t>(index) + 1; other < header.size(); ++other) {
      if (TrimSpaces(header[other]) == name) {
        throw InputError("column '" + name + "' appears more than once in the header (columns " +
                             std::to_string(index + 1) + " and " + std::to_string(other + 1) + "; " +
                             DescribeHeader(header) + ")",
                         {.file = file, .line = 1, .field = name, .expected = "each used column named once"});
      }
    }
  };
  resolve(mapping.customer, layout.customer);
  resolve(mapping.date, layout.date);
  resolve(mapping.invoice, layout.invoice);
  resolve(mapping.quantity, layout.quantity);
  resolve(mapping.price, layout.price);
  resolve(mapping.amount, layout.amount);
  resolve(mapping.status, layout.status);
  resolve(mapping.country, layout.country);
  // A preset's product column only serves cancellation matching: a log without it is still read.
  if (schema_name == "generic" || FindColumn(header, mapping.product) >= 0) resolve(mapping.product, layout.product);
  return layout;
}

uint64_t ProductKey(std::string_view product) { return std::hash<std::string_view>()(product); }

int32_t LocalDictionary::Id(std::string_view text) {
  if (last_id_ >= 0 && text == last_) return last_id_;
  auto found = index_.find(text);
  int32_t id;
  if (found != index_.end()) {
    id = found->second;
  } else {
    id = static_cast<int32_t>(names_.size());
    names_.emplace_back(text);
    index_.emplace(names_.back(), id);
  }
  last_id_ = id;
  last_ = names_[id];
  return id;
}

std::vector<std::string> LocalDictionary::TakeNames() {
  index_.clear();
  last_id_ = -1;
  std::vector<std::string> names(std::make_move_iterator(names_.begin()),
                                 std::make_move_iterator(names_.end()));
  names_.clear();
  return names;
}

void DateTally::Add(const DateTally& next, int64_t line_offset) {
  slash_rows += next.slash_rows;
  year_first += next.year_first;
  either += next.either;
  day_first_only += next.day_first_only;
  month_first_only += next.month_first_only;
  future_if_month_first += next.future_if_month_first;
  future_if_day_first += next.future_if_day_first;
  // Blocks come in input order, so the first block that has one has the file's first.
  if (first_day_first_line < 0 && next.first_day_first_line >= 0) {
    first_day_first_line = next.first_day_first_line + line_offset;
    first_day_first_text = next.first_day_first_text;
  }
  if (first_month_first_line < 0 && next.first_month_first_line >= 0) {
    first_month_first_line = next.first_month_first_line + line_offset;
    first_month_first_text = next.first_month_first_text;
  }
  if (first_future_line < 0 && next.first_future_line >= 0) {
    first_future_line = next.first_future_line + line_offset;
  }
}

void ParsedBlock::Clear() {
  for (auto* column : {&customer, &invoice, &country}) column->clear();
  day.clear();
  quantity.clear();
  price.clear();
  revenue.clear();
  line.clear();
  key.clear();
  product.clear();
  cancellations.clear();
  text_begin.clear();
  text_size.clear();
  customer_names.clear();
  invoice_names.clear();
  country_names.clear();
  rows_read = 0;
  rejected = {};
  rejects.clear();
  dates = DateTally{};
  day_first.clear();
  open_quote = false;
  open_quote_line = 0;
  open_quote_offset = 0;
  end_line = 0;
}

void ParseBlock(const Block& block, size_t offset, int64_t line, const ColumnLayout& layout,
                bool collect_rejects, ParsedBlock& out, SplitPath split_path) {
  out.Clear();
  // About 64 bytes per row in the logs seen so far; reserving avoids regrowing eight columns.
  const size_t expected_rows = (block.text().size() - offset) / 64 + 16;
  for (auto* column : {&out.customer, &out.invoice, &out.country}) ReserveHuge(*column, expected_rows);
  ReserveHuge(out.day, expected_rows);
  ReserveHuge(out.quantity, expected_rows);
  ReserveHuge(out.price, expected_rows);
  ReserveHuge(out.revenue, expected_rows);
  ReserveHuge(out.line, expected_rows);
  if (layout.hash_rows) ReserveHuge(out.key, expected_rows);
  if (layout.match_cancellations) ReserveHuge(out.product, expected_rows);
  RowParser parser(layout, collect_rejects, out, split_path == SplitPath::kLibcsvOnly);
  const char* data = block.text().data();
  const size_t size = block.text().size();
  parser.SetTextBase(data);
  size_t position = offset;
  while (position < size) {
    const char c = data[position];
    if (c == '\n' || c == '\r') {
      line += c == '\n';
      ++position;
      continue;
    }
    if (split_path == SplitPath::kFast) {
      const size_t end = parser.TryParsePlainLine(data, position, size, line);
      if (end != static_cast<size_t>(-1)) {
        position = end;
        continue;
      }
    }
    // A quote or a stray CR: the record follows libcsv's rules and may span lines.
    RecordCursor cursor(data + position, size - position, line);
    Record record;
    cursor.Next(record);
    if (record.open_quote) {
      out.open_quote = true;
      out.open_quote_line = record.line;
      out.open_quote_offset = position + record.begin;
      break;
    }
    record.begin += position;
    record.end += position;
    parser.ParseRecord(data, record);
    position = record.end;
    line = cursor.line();
  }
  out.end_line = line;
  parser.Finish();
}

}  // namespace segcast::internal
