#include "ingest/block_reader.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "internal/huge_pages.h"
#include "ingest/record_cursor.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace segcast::internal {
namespace {

// LF bytes in [data, data + size): sixteen bytes per step (std::count compiled to a byte loop).
int64_t CountNewlines(const char* data, size_t size) {
  int64_t count = 0;
  size_t index = 0;
#if defined(__SSE2__)
  // Byte lanes count matches (a match compares as -1) for up to 255 steps, then are summed.
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  __m128i total = zero;
  while (index + 16 <= size) {
    __m128i lanes = zero;
    for (int step = 0; step < 255 && index + 16 <= size; ++step, index += 16) {
      const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + index));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(chunk, newline));
    }
    total = _mm_add_epi64(total, _mm_sad_epu8(lanes, zero));
  }
  count = _mm_cvtsi128_si64(total) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(total, total));
#endif
  for (; index < size; ++index) count += data[index] == '\n';
  return count;
}

// Where the buffer can be cut so that the first part holds only whole records (0: nowhere).
// Between quotes every line break ends a record, so only the records holding a quote are walked
// byte by byte (libcsv's rules, RecordCursor); the rest is found with memchr.
size_t FindCut(std::string_view buffer) {
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
  return cut;
}

// Where a window of mapped text is cut speculatively: at its last LF (0: it has none). Whether
// that LF ends a record is decided when the block before is parsed (ParsedBlock::open_quote).
size_t LastNewline(std::string_view window) {
  const void* newline = memrchr(window.data(), '\n', window.size());
  return newline ? static_cast<size_t>(static_cast<const char*>(newline) - window.data()) : 0;
}

// True when the text holds a byte other than a line break, i.e. the start of a record.
bool HasRecord(std::string_view text) {
  return text.find_first_not_of("\r\n") != std::string_view::npos;
}

// Maps a window of a memory-mapped file into the page tables in one call, on the reader thread,
// instead of one page fault per 64 KiB as the scans first touch it (faults are costly in a
// virtual machine). A hint: kernels before 5.14 refuse it and the faults happen as before.
void Prefault(std::string_view window) {
#ifdef MADV_POPULATE_READ
  constexpr uintptr_t kPage = 4096;
  auto begin = reinterpret_cast<uintptr_t>(window.data()) & ~(kPage - 1);
  auto end = reinterpret_cast<uintptr_t>(window.data() + window.size());
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_READ);
#else
  (void)window;
#endif
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

void BlockReader::ProduceViews(std::string_view whole) {
  size_t position = 0;
  if (whole.size() >= 3 && std::memcmp(whole.data(), "\xEF\xBB\xBF", 3) == 0) position = 3;
  // Blocks up to the one holding the header are cut exactly and know their first line (the header
  // is read from them); that first block is kept small so that the exact cut costs little.
  // Every later block is cut at the last LF of its window without looking at quotes.
  bool exact = true;
  int64_t line = 1;
  constexpr size_t kFirstBlockBytes = size_t{64} << 10;
  size_t want = std::min(block_bytes_, kFirstBlockBytes);
  while (true) {
    Block block;
    block.in_source = true;
    block.speculative = !exact;
    block.first_line = exact ? line : 0;
    if (whole.size() - position <= want) {
      block.view = whole.substr(position);
      Prefault(block.view);
      block.consumed = static_cast<int64_t>(whole.size());
      block.last = true;
      Push(std::move(block));
      return;
    }
    std::string_view window = whole.substr(position, want);
    Prefault(window);
    const size_t cut = exact ? FindCut(window) : LastNewline(window);
    if (cut == 0) {
      want *= 2;  // one record (or line) longer than a block: look further, geometrically
      continue;
    }
    want = block_bytes_;
    block.view = window.substr(0, cut);
    block.consumed = static_cast<int64_t>(position + cut);
    if (exact) {
      line += CountNewlines(block.view.data(), cut);
      exact = !HasRecord(block.view);
    }
    if (!Push(std::move(block))) return;
    position += cut;
  }
}

void BlockReader::Produce() {
  if (std::string_view whole = source_->Whole(); !whole.empty()) {
    ProduceViews(whole);
    return;
  }
  TextBuffer carry;
  int64_t line = 1;
  bool header_pending = true;  // no block so far held a record
  size_t want = block_bytes_;
  bool first = true;
  while (true) {
    TextBuffer buffer;
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
      PopulateForWrite(buffer.data(), buffer.capacity());
    }
    buffer.resize(carry.size() + want);
    // memcpy from an empty carry's null data() is undefined even for 0 bytes (UBSan, fuzzing).
    if (!carry.empty()) std::memcpy(buffer.data(), carry.data(), carry.size());
    size_t got = source_->Read(buffer.data() + carry.size(), want);
    buffer.resize(carry.size() + got);
    carry.clear();
    if (first && buffer.size() >= 3 && std::memcmp(buffer.data(), "\xEF\xBB\xBF", 3) == 0) {
      buffer.erase(buffer.begin(), buffer.begin() + 3);
    }
    first = false;
    if (got < want) {
      Block block;
      block.storage = std::move(buffer);
      block.first_line = header_pending ? line : 0;
      block.consumed = source_->consumed();
      block.last = true;
      Push(std::move(block));
      return;
    }
    const size_t cut = FindCut(std::string_view(buffer.data(), buffer.size()));
    if (cut == 0) {
      // One record longer than a block: read on, growing geometrically to stay linear.
      carry = std::move(buffer);
      want *= 2;
      continue;
    }
    want = block_bytes_;
    carry.assign(buffer.begin() + static_cast<std::ptrdiff_t>(cut), buffer.end());
    buffer.resize(cut);
    // Lines are needed only up to the header; the merge derives every later block's first line.
    const bool before_header = header_pending;
    if (header_pending) header_pending = !HasRecord(std::string_view(buffer.data(), buffer.size()));
    Block block;
    block.storage = std::move(buffer);
    block.first_line = before_header ? line : 0;
    block.consumed = source_->consumed();
    if (before_header) line += CountNewlines(block.storage.data(), block.storage.size());
    if (!Push(std::move(block))) return;
  }
}

void BlockReader::Recycle(TextBuffer&& text) {
  if (text.capacity() == 0) return;
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
