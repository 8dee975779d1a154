// Line-by-line reading of (optionally gzip-compressed) CSV files for the forecast stage's small
// inputs: long series files, the tourism file, segment assignments. zlib's gz reader passes plain
// files through unchanged, so one path reads both.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "segcast/error.h"

namespace segcast::internal {

class LineReader {
 public:
  explicit LineReader(const std::string& path) : path_(path), file_(gzopen(path.c_str(), "rb")) {
    if (file_ == nullptr)
      throw InputError("cannot open series file", ErrorLocation{path, 0, "", "a readable CSV file"});
  }
  ~LineReader() {
    if (file_ != nullptr) gzclose(file_);
  }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool Next(std::string& line) {
    line.clear();
    char buffer[65536];
    while (gzgets(file_, buffer, sizeof buffer) != nullptr) {
      line += buffer;
      if (!line.empty() && line.back() == '\n') break;
    }
    int error = Z_OK;
    gzerror(file_, &error);
    if (error != Z_OK && error != Z_STREAM_END)
      throw InputError("cannot decompress series file", ErrorLocation{path_, number_ + 1, "", ""});
    if (line.empty()) return false;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    ++number_;
    return true;
  }
  int64_t number() const { return number_; }

 private:
  std::string path_;
  gzFile file_;
  int64_t number_ = 0;
};

//! RFC 4180 fields of one line (quoted fields may hold commas and doubled quotes).
inline std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t at = 0; at < line.size(); ++at) {
    const char c = line[at];
    if (quoted) {
      if (c == '"' && at + 1 < line.size() && line[at + 1] == '"') {
        fields.back() += '"';
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace segcast::internal
