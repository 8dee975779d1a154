#include "ingest/byte_source.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "segcast/error.h"

namespace segcast::internal {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file != nullptr) std::fclose(file);
  }
};
using FilePointer = std::unique_ptr<std::FILE, FileCloser>;

FilePointer OpenFile(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw InputError("is a directory", {.file = path, .expected = "a CSV or CSV.gz file"});
  }
  FilePointer file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    throw InputError(std::string("cannot open: ") + std::strerror(errno),
                     {.file = path, .expected = "a readable CSV or CSV.gz file"});
  }
  return file;
}

size_t ReadFile(std::FILE* file, char* buffer, size_t capacity, const std::string& name) {
  size_t got = std::fread(buffer, 1, capacity, file);
  if (got < capacity && std::ferror(file)) {
    throw InputError(std::string("read failed: ") + std::strerror(errno), {.file = name});
  }
  return got;
}

class PlainFileSource final : public ByteSource {
 public:
  PlainFileSource(FilePointer file, const std::string& name, int64_t size) : file_(std::move(file)) {
    name_ = name;
    total_bytes_ = size;
  }
  size_t Read(char* buffer, size_t capacity) override {
    size_t got = ReadFile(file_.get(), buffer, capacity, name_);
    consumed_.fetch_add(static_cast<int64_t>(got), std::memory_order_relaxed);
    return got;
  }

 private:
  FilePointer file_;
};

// A plain file mapped read-only: blocks are views into the page cache, so the text is never copied
// and no buffer pages are faulted in. The reader thread's scan for cuts touches each page first,
// so page-ins overlap with parsing.
class MappedFileSource final : public ByteSource {
 public:
  MappedFileSource(const char* data, size_t size, const std::string& name) : data_(data), size_(size) {
    name_ = name;
    total_bytes_ = static_cast<int64_t>(size);
  }
  ~MappedFileSource() override { munmap(const_cast<char*>(data_), size_); }
  std::string_view Whole() const override { return {data_, size_}; }
  size_t Read(char* buffer, size_t capacity) override {
    size_t count = std::min(capacity, size_ - position_);
    if (count > 0) std::memcpy(buffer, data_ + position_, count);
    position_ += count;
    consumed_.store(static_cast<int64_t>(position_), std::memory_order_relaxed);
    return count;
  }

 private:
  const char* data_;
  size_t size_;
  size_t position_ = 0;
};

// nullptr when the file cannot be mapped (not a regular file, empty, or mmap refused): the caller
// then reads it with fread.
std::unique_ptr<ByteSource> TryMapFile(std::FILE* file, const std::string& name) {
  struct stat status {};
  if (fstat(fileno(file), &status) != 0 || !S_ISREG(status.st_mode) || status.st_size <= 0) return nullptr;
  const auto size = static_cast<size_t>(status.st_size);
  void* data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fileno(file), 0);
  if (data == MAP_FAILED) return nullptr;
  madvise(data, size, MADV_SEQUENTIAL);
  return std::make_unique<MappedFileSource>(static_cast<const char*>(data), size, name);
}

// zlib inflate with automatic gzip header detection; concatenated gzip members are one stream,
// as gzip(1) reads them.
class GzipFileSource final : public ByteSource {
 public:
  GzipFileSource(FilePointer file, const std::string& name, int64_t size)
      : file_(std::move(file)), input_(kInputBytes) {
    name_ = name;
    total_bytes_ = size;
    gzip_ = true;
    std::memset(&stream_, 0, sizeof stream_);
    // 15 + 16: a gzip wrapper only, so a zlib-wrapped or raw file is not silently accepted.
    if (inflateInit2(&stream_, 15 + 16) != Z_OK) {
      throw InputError("zlib could not be initialised", {.file = name});
    }
  }
  ~GzipFileSource() override { inflateEnd(&stream_); }

