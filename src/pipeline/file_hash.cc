// The run manifest's SHA-256 comes from a module loaded on first use (pipeline/file_hash_module.h),
// so libcrypto is mapped by `segcast run` only, not at the start of every command.
#include <string>

#include "core/module_loader.h"
#include "pipeline/file_hash_module.h"
#include "pipeline/run_state.h"
#include "segcast/error.h"

namespace segcast::internal {

std::string Sha256File(const std::string& path) {
  const auto sha256 = LoadModuleEntry<ConfigError, Sha256FileFunction>(
      kFileHashModule, kFileHashModuleEntry,
      "libsegcast_file_hash.so beside the segcast executable (build the segcast_file_hash "
      "target; it needs libssl-dev)");
  return sha256(path);
}

}  // namespace segcast::internal
