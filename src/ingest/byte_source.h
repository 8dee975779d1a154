// Bytes of an input file, decompressed when it is gzip (detected from the magic bytes 1f 8b).
//
//   std::unique_ptr<ByteSource> source = OpenByteSource("log.csv.gz");
//   std::vector<char> buffer(1 << 20);
//   while (size_t got = source->Read(buffer.data(), buffer.size())) Consume(buffer.data(), got);
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace segcast::internal {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  //! Fills up to `capacity` bytes and returns how many; 0 only at the end of the data. Throws
  //! InputError on a read failure, corrupt or truncated gzip data.
  virtual size_t Read(char* buffer, size_t capacity) = 0;
  //! The whole text when it is already in memory (a memory-mapped plain file, or the text given to
  //! MemoryByteSource), so that blocks can be views into it instead of copies; empty otherwise.
  virtual std::string_view Whole() const { return {}; }
  //! Bytes of the file consumed so far (compressed bytes for gzip); safe from any thread.
  int64_t consumed() const { return consumed_.load(std::memory_order_relaxed); }
  //! Size of the file in bytes (0 when unknown).
  int64_t total_bytes() const { return total_bytes_; }
  bool gzip() const { return gzip_; }
  const std::string& name() const { return name_; }

 protected:
  std::string name_;
  std::atomic<int64_t> consumed_{0};
  int64_t total_bytes_ = 0;
  bool gzip_ = false;
};

//! Opens a plain or gzip file. A plain regular file is memory-mapped read-only (Whole()); when
//! mapping fails (a pipe, an empty file) it is read with fread. Throws InputError naming the file
//! when it cannot be opened. A mapped file must not be truncated by another process while it is
//! read (the kernel would end the process with SIGBUS), as for any memory-mapped reader.
std::unique_ptr<ByteSource> OpenByteSource(const std::string& path);
//! A source over text in memory (not copied: `text` must outlive the source).
std::unique_ptr<ByteSource> MemoryByteSource(std::string_view text, const std::string& name);
//! Every byte of a source.
std::string ReadAll(ByteSource& source);

}  // namespace segcast::internal
