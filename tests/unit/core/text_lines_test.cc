// The text files of the series readers: lines of plain and gzip files, and CSV record fields.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/text_lines.h"
#include "segcast/error.h"

using segcast::internal::SplitCsvRecord;
using segcast::internal::TextLineReader;
namespace fs = std::filesystem;

namespace {

fs::path TempPath(const std::string& name) {
  return fs::temp_directory_path() / ("segcast_text_lines_" + std::to_string(::getpid()) + "_" + name);
}

std::vector<std::string> AllLines(const fs::path& path, int64_t* last_number) {
  TextLineReader reader(path.string());
  std::vector<std::string> lines;
  std::string line;
  while (reader.Next(line)) lines.push_back(line);
  *last_number = reader.line_number();
  return lines;
}

}  // namespace

TEST_CASE("text lines: plain and gzip files give the same lines, CR LF and a missing last newline",
          "[core][text_lines]") {
  const std::string text = "id,month,value\r\na,2011-01,1\n\nb,2011-02,\"2,5\"";
  const fs::path plain = TempPath("plain.csv");
  std::ofstream(plain, std::ios::binary) << text;
  const fs::path packed = TempPath("packed.csv.gz");
  gzFile file = gzopen(packed.c_str(), "wb");
  REQUIRE(file != nullptr);
  gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
  gzclose(file);
  const std::vector<std::string> expected = {"id,month,value", "a,2011-01,1", "", "b,2011-02,\"2,5\""};
  int64_t number = 0;
  CHECK(AllLines(plain, &number) == expected);
  CHECK(number == 4);
  CHECK(AllLines(packed, &number) == expected);
  CHECK(number == 4);
  fs::remove(plain);
  fs::remove(packed);
  CHECK_THROWS_AS(TextLineReader(TempPath("missing.csv").string()), segcast::InputError);
}

TEST_CASE("CSV record fields: quotes, doubled quotes, empty fields", "[core][text_lines]") {
  CHECK(SplitCsvRecord("a,b,c") == std::vector<std::string>{"a", "b", "c"});
  CHECK(SplitCsvRecord("\"x, y\",\"say \"\"hi\"\"\",") == std::vector<std::string>{"x, y", "say \"hi\"", ""});
  CHECK(SplitCsvRecord("") == std::vector<std::string>{""});
  CHECK(SplitCsvRecord(",") == std::vector<std::string>{"", ""});
}
