#include "segcast/ingest.h"

#include <chrono>

#include "ingest/block_parser.h"
#include "ingest/block_reader.h"
#include "ingest/byte_source.h"
#include "ingest/customer_join.h"
#include "ingest/libcsv_record.h"
#include "ingest/record_cursor.h"
#include "ingest/row_merger.h"
#include "internal/parallel.h"
#include "segcast/error.h"

namespace segcast {
namespace {

using internal::Block;
using internal::BlockReader;
using internal::ParsedBlock;

struct HeaderInfo {
  std::vector<std::string> fields;
  size_t data_offset = 0;  // where the first data record may start in the block
  int64_t data_line = 1;
};

// Reads blocks until the first record, the header. Blocks holding only blank lines are skipped.
HeaderInfo ReadHeader(BlockReader& reader, Block& block, const std::string& file) {
  while (reader.Next(block)) {
    internal::RecordCursor cursor(block.text.data(), block.text.size(), block.first_line);
    internal::Record record;
    if (!cursor.Next(record)) continue;
    if (record.open_quote) {
      throw InputError("the header's quoted field is never closed",
                       {.file = file, .line = record.line, .expected = "a closing '\"'"});
    }
    internal::LibcsvRecord parser;
    HeaderInfo header;
    header.fields = parser.Split(std::string_view(block.text.data() + record.begin, record.end - record.begin));
    header.data_offset = cursor.position();
    header.data_line = cursor.line();
    return header;
  }
  throw InputError("empty file", {.file = file, .line = 1, .expected = "a header row and data rows"});
}

IngestResult RunIngest(std::unique_ptr<internal::ByteSource> source, const IngestOptions& options) {
  options.Validate();
  auto start = std::chrono::steady_clock::now();
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
  report.schema = std::string(PresetName(preset));
  report.header = header.fields;

  internal::RowMerger merger(options.collect_rejects);
  std::vector<Block> batch;
  batch.push_back(std::move(first));
  bool more = !batch.front().last;
  bool first_batch = true;
  while (!batch.empty()) {
    while (more && static_cast<int>(batch.size()) < threads) {
      Block block;
      more = reader.Next(block);
      if (more) {
        more = !block.last;
        batch.push_back(std::move(block));
      }
    }
    std::vector<ParsedBlock> parsed(batch.size());
    internal::ExceptionCapture capture;
    const int count = static_cast<int>(batch.size());
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int index = 0; index < count; ++index) {
      capture.Run([&] {
        bool header_block = first_batch && index == 0;
        internal::ParseBlock(batch[index], header_block ? header.data_offset : 0,
                             header_block ? header.data_line : batch[index].first_line, layout,
                             options.collect_rejects, parsed[index]);
      });
    }
    capture.Rethrow();
    for (int index = 0; index < count; ++index) {
      if (parsed[index].open_quote) {
        throw InputError("a quoted field opened here is never closed before the end of the file",
                         {.file = options.path,
                          .line = parsed[index].open_quote_line,
                          .expected = "a closing '\"' (RFC 4180 quoting)"});
      }
      report.text_bytes += static_cast<int64_t>(batch[index].text.size());
      merger.Merge(parsed[index], batch[index].text);
    }
    if (options.progress) options.progress(batch.back().consumed, report.file_bytes);
    batch.clear();
    first_batch = false;
    if (more) {
      Block block;
      more = reader.Next(block);
      if (more) {
        more = !block.last;
        batch.push_back(std::move(block));
      }
    }
  }
  merger.Finish(result.transactions, report, result.rejects);
  if (report.rows_read == 0) {
    throw InputError("the file has a header but no data rows",
                     {.file = options.path, .line = 2, .expected = "at least one data row"});
  }
  if (!options.demographics_path.empty()) {
    report.joins.push_back(
        internal::JoinCustomerTable(options.demographics_path, options.join_key, result.transactions));
  }
  if (!options.addresses_path.empty()) {
    report.joins.push_back(
        internal::JoinCustomerTable(options.addresses_path, options.join_key, result.transactions));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

IngestResult Ingest(const IngestOptions& options) {
  options.Validate();
  return RunIngest(internal::OpenByteSource(options.path), options);
}

IngestResult IngestText(std::string_view text, const IngestOptions& options) {
  options.Validate();
  return RunIngest(internal::MemoryByteSource(text, options.path), options);
}

}  // namespace segcast
