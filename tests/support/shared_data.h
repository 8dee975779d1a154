// Paths of test inputs: small fixtures in tests/data, and the real data sets of the [shared] tier.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace segcast::testing {

//! A fixture file under tests/data.
inline std::filesystem::path FixturePath(const std::string& name) {
  return std::filesystem::path(SEGCAST_TEST_DATA_DIR) / name;
}

//! A file of ../shared/data. Only [shared] test cases call this: their runner skips the tier when
//! the folder is absent, so inside it a missing file is a real failure.
inline std::filesystem::path SharedDataPath(const std::string& name) {
  const char* root = std::getenv("SEGCAST_SHARED_DATA");
  return std::filesystem::path(root ? root : SEGCAST_SOURCE_DIR "/../shared/data") / name;
}

}  // namespace segcast::testing
