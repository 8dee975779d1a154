// Reads a source on a background thread and hands out record-aligned blocks of text, so that
// reading and decompression overlap with parsing and blocks can be parsed in parallel.
//
// A block holds whole records only (a record is never split between blocks), its first physical
// line number, and how much of the file had been consumed when it was cut. A UTF-8 byte-order
// mark at the start of the data is dropped.
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
#include <thread>
#include <vector>

#include "ingest/byte_source.h"

namespace segcast::internal {

struct Block {
  std::string text;        //!< whole records; the last block may end without a line break
  int64_t first_line = 1;  //!< physical line of text[0]
  int64_t consumed = 0;    //!< file bytes consumed when the block was cut
  bool last = false;       //!< no block follows
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
  void Recycle(std::string&& text);
  const ByteSource& source() const { return *source_; }

 private:
  void Run();
  void Produce();
  bool Push(Block block);

  std::unique_ptr<ByteSource> source_;
  size_t block_bytes_;
  size_t queue_depth_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Block> queue_;
  std::vector<std::string> spare_;
  bool done_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace segcast::internal
