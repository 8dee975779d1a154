#include "segcast/ingest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>

#include "ingest/block_parser.h"
#include "ingest/block_reader.h"
#include "ingest/byte_source.h"
#include "ingest/customer_join.h"
#include "ingest/libcsv_record.h"
#include "ingest/record_cursor.h"
#include "ingest/row_merger.h"
#include "internal/parallel.h"
#include "internal/text_output.h"
#include "segcast/error.h"

namespace segcast {
namespace {

using internal::Block;
using internal::BlockReader;
using internal::ParsedBlock;
using internal::WithThousands;

struct HeaderInfo {
  std::vector<std::string> fields;
  size_t data_offset = 0;  // where the first data record may start in the block
  int64_t data_line = 1;
  int64_t skipped_bytes = 0;  // text of the blocks before, which held only line breaks
};

// Reads blocks until the first record, the header. Blocks holding only blank lines are skipped.
HeaderInfo ReadHeader(BlockReader& reader, Block& block, const std::string& file) {
  int64_t skipped_bytes = 0;
  while (reader.Next(block)) {
    // A UTF-16 file would otherwise fail as an unknown header full of NUL bytes; say what it is.
    if (block.first_line == 1 && block.text().size() >= 2 &&
        ((block.text()[0] == '\xFF' && block.text()[1] == '\xFE') || (block.text()[0] == '\xFE' && block.text()[1] == '\xFF'))) {
      throw InputError("the file is UTF-16 encoded (byte-order mark " +
                           std::string(block.text()[0] == '\xFF' ? "FF FE" : "FE FF") +
                           "); convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8",
                       {.file = file, .line = 1, .expected = "UTF-8 text, with or without a UTF-8 byte-order mark"});
    }
    internal::RecordCursor cursor(block.text().data(), block.text().size(), block.first_line);
    internal::Record record;
    if (!cursor.Next(record)) {
      skipped_bytes += static_cast<int64_t>(block.text().size());
      continue;
    }
    if (record.open_quote) {
      throw InputError("the header's quoted field is never closed",
                       {.file = file, .line = record.line, .expected = "a closing '\"'"});
    }
    internal::LibcsvRecord parser;
    HeaderInfo header;
    header.fields = parser.Split(std::string_view(block.text().data() + record.begin, record.end - record.begin));
    header.data_offset = cursor.position();
    header.data_line = cursor.line();
    header.skipped_bytes = skipped_bytes;
    return header;
  }
  throw InputError("empty file", {.file = file, .line = 1, .expected = "a header row and data rows"});
}

// Parses blocks on every thread and merges them in input order. Each thread takes the next block
// from the reader, parses it, and hands it in; whichever thread hands in the block that is next in
// order merges it and every following block already parsed, so merging (which must be
// sequential) overlaps with the parsing of later blocks on the other threads.
class OrderedPipeline {
 public:
  OrderedPipeline(BlockReader& reader, internal::RowMerger& merger, const internal::ColumnLayout& layout,
                  const IngestOptions& options, IngestReport& report)
      : reader_(reader), merger_(merger), layout_(layout), options_(options), report_(report) {}

  void Run(Block first, const HeaderInfo& header, int threads) {
    next_line_ = first.first_line;
    first_ = std::move(first);
    header_ = header;
    more_ = true;
    internal::ExceptionCapture capture;
#pragma omp parallel num_threads(threads)
    {
      while (!stop_.load(std::memory_order_relaxed)) {
        bool worked = false;
        capture.Run([&] { worked = Step(threads); });
        if (!worked) break;
      }
    }
    capture.Rethrow();
  }

 private:
  struct Parsed {
    Block block;
    ParsedBlock rows;
  };

  // Takes, parses and hands in one block; false when there is none left. On failure every thread
  // stops and the exception goes to the caller's ExceptionCapture.
  bool Step(int threads) {
    try {
      return TakeParseHandIn(threads);
    } catch (...) {
      stop_.store(true);
      merged_.notify_all();
      throw;
    }
  }

  bool TakeParseHandIn(int threads) {
    Block block;
    int64_t index = 0;
    bool header_block = false;
    {
      std::unique_lock<std::mutex> lock(take_mutex_);
      {
        // Back-pressure: do not run ahead of the merge by more than a few blocks.
        std::unique_lock<std::mutex> merge_lock(merge_mutex_);
        merged_.wait(merge_lock, [&] {
          return stop_.load() || static_cast<int>(waiting_.size()) < 2 * threads;
        });
      }
      if (stop_.load() || !more_) return false;
      if (index_ == 0) {
        block = std::move(first_);
        header_block = true;
      } else if (!reader_.Next(block)) {
        more_ = false;
        return false;
      }
      if (block.last) more_ = false;
      index = index_++;
    }
    Parsed parsed{std::move(block), TakeSpare()};
    const size_t offset = header_block ? header_.data_offset : 0;
    // Lines are counted from the block's start; the merge adds where the block starts.
    const int64_t line = header_block ? header_.data_line - parsed.block.first_line : 0;
    internal::ParseBlock(parsed.block, offset, line, layout_, options_.collect_rejects, parsed.rows);
    HandIn(index, std::move(parsed));
    return true;
  }

