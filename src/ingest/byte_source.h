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
  //! The whole text when it is addressable as one range (a plain file, or the text given to
  //! MemoryByteSource), so that blocks can be views into it instead of copies; empty otherwise.
  //! Bytes of a plain file become readable only once Prepare() has covered them.
  virtual std::string_view Whole() const { return {}; }
  //! Makes Whole()[0, end) readable (a plain file is read in as far as that). Called by one thread
  //! at a time, before the bytes are handed to others. Throws InputError when the read fails.
  virtual void Prepare(size_t end) { (void)end; }
  //! Whole()[0, end) will not be read again, so its memory may be given back.
  virtual void Release(size_t end) { (void)end; }
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

//! Opens a plain or gzip file. A plain regular file is read into one range of memory on 2 MiB
//! pages as the blocks are cut (Whole(), Prepare(), Release()); anything else (a pipe, an empty
//! file) is read with fread. Throws InputError naming the file when it cannot be opened, and when
//! a plain file becomes shorter while it is read.
std::unique_ptr<ByteSource> OpenByteSource(const std::string& path);
//! A source over text in memory (not copied: `text` must outlive the source).
std::unique_ptr<ByteSource> MemoryByteSource(std::string_view text, const std::string& name);
//! Every byte of a source.
std::string ReadAll(ByteSource& source);

}  // namespace segcast::internal
