#include "core/text_lines.h"

#include "segcast/error.h"

namespace segcast::internal {

TextLineReader::TextLineReader(const std::string& path) : path_(path) {
  file_ = gzopen(path.c_str(), "rb");
  if (file_ == nullptr) {
    throw InputError("cannot open the file", {path, 0, "", "a readable file"});
  }
  gzbuffer(file_, 1 << 17);
}

TextLineReader::~TextLineReader() {
  if (file_ != nullptr) gzclose(file_);
}

bool TextLineReader::Next(std::string& line) {
  line.clear();
  while (true) {
    const size_t end = buffer_.find('\n', position_);
    if (end != std::string::npos) {
      line.append(buffer_, position_, end - position_);
      position_ = end + 1;
      break;
    }
    line.append(buffer_, position_, std::string::npos);
    buffer_.clear();
    position_ = 0;
    if (eof_) {
      if (line.empty()) return false;
      break;
    }
    char chunk[1 << 16];
    const int read = gzread(file_, chunk, sizeof(chunk));
    if (read < 0) {
      int code = 0;
      throw InputError(std::string("cannot read the file: ") + gzerror(file_, &code),
                       {path_, line_number_ + 1, "", "a complete gzip or text file"});
    }
    if (read == 0) eof_ = true;
    buffer_.assign(chunk, read);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++line_number_;
  return true;
}

void SplitCsvRecord(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool quoted = false;
  for (size_t position = 0; position < line.size(); ++position) {
    const char c = line[position];
    if (quoted) {
      if (c == '"') {
        if (position + 1 < line.size() && line[position + 1] == '"') {
          field.push_back('"');
          ++position;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else {
      field.push_back(c);
    }
  }
  fields.push_back(std::move(field));
}

}  // namespace segcast::internal
