// Helpers for the ingest tests: temporary files (plain or gzip) and one-call ingestion of text.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "segcast/ingest.h"

namespace segcast::testing {

//! A file under the system temp folder, removed when the object goes away.
class TempFile {
 public:
  explicit TempFile(const std::string& name, const std::string& content, bool gzip = false)
      : path_(std::filesystem::temp_directory_path() /
              ("segcast_ingest_test_" + std::to_string(::getpid()) + "_" + name)) {
    if (gzip) {
      gzFile file = gzopen(path_.c_str(), "wb");
      gzwrite(file, content.data(), static_cast<unsigned>(content.size()));
      gzclose(file);
    } else {
      std::ofstream(path_, std::ios::binary) << content;
    }
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline IngestResult IngestString(const std::string& text, IngestOptions options = {}) {
  if (options.path.empty()) options.path = "test.csv";
  options.collect_rejects = true;
  return IngestText(text, options);
}

inline int64_t Rejected(const IngestResult& result, RejectReason reason) {
  return result.report.rejected[static_cast<int>(reason)];
}

}  // namespace segcast::testing
