// Reads a text file line by line, gzip or plain (zlib's gz* functions pass plain files through).
#pragma once

#include <zlib.h>

#include <string>

namespace segcast::internal {

class SeriesLineReader {
 public:
  explicit SeriesLineReader(const std::string& path);
  ~SeriesLineReader();
  SeriesLineReader(const SeriesLineReader&) = delete;
  SeriesLineReader& operator=(const SeriesLineReader&) = delete;

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

}  // namespace segcast::internal
