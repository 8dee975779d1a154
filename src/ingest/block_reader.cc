#include "ingest/block_reader.h"

#include <algorithm>
#include <cstring>

#include "ingest/huge_pages.h"
#include "ingest/record_cursor.h"

namespace segcast::internal {
namespace {

struct Cut {
  size_t offset = 0;      // bytes of the buffer that form whole records
  int64_t end_line = 0;   // physical line at that offset
};

// Where the buffer can be cut so that the first part holds only whole records. Between quotes
// every line break ends a record, so only the records holding a quote are walked byte by byte
// (libcsv's rules, RecordCursor); the rest is found with memchr.
Cut FindCut(const std::string& buffer, int64_t first_line) {
  const char* data = buffer.data();
  const size_t size = buffer.size();
  size_t cut = 0;
  size_t position = 0;
  while (position < size) {
    const void* quote = std::memchr(data + position, '"', size - position);
    const size_t limit = quote ? static_cast<size_t>(static_cast<const char*>(quote) - data) : size;
    const void* newline = memrchr(data + position, '\n', limit - position);
    if (newline != nullptr) cut = static_cast<size_t>(static_cast<const char*>(newline) - data);
    if (quote == nullptr) break;
    // The record holding the quote starts after that line break (or at `position`).
    const size_t record_start = newline ? cut + 1 : position;
    RecordCursor cursor(data + record_start, size - record_start, 0);
    Record record;
    if (!cursor.Next(record) || !record.terminated) break;
    cut = record_start + record.end;
    position = cut;
  }
  return Cut{cut, first_line + std::count(data, data + cut, '\n')};
}

}  // namespace

BlockReader::BlockReader(std::unique_ptr<ByteSource> source, size_t block_bytes, size_t queue_depth)
    : source_(std::move(source)), block_bytes_(block_bytes), queue_depth_(std::max<size_t>(queue_depth, 1)) {
  thread_ = std::thread([this] { Run(); });
}

BlockReader::~BlockReader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void BlockReader::Run() {
  try {
    Produce();
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  changed_.notify_all();
}

bool BlockReader::Push(Block block) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return stop_ || queue_.size() < queue_depth_; });
  if (stop_) return false;
  queue_.push_back(std::move(block));
  lock.unlock();
  changed_.notify_all();
  return true;
}

void BlockReader::Produce() {
  std::string carry;
  int64_t line = 1;
  size_t want = block_bytes_;
  bool first = true;
  while (true) {
    std::string buffer;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!spare_.empty()) {
        buffer = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    buffer.clear();  // nothing to keep: a reallocation below then copies nothing
    if (buffer.capacity() < carry.size() + want) {
      // Slack for the carried partial record, so recycled buffers fit the next block.
      buffer.reserve(carry.size() + want + (size_t{1} << 20));
      AdviseHugePages(buffer.data(), buffer.capacity());
    }
    buffer.resize(carry.size() + want);
    std::memcpy(buffer.data(), carry.data(), carry.size());
    size_t got = source_->Read(buffer.data() + carry.size(), want);
    buffer.resize(carry.size() + got);
    carry.clear();
    if (first && buffer.size() >= 3 && std::memcmp(buffer.data(), "\xEF\xBB\xBF", 3) == 0) {
      buffer.erase(0, 3);
    }
    first = false;
    if (got < want) {
      Push(Block{std::move(buffer), line, source_->consumed(), true});
      return;
    }
    Cut cut = FindCut(buffer, line);
    if (cut.offset == 0) {
      // One record longer than a block: read on, growing geometrically to stay linear.
      carry = std::move(buffer);
      want *= 2;
      continue;
    }
    want = block_bytes_;
    carry.assign(buffer, cut.offset, std::string::npos);
    buffer.resize(cut.offset);
    if (!Push(Block{std::move(buffer), line, source_->consumed(), false})) return;
    line = cut.end_line;
  }
}

void BlockReader::Recycle(std::string&& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (spare_.size() < queue_depth_ + 2) spare_.push_back(std::move(text));
}

bool BlockReader::Next(Block& block) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return !queue_.empty() || done_; });
  if (queue_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  block = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  changed_.notify_all();
  return true;
}

}  // namespace segcast::internal
