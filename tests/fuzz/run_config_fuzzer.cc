// Fuzz target: the TOML run configuration (LoadRunConfig, include/segcast/pipeline.h).
// The input is the file's text; it reaches LoadRunConfig through a memory file. A documented
// refusal is a ConfigError; loaded options then go through RunOptions::Validate(), which may refuse
// them with InvalidArgument but must not fail in any other way.
#include <cstdint>

#include "fuzz_support.h"
#include "segcast/error.h"
#include "segcast/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static segcast::fuzz::ScratchFile scratch;  // one memory file per process, reused
  const std::string path = scratch.Write(data, size);
  segcast::RunOptions options;
  try {
    segcast::LoadRunConfig(path, options);
  } catch (const segcast::ConfigError&) {
    return 0;
  }
  try {
    options.Validate();
  } catch (const segcast::InvalidArgument&) {
    // Values of the right type but outside their range are refused here, as `segcast run` does.
  }
  return 0;
}
