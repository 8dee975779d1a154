// Fuzz target: the forecast stage's series readers (monthly_series.h).
// Input byte 0, bits 0-1: 0-1 ReadLongSeriesCsv (series_id,month,value), 2 ReadTourismCsv with the
// test part held out, 3 ReadTourismCsv without. The rest is the file (plain or gzip), handed over
// through a memory file. Checks the row accounting of the long reader and the shape of every series.
#include <cmath>
#include <cstdint>

#include "fuzz_support.h"
#include "segcast/error.h"
#include "segcast/monthly_series.h"

namespace {

void CheckSeries(const segcast::MonthlySeriesSet& set, bool long_format) {
  int64_t present = 0;
  for (const segcast::MonthlySeries& series : set.series) {
    if (long_format && series.values.empty()) segcast::fuzz::Fail("a long-CSV series without months");
    present += series.size();
  }
  if (long_format && set.rows_read != present - set.missing_months + set.rows_rejected) {
    segcast::fuzz::Fail("long CSV: rows_read != months kept + rows_rejected");
  }
  if (set.rows_rejected < 0 || set.rows_rejected > set.rows_read) segcast::fuzz::Fail("rows_rejected out of range");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static segcast::fuzz::ScratchFile scratch;  // one memory file per process, reused
  const segcast::fuzz::Split input = segcast::fuzz::SplitSelector(data, size);
  const std::string path = scratch.Write(input.data, input.size);
  const int mode = input.selector & 3;
  try {
    if (mode < 2) {
      CheckSeries(segcast::ReadLongSeriesCsv(path), true);
    } else {
      CheckSeries(segcast::ReadTourismCsv(path, mode == 2), false);
    }
  } catch (const segcast::InputError&) {
    // Unreadable file, missing column, corrupt gzip: documented refusals.
  }
  return 0;
}
