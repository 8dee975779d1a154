// Reading the CSV files a run folder holds (RFC 4180: quoted fields with "" escapes and embedded
// commas or line breaks), into memory: run files are at most a few MB.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace segcast::internal {

struct RunCsv {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  //!< every row has header.size() fields

  //! Index of a header column; throws InputError naming the file when absent.
  int Column(const std::string& name) const;
  //! A field as a double: "" and "nan" give NaN; anything else unparsable throws InputError with
  //! the file, line (1-based, header = line 1) and column.
  double Number(size_t row, int column) const;
};

//! Reads a whole CSV file with its header; throws InputError when unreadable or a row has the
//! wrong number of fields.
RunCsv ReadRunCsv(const std::string& path);

}  // namespace segcast::internal
