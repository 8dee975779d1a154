#include "ingest/block_reader.h"

#include <algorithm>
#include <cstring>

#include "ingest/record_cursor.h"

namespace segcast::internal {
namespace {

struct Cut {
  size_t offset = 0;      // bytes of the buffer that form whole records
  int64_t end_line = 0;   // physical line at that offset
};

// Where the buffer can be cut so that the first part holds only whole records.
Cut FindCut(const std::string& buffer, int64_t first_line) {
  Cut cut{0, first_line};
  // Without quotes every line break ends a record: no need to walk the records.
  if (std::memchr(buffer.data(), '"', buffer.size()) == nullptr) {
    size_t newline = buffer.rfind('\n');
    if (newline == std::string::npos) return cut;
    cut.offset = newline;
    cut.end_line = first_line + std::count(buffer.data(), buffer.data() + newline, '\n');
    return cut;
  }
  RecordCursor cursor(buffer.data(), buffer.size(), first_line);
  Record record;
  while (cursor.Next(record) && record.terminated) {
    cut.offset = record.end;
    cut.end_line = cursor.line();
  }
  return cut;
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
