// A fixed-size array of a trivially copyable type whose memory comes straight from the kernel
// (an anonymous mapping), so it starts zero-filled without a memset: the duplicate set is ten
// megabytes on Online Retail, and std::vector::assign wrote those zeros a second time after the
// kernel had already zeroed each page on its first touch. Advised to huge pages (huge_pages.h).
//
//   ZeroedArray<RowKey> slots(1 << 20);   // every slot is RowKey{} (all bits zero)
//   slots[17] = key;
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "internal/huge_pages.h"

namespace segcast::internal {

template <typename T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T>, "all-zero bytes must be a valid T");

 public:
  ZeroedArray() = default;
  //! `size` elements, all bits zero. Throws std::bad_alloc when the kernel refuses the memory.
  explicit ZeroedArray(size_t size) : size_(size), bytes_(size * sizeof(T)) {
    if (bytes_ == 0) return;
    void* memory = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<T*>(memory);
    AdviseHugePages(data_, bytes_);
    PopulateForWrite(data_, bytes_);  // every slot is touched: random probes, no order to exploit
  }
  ~ZeroedArray() { Release(); }
  ZeroedArray(ZeroedArray&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        bytes_(std::exchange(other.bytes_, 0)) {}
  ZeroedArray& operator=(ZeroedArray&& other) noexcept {
    if (this != &other) {
      Release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
  }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;

  T& operator[](size_t index) { return data_[index]; }
  const T& operator[](size_t index) const { return data_[index]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }

 private:
  void Release() {
    if (data_ != nullptr) munmap(data_, bytes_);
    data_ = nullptr;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t bytes_ = 0;
};

}  // namespace segcast::internal
