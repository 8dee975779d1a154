// Walks the CSV records of a text buffer with libcsv's record semantics, so that record
// boundaries can be found before parsing (to split work into blocks) without changing results.
//
// libcsv (non-strict, no space trimming) ends a record at a CR or LF outside quotes; a field is
// quoted only when its first byte is '"'; inside it "" is a quote and a '"' followed by anything
// but a delimiter or line end is kept as a plain character (the field stays quoted). Empty lines
// are skipped. This cursor follows exactly those rules. Lines are counted as LF bytes.
//
//   RecordCursor cursor(text.data(), text.size(), /*first_line=*/1);
//   Record record;
//   while (cursor.Next(record)) Use(text.substr(record.begin, record.end - record.begin));
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace segcast::internal {

struct Record {
  size_t begin = 0;         //!< offset of the record's first byte
  size_t end = 0;           //!< offset one past its last byte, line break excluded
  int64_t line = 0;         //!< physical line of its first byte
  bool has_quote = false;   //!< contains a '"': must go through libcsv
  bool terminated = false;  //!< a line break follows (false for a last line without one)
  bool open_quote = false;  //!< the data ended inside a quoted field
};

//! Where libcsv's record state machine is inside a record.
enum class QuoteState : uint8_t { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

//! One byte of a record under libcsv's rules: updates `state`, true when the byte (a CR or LF
//! outside a quoted field) ends the record.
inline bool EndsRecord(QuoteState& state, char c) {
  const bool line_end = c == '\n' || c == '\r';
  switch (state) {
    case QuoteState::kFieldStart:
      if (c == '"') state = QuoteState::kQuoted;
      else if (line_end) return true;
      else if (c != ',') state = QuoteState::kUnquoted;
      return false;
    case QuoteState::kUnquoted:
      if (c == ',') state = QuoteState::kFieldStart;
      return line_end;
    case QuoteState::kQuoted:
      if (c == '"') state = QuoteState::kQuoteInQuoted;
      return false;
    case QuoteState::kQuoteInQuoted:
      if (c == ',') state = QuoteState::kFieldStart;
      else if (line_end) return true;
      else state = QuoteState::kQuoted;  // "" is a quote; anything else is kept, still quoted
      return false;
  }
  return false;
}

//! Continues a record whose scan stopped in `state` at the end of earlier text: true when a byte
//! of `text` ends it, false (with `state` at the end of `text`) when it is still open. Each byte
//! is looked at once, so a record spanning many blocks is scanned in linear time.
bool ContinueRecord(std::string_view text, QuoteState& state);

class RecordCursor {
 public:
  RecordCursor(const char* data, size_t size, int64_t first_line)
      : data_(data), size_(size), line_(first_line) {}

  //! The next record; false when only line breaks (or nothing) remain.
  bool Next(Record& record);
  //! Offset where the next search starts.
  size_t position() const { return position_; }
  //! Physical line at position().
  int64_t line() const { return line_; }

 private:
  void ScanQuoted(Record& record);

  const char* data_;
  size_t size_;
  size_t position_ = 0;
  int64_t line_;
};

}  // namespace segcast::internal
