// Fuzz target: the clustering stage's series readers (series.h).
// Input byte 0, bit 0: 0 ReadLongCsvFile (id,step,dims...), 1 ReadUcrTsFile (.ts). The rest is the
// file (plain or gzip), handed over through a memory file. A returned set must be well formed:
// offsets consistent with values, every series at least one step, every value finite.
#include <cmath>
#include <cstdint>

#include "fuzz_support.h"
#include "segcast/error.h"
#include "segcast/series.h"

namespace {

void CheckSet(const segcast::TimeSeriesSet& set) {
  if (set.dims < 1) segcast::fuzz::Fail("dims < 1");
  if (set.offsets.size() != set.ids.size() + 1) segcast::fuzz::Fail("offsets.size() != series + 1");
  if (static_cast<int64_t>(set.values.size()) != set.offsets.back() * set.dims) {
    segcast::fuzz::Fail("values.size() != steps x dims");
  }
  if (!set.labels.empty() && set.labels.size() != set.ids.size()) segcast::fuzz::Fail("labels not one per series");
  if (static_cast<int>(set.dim_names.size()) != set.dims) segcast::fuzz::Fail("dim_names not one per dimension");
  for (int series = 0; series < set.size(); ++series) {
    if (set.Length(series) < 1) segcast::fuzz::Fail("a series without steps");
  }
  for (double value : set.values) {
    if (!std::isfinite(value)) segcast::fuzz::Fail("a non-finite value was accepted");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static segcast::fuzz::ScratchFile scratch;  // one memory file per process, reused
  const segcast::fuzz::Split input = segcast::fuzz::SplitSelector(data, size);
  const std::string path = scratch.Write(input.data, input.size);
  try {
    CheckSet((input.selector & 1) ? segcast::ReadUcrTsFile(path) : segcast::ReadLongCsvFile(path));
  } catch (const segcast::InputError&) {
    // Unreadable file, bad header, non-finite value, repeated step: documented refusals.
  }
  return 0;
}
