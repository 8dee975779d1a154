// SHA-256 of a file through OpenSSL, built as the loadable module libsegcast_file_hash.so
// (pipeline/file_hash_module.h).
#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "pipeline/file_hash_module.h"
#include "segcast/error.h"

// The module's only exported symbol (everything else is hidden).
extern "C" __attribute__((visibility("default"))) std::string segcast_file_hash_sha256(
    const std::string& path) {
  using segcast::Error;
  using segcast::ErrorKind;
  static_assert(std::is_same_v<decltype(&segcast_file_hash_sha256),
                               segcast::internal::Sha256FileFunction>);
  std::ifstream file(path, std::ios::binary);
  if (!file) throw segcast::InputError("cannot read file to hash it", {.file = path});
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorKind::kInternal, "OpenSSL SHA-256 is unavailable");
  }
  std::vector<char> buffer(1 << 20);
  while (file) {
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (file.gcount() > 0) EVP_DigestUpdate(context.get(), buffer.data(), file.gcount());
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(context.get(), digest.data(), &size);
  std::string hex;
  char byte[3];
  for (unsigned int index = 0; index < size; ++index) {
    std::snprintf(byte, sizeof byte, "%02x", digest[index]);
    hex += byte;
  }
  return hex;
}
