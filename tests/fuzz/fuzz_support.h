// Helpers shared by the fuzz targets (tests/fuzz/*_fuzzer.cc).
//
// Several library entry points read a path only (the gzip reader, the run configuration, the
// series readers). A target hands them its input through ScratchFile: an anonymous memory file
// (memfd_create) reopened through /proc/self/fd/N, so no file is left behind, parallel fuzzing
// jobs never share a file, and nothing touches the disk.
//
//   segcast::fuzz::ScratchFile file;              // one per process, reused for every input
//   std::string path = file.Write(data, size);    // "/proc/self/fd/7"
//   segcast::LoadRunConfig(path, options);
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace segcast::fuzz {

class ScratchFile {
 public:
  ScratchFile() {
    descriptor_ = memfd_create("segcast-fuzz", 0);
    if (descriptor_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
  }
  ~ScratchFile() { close(descriptor_); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  //! Replaces the file's bytes with `data` and returns a path that opens it.
  std::string Write(const uint8_t* data, size_t size) {
    if (ftruncate(descriptor_, 0) != 0) std::abort();
    size_t written = 0;
    while (written < size) {
      ssize_t got = pwrite(descriptor_, data + written, size - written, static_cast<off_t>(written));
      if (got <= 0) std::abort();
      written += static_cast<size_t>(got);
    }
    return "/proc/self/fd/" + std::to_string(descriptor_);
  }

 private:
  int descriptor_ = -1;
};

//! The first byte of an input chooses a mode, the rest is the payload.
struct Split {
  uint8_t selector = 0;
  const uint8_t* data = nullptr;
  size_t size = 0;
};
inline Split SplitSelector(const uint8_t* data, size_t size) {
  if (size == 0) return {0, data, 0};
  return {data[0], data + 1, size - 1};
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

//! A broken invariant: print it and abort, so libFuzzer records the input as a crash.
[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "segcast fuzz invariant broken: %s\n", what);
  std::abort();
}

}  // namespace segcast::fuzz
