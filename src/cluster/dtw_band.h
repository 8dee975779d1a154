// The Sakoe-Chiba window of tslearn's sakoe_chiba_mask, row by row: which columns of y row i of x
// may align with. Shared by the DTW kernels and the LB_Keogh envelopes so both use one definition.
#pragma once

#include <algorithm>

namespace segcast::internal {

struct BandWindow {
  int lo = 0;  //!< first allowed column (inclusive)
  int hi = 0;  //!< last allowed column (inclusive)
};

//! Window of row `row` (0 <= row < n) of x against y of length m; radius < 0 is the full window.
inline BandWindow RowWindow(int row, int n, int m, int radius) {
  if (radius < 0) return {0, m - 1};
  if (n <= m) return {std::max(0, row - radius), std::min(m - 1, row + (m - n) + radius)};
  return {std::max(0, row - (n - m) - radius), std::min(m - 1, row + radius)};
}

}  // namespace segcast::internal
