#include "web/run_csv.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "segcast/error.h"

namespace segcast::internal {
namespace {

// Splits the text into records of fields; quotes may span line breaks, so this works on the whole
// text rather than line by line.
std::vector<std::vector<std::string>> SplitRecords(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  for (size_t position = 0; position < text.size(); ++position) {
    const char c = text[position];
    if (quoted) {
      if (c == '"') {
        if (position + 1 < text.size() && text[position + 1] == '"') {
          field += '"';
          ++position;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && position + 1 < text.size() && text[position + 1] == '\n') ++position;
      if (field_started || !field.empty() || !record.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
      }
      record.clear();
      field.clear();
      field_started = false;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (field_started || !field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

int RunCsv::Column(const std::string& name) const {
  for (size_t column = 0; column < header.size(); ++column) {
    if (header[column] == name) return static_cast<int>(column);
  }
  throw InputError("missing column '" + name + "'", {.file = path, .line = 1, .field = name});
}

double RunCsv::Number(size_t row, int column) const {
  const std::string& text = rows[row][column];
  if (text.empty() || text == "nan" || text == "NaN") return std::nan("");
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw InputError("not a number: '" + text + "'",
                     {.file = path, .line = static_cast<int64_t>(row) + 2, .field = header[column],
                      .expected = "a number"});
  }
  return value;
}

RunCsv ReadRunCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open the file", {.file = path});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::vector<std::vector<std::string>> records = SplitRecords(buffer.str());
  RunCsv csv;
  csv.path = path;
  if (records.empty()) throw InputError("empty file, a header was expected", {.file = path, .line = 1});
  csv.header = std::move(records.front());
  csv.rows.reserve(records.size() - 1);
  for (size_t record = 1; record < records.size(); ++record) {
    if (records[record].size() != csv.header.size()) {
      throw InputError("wrong number of fields",
                       {.file = path, .line = static_cast<int64_t>(record) + 1,
                        .expected = std::to_string(csv.header.size()) + " fields"});
    }
    csv.rows.push_back(std::move(records[record]));
  }
  return csv;
}

}  // namespace segcast::internal
