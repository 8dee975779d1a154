// A loadable module for tests/unit/core/module_loader_test.cc: one exported entry point with a
// result the test can check, and one hidden function dlsym must not find.
#include <cstdint>

namespace {
std::int64_t Weighted(std::int64_t first, std::int64_t second) { return 3 * first + second; }
}  // namespace

extern "C" __attribute__((visibility("default"))) std::int64_t segcast_test_module_weighted(
    std::int64_t first, std::int64_t second) {
  return Weighted(first, second);
}

extern "C" std::int64_t segcast_test_module_hidden() { return 7; }
