// A small CSV table read whole into memory (plain or gzip): the per-customer tables that are
// joined into the transactions. Same CSV rules as the log (libcsv, BOM skipped, blank lines
// skipped).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace segcast::internal {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;  //!< physical line of each row
};

//! Reads the file. Throws InputError naming file and line for an unreadable or empty file, a
//! row whose field count differs from the header's, or a quoted field left open.
CsvTable ReadCsvTable(const std::string& path);

}  // namespace segcast::internal