  // A parsed-block object from an earlier block: its columns keep their capacity, so the pages
  // are not faulted in again for every block.
  ParsedBlock TakeSpare() {
    std::lock_guard<std::mutex> lock(merge_mutex_);
    if (spare_.empty()) return {};
    ParsedBlock rows = std::move(spare_.back());
    spare_.pop_back();
    return rows;
  }

  void HandIn(int64_t index, Parsed parsed) {
    {
      std::lock_guard<std::mutex> lock(merge_mutex_);
      waiting_.emplace(index, std::move(parsed));
      if (merging_) return;
      merging_ = true;
    }
    while (true) {
      Parsed next;
      {
        std::lock_guard<std::mutex> lock(merge_mutex_);
        auto found = waiting_.find(next_merge_);
        if (found == waiting_.end() || stop_.load()) {
          merging_ = false;
          break;
        }
        next = std::move(found->second);
        waiting_.erase(found);
        ++next_merge_;
      }
      merged_.notify_all();
      Merge(next);
    }
    merged_.notify_all();
  }

  void Merge(Parsed& parsed) {
    const std::string_view text = parsed.block.text();
    report_.text_bytes += static_cast<int64_t>(text.size());
    if (!reserved_ && (report_.text_bytes >= kEstimateBytes || parsed.block.last)) {
      // Size the duplicate set and the columns once, from the rows per file byte of the first
      // few MiB (the first block alone is small: it ends after the header's 64 KiB window).
      reserved_ = true;
      if (parsed.block.consumed > 0 && report_.file_bytes > parsed.block.consumed) {
        // Columns are reserved for every row read (virtual memory: untouched pages cost nothing)
        // and faulted in, like the zero-filled duplicate set, for the accepted rows with a margin.
        double scale = static_cast<double>(report_.file_bytes) / static_cast<double>(parsed.block.consumed);
        merger_.Reserve(static_cast<size_t>(static_cast<double>(rows_read_so_far_ + parsed.rows.rows_read) * scale * 1.1),
                        static_cast<size_t>(static_cast<double>(accepted_so_far_ + parsed.rows.day.size()) * scale * 1.15));
      }
    }
    rows_read_so_far_ += parsed.rows.rows_read;
    accepted_so_far_ += static_cast<int64_t>(parsed.rows.day.size());
    if (!open_.active) {
      MergeRows(parsed.rows, text, next_line_, parsed.block.last);
    } else {
      // The cut before this block fell inside a quoted field, so its parse started mid-record
      // and is discarded. Once the open record ends, the text from its start to this block's end
      // is parsed again here, in order; until then the record's bytes are only scanned, once.
      if (!parsed.block.in_source || open_.start + open_.size != text.data()) {
        throw InputError("internal error: a block cut inside a quoted field is not contiguous with the next",
                         {.file = options_.path, .line = open_.line, .expected = "contiguous mapped blocks"});
      }
      open_.size += text.size();
      if (internal::ContinueRecord(text, open_.state)) {
        Block joined;
        joined.in_source = true;
        joined.view = std::string_view(open_.start, open_.size);
        open_.active = false;
        internal::ParseBlock(joined, 0, 0, layout_, options_.collect_rejects, reparsed_);
        MergeRows(reparsed_, joined.view, open_.line, parsed.block.last);
      } else if (parsed.block.last) {
        ThrowOpenQuote(open_.line);
      }
    }
    reader_.Recycle(std::move(parsed.block.storage));
    {
      std::lock_guard<std::mutex> lock(merge_mutex_);
      spare_.push_back(std::move(parsed.rows));
    }
    if (options_.progress) options_.progress(parsed.block.consumed, report_.file_bytes);
  }

  // Merges rows parsed from `text`, whose lines start at `first_line`. A block that ends inside a
  // quoted field leaves that record open for the following blocks (an error at the end of file).
  void MergeRows(ParsedBlock& rows, std::string_view text, int64_t first_line, bool last) {
    if (rows.open_quote && last) ThrowOpenQuote(first_line + rows.open_quote_line);
    merger_.Merge(rows, text, first_line);
    if (rows.open_quote) {
      open_.active = true;
      open_.start = text.data() + rows.open_quote_offset;
      open_.size = text.size() - rows.open_quote_offset;
      open_.line = first_line + rows.open_quote_line;
      open_.state = internal::QuoteState::kQuoted;
    } else {
      next_line_ = first_line + rows.end_line;
    }
  }

