#include "ingest/csv_table.h"

#include <cstring>

#include "ingest/byte_source.h"
#include "ingest/libcsv_record.h"
#include "ingest/record_cursor.h"
#include "segcast/error.h"

namespace segcast::internal {

CsvTable ReadCsvTable(const std::string& path) {
  std::unique_ptr<ByteSource> source = OpenByteSource(path);
  std::string text = ReadAll(*source);
  size_t offset = (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
  RecordCursor cursor(text.data() + offset, text.size() - offset, 1);
  LibcsvRecord parser;
  CsvTable table;
  Record record;
  bool have_header = false;
  while (cursor.Next(record)) {
    if (record.open_quote) {
      throw InputError("a quoted field is still open at the end of the file",
                       {.file = path, .line = record.line, .expected = "a closing '\"'"});
    }
    const std::vector<std::string>& fields =
        parser.Split(std::string_view(text.data() + offset + record.begin, record.end - record.begin));
    if (!have_header) {
      table.header = fields;
      have_header = true;
      continue;
    }
    if (fields.size() != table.header.size()) {
      throw InputError("row has " + std::to_string(fields.size()) + " fields",
                       {.file = path,
                        .line = record.line,
                        .expected = std::to_string(table.header.size()) + " fields like the header"});
    }
    table.rows.push_back(fields);
    table.lines.push_back(record.line);
  }
  if (!have_header) throw InputError("empty file", {.file = path, .line = 1, .expected = "a header row"});
  return table;
}

}  // namespace segcast::internal
