// Reads a source on a background thread and hands out record-aligned blocks of text, so that
// reading and decompression overlap with parsing and blocks can be parsed in parallel.
//
// Blocks read into memory (gzip, pipes) hold whole records only. Blocks that are views into a
// mapped file or text in memory are cut at the last LF of each window without scanning for quotes
// ("speculative"): such a cut may fall inside a quoted field, which the parse of the block before
// reveals (it ends inside an open quote) and the ordered merge repairs by re-parsing from that
// record's start. Each block knows how much of the file had been consumed when it was cut. A UTF-8 byte-order
// mark at the start of the data is dropped. When the source is already in memory (a mapped file,
// IngestText) blocks are views into it and nothing is copied.
//
//   BlockReader reader(OpenByteSource(path), 4 << 20, 4);
//   Block block;
//   while (reader.Next(block)) Parse(block);
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "ingest/byte_source.h"

namespace segcast::internal {

//! std::allocator, except that resize() leaves new elements default-initialised: a block's buffer
//! is sized before fread or inflate fills it, and zero-filling 4 MiB first was a wasted pass.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}  // NOLINT: rebinding
  template <typename U>
  void construct(U* place) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(place)) U;
  }
  template <typename U, typename... Args>
  void construct(U* place, Args&&... args) {
    ::new (static_cast<void*>(place)) U(std::forward<Args>(args)...);
  }
};

//! Bytes of text whose resize() does not zero-fill.
using TextBuffer = std::vector<char, UninitializedAllocator<char>>;

struct Block {
  TextBuffer storage;      //!< the block's bytes when they were read or inflated into memory
  std::string_view view;   //!< the block's bytes inside ByteSource::Whole() (storage unused)
  bool in_source = false;  //!< which of the two holds the text
  int64_t first_line = 1;  //!< physical line of text()[0]; known only for the blocks up to the
                           //!< one holding the header (the merge derives the others' lines)
  bool speculative = false;  //!< cut at an LF that may lie inside a quoted field (see ProduceViews)
  int64_t consumed = 0;    //!< file bytes consumed when the block was cut
  bool last = false;       //!< no block follows

  //! Whole records; the last block may end without a line break.
  std::string_view text() const { return in_source ? view : std::string_view(storage.data(), storage.size()); }
};

class BlockReader {
 public:
  //! Starts the reader thread. `block_bytes` of new input per block (a block grows when one
  //! record is longer); at most `queue_depth` blocks wait unparsed.
  BlockReader(std::unique_ptr<ByteSource> source, size_t block_bytes, size_t queue_depth);
  ~BlockReader();
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  //! The next block, in input order; false after the last. Rethrows the reader's exception.
  bool Next(Block& block);
  //! Gives a spent block's memory back for reuse (saves page faults on fresh allocations).
  void Recycle(TextBuffer&& text);
  const ByteSource& source() const { return *source_; }

 private:
  void Run();
  void Produce();
  void ProduceViews(std::string_view whole);
  bool Push(Block block);

  std::unique_ptr<ByteSource> source_;
  size_t block_bytes_;
  size_t queue_depth_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Block> queue_;
  std::vector<TextBuffer> spare_;
  bool done_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace segcast::internal
