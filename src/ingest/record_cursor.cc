#include "ingest/record_cursor.h"

#include <cstring>

namespace segcast::internal {

bool RecordCursor::Next(Record& record) {
  while (position_ < size_ && (data_[position_] == '\n' || data_[position_] == '\r')) {
    if (data_[position_] == '\n') ++line_;
    ++position_;
  }
  if (position_ >= size_) return false;
  record.begin = position_;
  record.line = line_;
  record.open_quote = false;
  const char* start = data_ + position_;
  size_t remaining = size_ - position_;
  const void* newline = std::memchr(start, '\n', remaining);
  size_t length = newline ? static_cast<size_t>(static_cast<const char*>(newline) - start) : remaining;
  size_t content = (length > 0 && start[length - 1] == '\r') ? length - 1 : length;
  // Most records have no quote and no stray CR: the line is the record.
  if (std::memchr(start, '"', content) == nullptr && std::memchr(start, '\r', content) == nullptr) {
    record.end = position_ + content;
    record.has_quote = false;
    record.terminated = newline != nullptr || content < length;
    position_ += content;
    return true;
  }
  record.has_quote = std::memchr(start, '"', content) != nullptr;
  ScanQuoted(record);
  return true;
}

void RecordCursor::ScanQuoted(Record& record) {
  QuoteState state = QuoteState::kFieldStart;
  int64_t inner_lines = 0;
  size_t index = position_;
  for (; index < size_; ++index) {
    const char c = data_[index];
    if (EndsRecord(state, c)) break;
    inner_lines += c == '\n';  // a LF that does not end the record is inside a quoted field
  }
  record.end = index;
  record.terminated = index < size_;
  record.open_quote = index == size_ && state == QuoteState::kQuoted;
  line_ += inner_lines;
  position_ = index;
}

bool ContinueRecord(std::string_view text, QuoteState& state) {
  for (char c : text) {
    if (EndsRecord(state, c)) return true;
  }
  return false;
}

}  // namespace segcast::internal
