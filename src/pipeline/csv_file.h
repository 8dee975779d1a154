// A CSV output file of a run folder: header, typed rows, and an error when the disk is full.
#pragma once

#include <cerrno>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>

#include "internal/text_output.h"
#include "segcast/error.h"

namespace segcast::internal {

class CsvFile {
 public:
  CsvFile(const std::filesystem::path& path, const std::string& header)
      : path_(path), out_((errno = 0, path), std::ios::binary) {
    if (!out_) ThrowWriteFailure("creating the output file", path.string(), errno);
    out_ << header << '\n';
  }
  template <typename... Fields>
  void Row(const Fields&... fields) {
    bool first = true;
    ((out_ << (first ? "" : ",") << Text(fields), first = false), ...);
    out_ << '\n';
    // Checked at once: errno still holds the failed write's reason (a full disk: NoSpaceError).
    if (!out_) ThrowWriteFailure("writing the output file", path_.string(), errno);
  }
  ~CsvFile() noexcept(false) {
    out_.flush();
    if (!out_ && std::uncaught_exceptions() == 0) {
      ThrowWriteFailure("writing the output file", path_.string(), errno);
    }
  }

 private:
  static std::string Text(const std::string& value) { return CsvField(value); }
  static std::string Text(const char* value) { return CsvField(value); }
  static std::string Text(double value) { return FormatNumber(value); }
  static std::string Text(bool value) { return value ? "true" : "false"; }
  template <typename Integer>
  static std::string Text(Integer value) requires std::is_integral_v<Integer> {
    return std::to_string(value);
  }
  std::filesystem::path path_;
  std::ofstream out_;
};

}  // namespace segcast::internal
