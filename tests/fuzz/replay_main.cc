// Replays files through every fuzz target without libFuzzer, for the normal (GCC) build and CTest.
//
// Each *_fuzzer.cc is compiled into this program with its LLVMFuzzerTestOneInput renamed (see
// tests/fuzz/CMakeLists.txt). Every file given, or found under a folder given, is run through every
// target; a crash, a sanitizer report or a broken invariant aborts the program, so CTest fails and
// names the file last printed with --verbose.
//
//   fuzz_replay tests/fuzz/corpus tests/fuzz/regressions
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int FuzzIngest(const uint8_t* data, size_t size);
extern "C" int FuzzDate(const uint8_t* data, size_t size);
extern "C" int FuzzRunConfig(const uint8_t* data, size_t size);
extern "C" int FuzzSeriesForecast(const uint8_t* data, size_t size);
extern "C" int FuzzSeriesCluster(const uint8_t* data, size_t size);
extern "C" int FuzzPersonaRules(const uint8_t* data, size_t size);

namespace {

struct Target {
  const char* name;
  int (*run)(const uint8_t*, size_t);
};
constexpr Target kTargets[] = {
    {"ingest", FuzzIngest},
    {"date", FuzzDate},
    {"run_config", FuzzRunConfig},
    {"series_forecast", FuzzSeriesForecast},
    {"series_cluster", FuzzSeriesCluster},
    {"persona_rules", FuzzPersonaRules},
};

void Collect(const std::filesystem::path& path, std::vector<std::filesystem::path>& files) {
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  } else {
    files.push_back(path);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  std::vector<std::filesystem::path> files;
  for (int arg = 1; arg < argc; ++arg) {
    if (std::strcmp(argv[arg], "--verbose") == 0) {
      verbose = true;
    } else {
      Collect(argv[arg], files);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: fuzz_replay [--verbose] FILE_OR_DIR...\n");
    return 2;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "fuzz_replay: cannot read %s\n", file.c_str());
      return 1;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
    for (const Target& target : kTargets) {
      if (verbose) std::fprintf(stderr, "%s <- %s\n", target.name, file.c_str());
      target.run(data, bytes.size());
    }
  }
  std::printf("fuzz_replay: %zu files x %zu targets, no failure\n", files.size(), std::size(kTargets));
  return 0;
}
