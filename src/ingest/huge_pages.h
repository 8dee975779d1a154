// Asks the kernel to back a large, not yet touched allocation with transparent huge pages.
//
// Ingest fills a few arrays of tens of megabytes (blocks of text, the duplicate set, the
// columns). With 4 KiB pages each first touch of a page is a fault, and in a virtual machine a
// fault costs microseconds: faults were a third of ingest's CPU time. With THP in "madvise" mode
// (Debian's default) one 2 MiB page replaces 512 faults. Only whole 2 MiB pages inside the range
// are advised; the call is a hint and failures are ignored.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace segcast::internal {

inline void AdviseHugePages(const void* data, size_t bytes) {
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  auto begin = (reinterpret_cast<uintptr_t>(data) + kHugePage - 1) & ~(kHugePage - 1);
  auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

//! Reserves `count` elements and advises huge pages for them. Arrays of a megabyte or more get
//! 2 MiB of extra (untouched, so free) capacity, so that whole huge pages cover their data even
//! though the allocation is not 2 MiB-aligned.
template <typename Vector>
void ReserveHuge(Vector& vector, size_t count) {
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t element = sizeof(*vector.data());
  if (count * element >= kHugePage / 2) count += kHugePage / element;
  if (vector.capacity() >= count) return;
  vector.reserve(count);
  AdviseHugePages(vector.data(), vector.capacity() * element);
}

}  // namespace segcast::internal
