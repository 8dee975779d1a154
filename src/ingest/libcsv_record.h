// Splits one CSV record into fields with libcsv (non-strict, no space trimming): the path for
// records holding quotes, and for headers and joined tables.
//
//   LibcsvRecord parser;
//   const std::vector<std::string>& fields = parser.Split("a,\"b,c\",d");  // a | b,c | d
#pragma once

#include <csv.h>

#include <string>
#include <string_view>
#include <vector>

namespace segcast::internal {

class LibcsvRecord {
 public:
  LibcsvRecord();
  ~LibcsvRecord();
  LibcsvRecord(const LibcsvRecord&) = delete;
  LibcsvRecord& operator=(const LibcsvRecord&) = delete;

  //! Fields of one record (its bytes without the line break). Valid until the next call.
  const std::vector<std::string>& Split(std::string_view record);

 private:
  static void OnField(void* data, size_t size, void* self);
  static void OnRecordEnd(int terminator, void* self);

  csv_parser parser_;
  std::vector<std::string> fields_;
  size_t field_count_ = 0;
};

//! The record's fields written back in one canonical CSV form: a field is quoted (with doubled
//! quotes) only when it holds a comma, CR or LF or starts with '"'. For a record without quotes
//! this is the record itself, so equal field lists give equal text however they were quoted.
void AppendCanonicalRecord(const std::vector<std::string>& fields, std::string& out);

}  // namespace segcast::internal