  [[noreturn]] void ThrowOpenQuote(int64_t line) const {
    throw InputError("a quoted field opened here is never closed before the end of the file",
                     {.file = options_.path, .line = line, .expected = "a closing '\"' (RFC 4180 quoting)"});
  }

  // A record still inside a quoted field at the end of the blocks merged so far.
  struct OpenRecord {
    bool active = false;
    const char* start = nullptr;  // its first byte, in the mapped text
    size_t size = 0;              // bytes from there to the end of the last merged block
    int64_t line = 0;             // its physical line
    internal::QuoteState state = internal::QuoteState::kQuoted;
  };

  BlockReader& reader_;
  internal::RowMerger& merger_;
  const internal::ColumnLayout& layout_;
  const IngestOptions& options_;
  IngestReport& report_;
  Block first_;
  HeaderInfo header_;
  std::mutex take_mutex_;  // guards the reader, index_, more_, first_
  int64_t index_ = 0;
  bool more_ = true;
  std::mutex merge_mutex_;  // guards waiting_, next_merge_, merging_
  std::condition_variable merged_;
  std::map<int64_t, Parsed> waiting_;
  std::vector<ParsedBlock> spare_;
  int64_t next_merge_ = 0;
  bool merging_ = false;
  static constexpr int64_t kEstimateBytes = int64_t{4} << 20;  // text seen before sizing the merge
  bool reserved_ = false;
  int64_t rows_read_so_far_ = 0;  // rows of the blocks merged so far (an estimate's basis)
  int64_t accepted_so_far_ = 0;
  int64_t next_line_ = 1;  // physical line where the next block to merge starts
  OpenRecord open_;
  ParsedBlock reparsed_;
  std::atomic<bool> stop_{false};
};

// Resolves the options that depend on the log's columns: whether identical rows are duplicates
// (kAuto: only when an invoice column says which order a row belongs to) and whether
// cancellations can be matched with purchases (they need an invoice, a cancel prefix, a product).
internal::MergeSettings ConfigureRules(const IngestOptions& options, internal::ColumnLayout& layout) {
  internal::MergeSettings settings;
  settings.collect_rejects = options.collect_rejects;
  settings.drop_duplicates = options.duplicates == DuplicateRule::kDrop ||
                             (options.duplicates == DuplicateRule::kAuto && layout.invoice >= 0);
  settings.match_cancellations = layout.invoice >= 0 && layout.product >= 0 && !layout.cancel_prefix.empty();
  settings.net_cancellations = settings.match_cancellations && options.net_cancellations;
  settings.revenue_is_quantity_times_price = layout.price >= 0;
  layout.normalise_customers = options.normalise_customer_ids;
  layout.hash_rows = settings.drop_duplicates;
  layout.match_cancellations = settings.match_cancellations;
  return settings;
}

using SourceOpener = std::function<std::unique_ptr<internal::ByteSource>()>;

// The slash-date order of a file read under DateOrder::kAuto, from the evidence of all its rows
// (so the same for any thread count or block size), and the words the report gives for it.
struct DecidedOrder {
  DateOrder order = DateOrder::kMonthFirst;
  std::string source;  // IngestReport::Dates::source
};

DecidedOrder DecideDateOrder(const internal::DateTally& tally, const std::string& file,
                             const std::string& column) {
  if (tally.day_first_only > 0 && tally.month_first_only > 0) {
    const bool day_first_earlier = tally.first_day_first_line < tally.first_month_first_line;
    auto such = [](int64_t count) {
      return "(" + WithThousands(count) + (count == 1 ? " such row)" : " such rows)");
    };
    throw InputError(
        "the slash dates contradict each other: line " +
            std::to_string(tally.first_day_first_line) + " has " + tally.first_day_first_text +
            ", a real date only day first " + such(tally.day_first_only) + ", and line " +
            std::to_string(tally.first_month_first_line) + " has " + tally.first_month_first_text +
            ", a real date only month first " + such(tally.month_first_only) +
            ". Choose the order with --date-order dmy or --date-order mdy (date_order in a run "
            "config's "
            "[input]); the rows that do not fit it are then rejected as unparseable_date",
        {.file = file,
         .line = day_first_earlier ? tally.first_day_first_line : tally.first_month_first_line,
         .field = column,
         .expected = "slash dates in one order, day/month/year or month/day/year"});
  }
  if (tally.day_first_only > 0) return {DateOrder::kDayFirst, "detected"};
  if (tally.month_first_only > 0) return {DateOrder::kMonthFirst, "detected"};
  // No field above 12: month first, as segcast has always read them (the US form).
  if (tally.either > 0 || tally.slash_rows > tally.year_first)
    return {DateOrder::kMonthFirst, "ambiguous"};
  if (tally.year_first > 0) return {DateOrder::kYearFirst, "detected"};
  return {DateOrder::kMonthFirst, ""};
}

// One pass over the log, with dates after `latest_day` rejected. Under DateOrder::kAuto the
// slash-date order is decided at the end and the ambiguous rows take that reading; if one of
// them would then be after latest_day (accepted on the other reading), the pass is void and
// `read_again` says in which order to read the file instead, so that the rows accepted are
// exactly those of an explicit --date-order.
IngestResult ReadLog(std::unique_ptr<internal::ByteSource> source, const IngestOptions& options,
                     Day latest_day, std::optional<DecidedOrder>& read_again) {
  const int threads = internal::ResolveThreads(options.threads);
  IngestResult result;
  IngestReport& report = result.report;
  report.file = options.path;
  report.gzip = source->gzip();
  report.file_bytes = source->total_bytes();
  report.threads = threads;
  BlockReader reader(std::move(source), static_cast<size_t>(options.block_bytes),
                     static_cast<size_t>(2 * threads));

  Block first;
  HeaderInfo header = ReadHeader(reader, first, options.path);
  SchemaPreset preset = options.schema;
  if (preset == SchemaPreset::kAuto) preset = DetectSchema(header.fields, options.path);
  ColumnMapping mapping = preset == SchemaPreset::kGeneric ? options.mapping : PresetMapping(preset);
  internal::ColumnLayout layout =
      internal::ResolveLayout(mapping, header.fields, options.path, PresetName(preset));
  layout.date_order = options.date_order;
  layout.latest_day = latest_day;
  report.schema = std::string(PresetName(preset));
  report.header = header.fields;
  report.text_bytes = header.skipped_bytes;
  const internal::MergeSettings settings = ConfigureRules(options, layout);

  internal::RowMerger merger(settings);
  OrderedPipeline pipeline{reader, merger, layout, options, report};
  pipeline.Run(std::move(first), header, threads);
  const internal::DateTally& tally = merger.dates();
  DecidedOrder decided{options.date_order, "given"};
  if (options.date_order == DateOrder::kAuto) {
    decided = DecideDateOrder(tally, options.path, layout.names[layout.date]);
    if ((decided.order == DateOrder::kMonthFirst && tally.future_if_month_first > 0) ||
        (decided.order == DateOrder::kDayFirst && tally.future_if_day_first > 0)) {
      read_again = decided;
      return result;
    }
    if (decided.order == DateOrder::kDayFirst) merger.UseDayFirstReadings();
  }
  merger.Finish(result.transactions, report, result.rejects);
  if (report.rows_read == 0) {
    throw InputError("the file has a header but no data rows",
                     {.file = options.path, .line = 2, .expected = "at least one data row"});
  }
  IngestReport::Dates& dates = report.dates;
  dates.order = decided.source.empty() ? "" : std::string(DateOrderName(decided.order));
  dates.source = decided.source;
  dates.slash_rows = tally.slash_rows;
  dates.day_first_only = tally.day_first_only;
  dates.month_first_only = tally.month_first_only;
  dates.latest_day = latest_day;
  dates.first_future_line = std::max<int64_t>(tally.first_future_line, 0);
  return result;
}

IngestResult RunIngest(const SourceOpener& open, const IngestOptions& options) {
  options.Validate();
  auto start = std::chrono::steady_clock::now();
  const Day latest_day = options.latest_day ? *options.latest_day : DefaultLatestDay();
  std::optional<DecidedOrder> read_again;
  IngestResult result = ReadLog(open(), options, latest_day, read_again);
  if (read_again) {
    // Rare (an ambiguous date near latest_day): the file is read again in the decided order.
    result = IngestResult{};
    IngestOptions again = options;
    again.date_order = read_again->order;
    std::optional<DecidedOrder> unused;
    result = ReadLog(open(), again, latest_day, unused);
    result.report.dates.source = read_again->source;
  }
  IngestReport& report = result.report;
  if (!options.demographics_path.empty()) {
    report.joins.push_back(
        internal::JoinCustomerTable(options.demographics_path, options.join_key,
                                    options.normalise_customer_ids, result.transactions));
  }
  if (!options.addresses_path.empty()) {
    report.joins.push_back(
        internal::JoinCustomerTable(options.addresses_path, options.join_key,
                                    options.normalise_customer_ids, result.transactions));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

IngestResult Ingest(const IngestOptions& options) {
  options.Validate();
  return RunIngest([&] { return internal::OpenByteSource(options.path); }, options);
}

IngestResult IngestText(std::string_view text, const IngestOptions& options) {
  options.Validate();
  return RunIngest([&] { return internal::MemoryByteSource(text, options.path); }, options);
}

}  // namespace segcast
