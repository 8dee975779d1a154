// Asks the kernel to back a large, not yet touched allocation with transparent huge pages.
//
// Ingest fills a few arrays of tens of megabytes (blocks of text, the duplicate set, the
// columns), the panel a few of megabytes, and its CSV text is as large again. With 4 KiB pages
// each first touch of a page is a fault, and in a virtual machine a fault costs microseconds:
// faults were a third of ingest's CPU time, and zeroing the panel's 1.8 MB of values on Online
// Retail took 5.4-5.7 ms with them, 0.5-2.6 ms without. With THP in "madvise" mode
// (Debian's default) one 2 MiB page replaces 512 faults. Only whole 2 MiB pages inside the range
// are advised; the call is a hint and failures are ignored.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace segcast::internal {

inline void AdviseHugePages(const void* data, size_t bytes) {
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  auto begin = (reinterpret_cast<uintptr_t>(data) + kHugePage - 1) & ~(kHugePage - 1);
  auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

//! Faults in [data, data + bytes) for writing with one system call (MADV_POPULATE_WRITE, Linux
//! 5.14+) instead of one page fault per 4 KiB page on first touch: in a virtual machine each fault
//! is an exit costing microseconds, and the columns are filled row by row. Huge pages advised
//! before are kept. A hint: older kernels refuse it and the pages fault in as before.
inline void PopulateForWrite(void* data, size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  constexpr uintptr_t kPage = 4096;
  auto begin = (reinterpret_cast<uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
  auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kPage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)data;
  (void)bytes;
#endif
}

//! Reserves `count` elements, advises huge pages for them and faults in the first `populate` of
//! them (PopulateForWrite; default all): capacity beyond the rows expected to be written stays
//! untouched, so costs nothing. Arrays of a megabyte or more get
//! 2 MiB of extra (untouched, so free) capacity, so that whole huge pages cover their data even
//! though the allocation is not 2 MiB-aligned.
template <typename Vector>
void ReserveHuge(Vector& vector, size_t count, size_t populate = SIZE_MAX) {
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t element = sizeof(*vector.data());
  const size_t requested = std::max(std::min(count, populate), vector.size());
  if (count * element >= kHugePage / 2) count += kHugePage / element;
  if (vector.capacity() >= count) return;
  const size_t used_bytes = vector.size() * element;
  vector.reserve(count);
  AdviseHugePages(vector.data(), vector.capacity() * element);
  // Only the pages not yet written: the populated zeros are overwritten row by row.
  PopulateForWrite(reinterpret_cast<char*>(vector.data()) + used_bytes, requested * element - used_bytes);
}

}  // namespace segcast::internal
