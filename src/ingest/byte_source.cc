#include "ingest/byte_source.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "internal/huge_pages.h"
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

// A plain regular file, read ahead of the parsers into one reserved range of anonymous memory on
// 2 MiB pages; blocks are views into it. It replaced a read-only memory mapping of the file: in a
// virtual machine the first touch of each 4 KiB page of a mapping costs about 2 us even after
// MADV_POPULATE_READ, so scanning a 47 MB mapped file took 24 ms, against 10-12 ms to copy it into
// 2 MiB pages and 2.3 ms to scan it there (and 4.5 ms less to unmap at the end). Memory behind the
// merge is given back 2 MiB at a time (Release), so it stays bounded by the blocks in flight
// however large the file, and a stale view faults loudly instead of reading freed text. A file truncated
// while it is read gives an error, where a mapping would have ended the process with SIGBUS.
class LoadedFileSource final : public ByteSource {
 public:
  static constexpr size_t kHugePage = size_t{2} << 20;

  LoadedFileSource(FilePointer file, const std::string& name, size_t size, char* region, size_t region_bytes)
      : file_(std::move(file)), size_(size), region_(region), region_bytes_(region_bytes) {
    name_ = name;
    total_bytes_ = static_cast<int64_t>(size);
    data_ = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(region) + kHugePage - 1) & ~(kHugePage - 1));
    AdviseHugePages(data_, RoundUp(size_));
  }
  ~LoadedFileSource() override { munmap(region_, region_bytes_); }
  LoadedFileSource(const LoadedFileSource&) = delete;
  LoadedFileSource& operator=(const LoadedFileSource&) = delete;

  std::string_view Whole() const override { return {data_, size_}; }

  void Prepare(size_t end) override {
    // Whole 2 MiB pages at a time: each is faulted in once, and pread fills it entirely.
    end = std::min(RoundUp(end), size_);
    if (end <= loaded_) return;
    PopulateForWrite(data_ + loaded_, end - loaded_);
    while (loaded_ < end) {
      const ssize_t got = pread(fileno(file_.get()), data_ + loaded_, end - loaded_, static_cast<off_t>(loaded_));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw InputError(std::string("read failed: ") + std::strerror(errno), {.file = name_});
      if (got == 0) {
        throw InputError("the file became shorter while it was read: " + std::to_string(loaded_) + " of " +
                             std::to_string(size_) + " bytes were there",
                         {.file = name_, .expected = "a file that no other program changes while segcast reads it"});
      }
      loaded_ += static_cast<size_t>(got);
    }
    consumed_.store(static_cast<int64_t>(loaded_), std::memory_order_relaxed);
  }

  void Release(size_t end) override {
    // Only ever called for text handed out in blocks, so already prepared: loaded_ is the reader
    // thread's and is not read here.
    const size_t whole_pages = end & ~(kHugePage - 1);
    if (whole_pages <= released_) return;
    // Given back but kept reserved: an unmapped hole could be reused by another mapping, which
    // the destructor's munmap would then take away. No access is allowed, so a stale view faults.
    madvise(data_ + released_, whole_pages - released_, MADV_DONTNEED);
    mprotect(data_ + released_, whole_pages - released_, PROT_NONE);
    released_ = whole_pages;
  }

  size_t Read(char* buffer, size_t capacity) override {
    const size_t count = std::min(capacity, size_ - position_);
    Prepare(position_ + count);
    if (count > 0) std::memcpy(buffer, data_ + position_, count);
    position_ += count;
    return count;
  }

 private:
  static size_t RoundUp(size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }

  FilePointer file_;
  size_t size_;
  char* region_;
  size_t region_bytes_;
  char* data_ = nullptr;  // region_ rounded up to a 2 MiB boundary
  size_t loaded_ = 0;     // bytes of the file read into data_ (Prepare)
  size_t released_ = 0;   // bytes at the front of data_ given back (Release)
  size_t position_ = 0;   // for Read()
};

// nullptr when the file is not a regular non-empty file or no address range can be reserved for
// it: the caller then reads it with fread.
std::unique_ptr<ByteSource> TryLoadFile(FilePointer& file, const std::string& name) {
  struct stat status {};
  if (fstat(fileno(file.get()), &status) != 0 || !S_ISREG(status.st_mode) || status.st_size <= 0) return nullptr;
  const auto size = static_cast<size_t>(status.st_size);
  // Address space only (nothing is touched before Prepare): room to align to 2 MiB and round up.
  const size_t region_bytes = size + 2 * LoadedFileSource::kHugePage;
  void* region = mmap(nullptr, region_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (region == MAP_FAILED) return nullptr;
  return std::make_unique<LoadedFileSource>(std::move(file), name, size, static_cast<char*>(region), region_bytes);
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
  if (std::unique_ptr<ByteSource> loaded = TryLoadFile(file, path)) return loaded;
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
