// One DBA alignment: the optimal DTW path of a member against the barycenter, added straight into
// the barycenter's running sums without materialising the path (dba.cc's inner loop).
//
// It computes exactly what DtwPath (dtw.h) followed by the loop "for each (row, col) of the path:
// sums[row] += member[col]; ++counts[row]" computes, bit for bit: the same accumulated-cost cells
// with the same operations in the same order, the same walk back (diagonal, then up, then left),
// and for each barycenter row the member steps are added in increasing column order, which is the
// order in which the forward path visits them. What it saves: the path vector and its reversal,
// the per-call transposition of the member (the barycenter is transposed once per iteration
// instead), filling the matrix outside the band, and one add-min chain per row (the full window
// computes two rows at once, as dtw.cc's KernelTwoRows).
//
//   std::vector<double> x_t;
//   segcast::internal::TransposeSteps(barycenter, length, dims, x_t);   // once per barycenter
//   double cost = segcast::internal::AlignAndAccumulate(x_t.data(), length, member, member_length,
//                                                        dims, radius, workspace, sums, counts);
#pragma once

#include <cstdint>
#include <vector>

#include "segcast/dtw.h"

namespace segcast::internal {

//! x (n x dims, step-major) as dims x n (dimension-major), the layout AlignAndAccumulate reads.
void TransposeSteps(const double* x, int n, int dims, std::vector<double>& x_t);

//! Squared DTW cost of barycenter x (nx x dims, given as x_t = TransposeSteps(x)) and member y
//! (ny x dims)
//! under Sakoe-Chiba radius `radius` (-1: full window), equal bit for bit to DtwPath's. Adds
//! y[col] to sums[row * dims ..] and 1 to counts[row] for every cell (row, col) of DtwPath's path.
//! nx, ny >= 1; dims >= 1. `workspace` only provides scratch memory.
//! With `runs` non-null (2 * nx ints), also records the path: runs[2 * row] and
//! runs[2 * row + 1] are the first and last member step aligned with barycenter row `row`.
double AlignAndAccumulate(const double* x_t, int nx, const double* y, int ny, int dims,
                          int radius, DtwWorkspace& workspace, double* sums, int64_t* counts,
                          int* runs = nullptr);

//! Adds member y along a path recorded by AlignAndAccumulate's `runs`, exactly as the alignment
//! that recorded it added it (same additions in the same order per row).
void ReplayRuns(const double* y, int nx, int dims, const int* runs, double* sums,
                int64_t* counts);

}  // namespace segcast::internal