  size_t Read(char* buffer, size_t capacity) override {
    stream_.next_out = reinterpret_cast<Bytef*>(buffer);
    stream_.avail_out = static_cast<uInt>(capacity);
    while (stream_.avail_out > 0 && !finished_) {
      if (stream_.avail_in == 0) {
        size_t got = ReadFile(file_.get(), input_.data(), input_.size(), name_);
        consumed_.fetch_add(static_cast<int64_t>(got), std::memory_order_relaxed);
        if (got == 0) {
          if (member_open_) {
            throw InputError("truncated gzip file: the data ends inside the compressed stream after " +
                                 std::to_string(produced_ + (capacity - stream_.avail_out)) +
                                 " bytes of text",
                             {.file = name_, .expected = "a complete gzip file"});
          }
          finished_ = true;
          break;
        }
        stream_.next_in = reinterpret_cast<Bytef*>(input_.data());
        stream_.avail_in = static_cast<uInt>(got);
      }
      if (after_member_) {
        if (stream_.next_in[0] != 0x1f || (stream_.avail_in > 1 && stream_.next_in[1] != 0x8b)) ThrowTrailingData();
        after_member_ = false;
      }
      member_open_ = true;
      int status = inflate(&stream_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) {
        member_open_ = false;
        // Whatever follows a member must be another member (gzip magic 1f 8b): remember where
        // this one ended, to name the offset if it is not.
        after_member_ = true;
        member_end_ = consumed_.load(std::memory_order_relaxed) - static_cast<int64_t>(stream_.avail_in);
        inflateReset(&stream_);
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        throw InputError(std::string("corrupt gzip data: ") + (stream_.msg ? stream_.msg : "inflate failed") +
                             " after " + std::to_string(produced_ + (capacity - stream_.avail_out)) +
                             " bytes of text",
                         {.file = name_, .expected = "a valid gzip file"});
      }
    }
    size_t produced = capacity - stream_.avail_out;
    produced_ += static_cast<int64_t>(produced);
    return produced;
  }

 private:
  // Bytes after a complete gzip member that do not start another one: say where, and what.
  [[noreturn]] void ThrowTrailingData() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string found;
    for (uInt index = 0; index < std::min<uInt>(stream_.avail_in, 4); ++index) {
      if (!found.empty()) found += ' ';
      found += kHex[stream_.next_in[index] >> 4];
      found += kHex[stream_.next_in[index] & 15];
    }
    throw InputError("unexpected data after the end of the gzip stream, at byte offset " +
                         std::to_string(member_end_) + " of the file (found bytes " + found + ")",
                     {.file = name_, .expected = "the end of the file or another gzip member (bytes 1f 8b)"});
  }

  static constexpr size_t kInputBytes = size_t{1} << 18;
  FilePointer file_;
  std::vector<char> input_;
  z_stream stream_;
  bool member_open_ = false;
  bool finished_ = false;
  bool after_member_ = false;  // a member just ended: the next input byte must start another
  int64_t member_end_ = 0;     // file offset just past the last complete member
  int64_t produced_ = 0;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string_view text, const std::string& name) : text_(text) {
    name_ = name;
    total_bytes_ = static_cast<int64_t>(text.size());
  }
  std::string_view Whole() const override { return text_; }
  size_t Read(char* buffer, size_t capacity) override {
    size_t count = std::min(capacity, text_.size() - position_);
    // An empty view's data() may be null, and memcpy from null is undefined even for 0 bytes.
    if (count > 0) std::memcpy(buffer, text_.data() + position_, count);
    position_ += count;
    consumed_.store(static_cast<int64_t>(position_), std::memory_order_relaxed);
    return count;
  }

 private:
  std::string_view text_;
  size_t position_ = 0;
};

}  // namespace

std::unique_ptr<ByteSource> OpenByteSource(const std::string& path) {
  FilePointer file = OpenFile(path);
  std::error_code error;
  auto size = static_cast<int64_t>(std::filesystem::file_size(path, error));
  if (error) size = 0;
  unsigned char magic[2] = {0, 0};
  size_t got = std::fread(magic, 1, 2, file.get());
  std::rewind(file.get());
  if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    return std::make_unique<GzipFileSource>(std::move(file), path, size);
  }
  if (std::unique_ptr<ByteSource> mapped = TryMapFile(file.get(), path)) return mapped;
  return std::make_unique<PlainFileSource>(std::move(file), path, size);
}

std::unique_ptr<ByteSource> MemoryByteSource(std::string_view text, const std::string& name) {
  return std::make_unique<MemorySource>(text, name);
}

std::string ReadAll(ByteSource& source) {
  std::string text;
  size_t size = 0;
  size_t chunk = size_t{1} << 20;
  while (true) {
    text.resize(size + chunk);
    size_t got = source.Read(text.data() + size, chunk);
    size += got;
    if (got == 0) break;
  }
  text.resize(size);
  return text;
}

}  // namespace segcast::internal
