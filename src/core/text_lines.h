// Text files of the series readers (clustering and forecasting) and of segment assignments:
// line by line, gzip or plain (zlib's gz* functions pass plain files through), and the fields of
// one CSV record.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace segcast::internal {

class TextLineReader {
 public:
  explicit TextLineReader(const std::string& path);
  ~TextLineReader();
  TextLineReader(const TextLineReader&) = delete;
  TextLineReader& operator=(const TextLineReader&) = delete;

  //! Next line without its line ending; false at the end of the file.
  bool Next(std::string& line);
  //! 1-based number of the line last returned.
  int64_t line_number() const { return line_number_; }

 private:
  std::string path_;
  gzFile file_ = nullptr;
  std::string buffer_;
  size_t position_ = 0;
  bool eof_ = false;
  int64_t line_number_ = 0;
};

//! The fields of one CSV record (RFC 4180: a quoted field may hold commas and "" for a quote).
//! Records spanning lines are not supported: these files hold ids, months and numbers.
void SplitCsvRecord(std::string_view line, std::vector<std::string>& fields);
inline std::vector<std::string> SplitCsvRecord(std::string_view line) {
  std::vector<std::string> fields;
  SplitCsvRecord(line, fields);
  return fields;
}

}  // namespace segcast::internal
