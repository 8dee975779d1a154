#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "ingest/libcsv_record.h"
#include "ingest/record_cursor.h"

using segcast::internal::LibcsvRecord;
using segcast::internal::Record;
using segcast::internal::RecordCursor;

namespace {

struct Found {
  std::string text;
  int64_t line;
  bool has_quote;
};

std::vector<Found> Records(const std::string& text) {
  RecordCursor cursor(text.data(), text.size(), 1);
  std::vector<Found> found;
  Record record;
  while (cursor.Next(record)) {
    found.push_back({text.substr(record.begin, record.end - record.begin), record.line, record.has_quote});
  }
  return found;
}

// Feeding libcsv the whole text in one call gives the reference record split.
std::vector<std::vector<std::string>> LibcsvWhole(const std::string& text) {
  struct State {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
  } state;
  csv_parser parser;
  csv_init(&parser, 0);
  csv_set_space_func(&parser, [](unsigned char) { return 0; });
  auto on_field = [](void* data, size_t size, void* self) {
    static_cast<State*>(self)->row.emplace_back(data ? static_cast<const char*>(data) : "", size);
  };
  auto on_row = [](int, void* self) {
    auto* s = static_cast<State*>(self);
    s->rows.push_back(std::move(s->row));
    s->row.clear();
  };
  csv_parse(&parser, text.data(), text.size(), on_field, on_row, &state);
  csv_fini(&parser, on_field, on_row, &state);
  csv_free(&parser);
  return state.rows;
}

}  // namespace

TEST_CASE("records end at line breaks outside quotes; lines count LF bytes", "[ingest][csv]") {
  std::string text = "a,b\n\"x\ny\",2\r\n\n\nlast,\"q\"\"q\"";
  std::vector<Found> found = Records(text);
  REQUIRE(found.size() == 3);
  CHECK(found[0].text == "a,b");
  CHECK(found[0].line == 1);
  CHECK_FALSE(found[0].has_quote);
  CHECK(found[1].text == "\"x\ny\",2");
  CHECK(found[1].line == 2);
  CHECK(found[1].has_quote);
  CHECK(found[2].text == "last,\"q\"\"q\"");
  CHECK(found[2].line == 6);  // line 3 is the quoted field's second line, 4 and 5 are blank
}

TEST_CASE("the cursor splits records exactly as libcsv does", "[ingest][csv]") {
  const std::vector<std::string> texts = {
      "a,b,c\n1,2,3\n",
      "a,\"b,c\",d\n\"multi\nline\",x,y\n",
      "ab\"c,d\ne,f\n",                  // quote inside an unquoted field is a plain byte
      "\"ab\"c,d\"\nx\",y\nz,w\n",      // "ab"c keeps the field quoted until "," or a line end
      "a\rb,c\r\nd,e\n",                // a lone CR ends a record too
      "\"\",\"\"\"\",x\n",              // empty quoted field and an escaped quote
      "a,b,\n,,\n",
  };
  for (const std::string& text : texts) {
    std::vector<std::vector<std::string>> expected = LibcsvWhole(text);
    std::vector<Found> found = Records(text);
    LibcsvRecord parser;
    INFO(text);
    REQUIRE(found.size() == expected.size());
    for (size_t row = 0; row < found.size(); ++row) CHECK(parser.Split(found[row].text) == expected[row]);
  }
}

TEST_CASE("a quoted field left open is flagged", "[ingest][csv]") {
  std::string text = "a,b\n\"never closed,1\n2,3\n";
  RecordCursor cursor(text.data(), text.size(), 1);
  Record record;
  REQUIRE(cursor.Next(record));
  CHECK_FALSE(record.open_quote);
  REQUIRE(cursor.Next(record));
  CHECK(record.open_quote);
  CHECK(record.line == 2);
}

TEST_CASE("canonical record text does not depend on how fields were quoted", "[ingest][csv]") {
  LibcsvRecord parser;
  std::string plain;
  segcast::internal::AppendCanonicalRecord(parser.Split("a,b\"c,d"), plain);
  CHECK(plain == "a,b\"c,d");
  std::string quoted;
  segcast::internal::AppendCanonicalRecord(parser.Split("\"a\",\"b\"\"c\",d"), quoted);
  CHECK(quoted == plain);
  std::string comma;
  segcast::internal::AppendCanonicalRecord(parser.Split("\"x,y\",z"), comma);
  CHECK(comma == "\"x,y\",z");
}
