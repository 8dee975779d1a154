// The contract between the pipeline and the file-hash module (libsegcast_file_hash.so, loaded on
// demand by core/module_loader.h): OpenSSL's libcrypto, the fastest SHA-256 on Debian (SHA-NI,
// AVX2), costs ~3-4 ms to map at every process start, and only `segcast run` hashes its inputs.
#pragma once

#include <string>

namespace segcast::internal {

inline constexpr const char* kFileHashModule = "segcast_file_hash";
inline constexpr const char* kFileHashModuleEntry = "segcast_file_hash_sha256";

//! Lower-case hex SHA-256 of the file at `path`. Throws InputError when it cannot be read.
using Sha256FileFunction = std::string (*)(const std::string& path);

}  // namespace segcast::internal
