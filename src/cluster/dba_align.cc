// The fused DBA alignment. Every cell is computed as dtw.cc's FillPathMatrix computes it (local
// cost summed dimension by dimension in order, then cost + min(min(diagonal, up), left)), so the
// matrix, the path and the sums equal the DtwPath route bit for bit; tests/unit/cluster checks it.
#include "cluster/dba_align.h"

#include <algorithm>
#include <limits>

#include "cluster/dtw_band.h"

namespace segcast::internal {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Local costs column by column: costs[col * nx + row] = ||x_row - y_col||^2, a loop over the
// barycenter rows that the compiler vectorises (each lane adds the dimensions in order).
template <int kDims>
void CostColumns(const double* __restrict x_t, int nx, const double* __restrict y, int ny,
                 int dims, double* __restrict costs) {
  if constexpr (kDims == 4) {
    // One pass per column with the four dimensions in registers: no re-reading of the partial
    // sums, and __restrict spares the compiler's run-time aliasing checks on 13-element loops.
    const double* __restrict x0 = x_t;
    const double* __restrict x1 = x_t + nx;
    const double* __restrict x2 = x_t + 2 * static_cast<int64_t>(nx);
    const double* __restrict x3 = x_t + 3 * static_cast<int64_t>(nx);
    for (int col = 0; col < ny; ++col) {
      const double* y_col = y + static_cast<int64_t>(col) * 4;
      const double y0 = y_col[0], y1 = y_col[1], y2 = y_col[2], y3 = y_col[3];
      double* __restrict out = costs + static_cast<int64_t>(col) * nx;
      for (int row = 0; row < nx; ++row) {
        const double d0 = x0[row] - y0;
        const double d1 = x1[row] - y1;
        const double d2 = x2[row] - y2;
        const double d3 = x3[row] - y3;
        double sum = d0 * d0;
        sum += d1 * d1;
        sum += d2 * d2;
        sum += d3 * d3;
        out[row] = sum;
      }
    }
    return;
  }
  const int count = kDims > 0 ? kDims : dims;
  for (int col = 0; col < ny; ++col) {
    const double* y_col = y + static_cast<int64_t>(col) * count;
    double* out = costs + static_cast<int64_t>(col) * nx;
    {
      const double value = y_col[0];
      for (int row = 0; row < nx; ++row) {
        const double d = x_t[row] - value;
        out[row] = d * d;
      }
    }
    for (int dim = 1; dim < count; ++dim) {
      const double value = y_col[dim];
      const double* x_dim = x_t + static_cast<int64_t>(dim) * nx;
      for (int row = 0; row < nx; ++row) {
        const double d = x_dim[row] - value;
        out[row] += d * d;
      }
    }
  }
}

// Full window: rows in pairs, the second one column behind the first, so the two add-min chains
// overlap (cells (r, c) and (r + 1, c - 1) are independent). Only row -1 and column -1 need
// initialising: every other cell is written before it is read.
void FillFull(const double* costs, int nx, int ny, double* matrix) {
  const int64_t width = ny + 1;
  std::fill(matrix, matrix + width, kInfinity);
  matrix[0] = 0.0;
  int row = 0;
  for (; row + 1 < nx; row += 2) {
    const double* above = matrix + row * width;
    double* first = matrix + (row + 1) * width;
    double* second = matrix + (row + 2) * width;
    first[0] = kInfinity;
    second[0] = kInfinity;
    double first_left = costs[row] + std::min(std::min(above[0], above[1]), kInfinity);
    first[1] = first_left;
    double second_left = kInfinity;
    for (int col = 1; col < ny; ++col) {
      first_left = costs[static_cast<int64_t>(col) * nx + row] +
                   std::min(std::min(above[col], above[col + 1]), first_left);
      first[col + 1] = first_left;
      second_left = costs[static_cast<int64_t>(col - 1) * nx + row + 1] +
                    std::min(std::min(first[col - 1], first[col]), second_left);
      second[col] = second_left;
    }
    second[ny] = costs[static_cast<int64_t>(ny - 1) * nx + row + 1] +
                 std::min(std::min(first[ny - 1], first[ny]), second_left);
  }
  if (row < nx) {
    const double* above = matrix + row * width;
    double* here = matrix + (row + 1) * width;
    here[0] = kInfinity;
    double left = kInfinity;
    for (int col = 0; col < ny; ++col) {
      left = costs[static_cast<int64_t>(col) * nx + row] +
             std::min(std::min(above[col], above[col + 1]), left);
      here[col + 1] = left;
    }
  }
}

// Banded: cells outside the band must read +inf, both in the recurrence and in the walk back.
void FillBanded(const double* costs, int nx, int ny, int radius, double* matrix) {
  const int64_t width = ny + 1;
  std::fill(matrix, matrix + (nx + 1) * width, kInfinity);
  matrix[0] = 0.0;
  for (int row = 0; row < nx; ++row) {
    const BandWindow window = RowWindow(row, nx, ny, radius);
    const double* above = matrix + row * width;
    double* here = matrix + (row + 1) * width;
    double left = here[window.lo];
    for (int col = window.lo; col <= window.hi; ++col) {
      left = costs[static_cast<int64_t>(col) * nx + row] +
             std::min(std::min(above[col], above[col + 1]), left);
      here[col + 1] = left;
    }
  }
}

// Adds member steps lo..hi (in that order, as the forward path visits them) to barycenter row.
template <int kDims>
inline void AddRun(const double* y, int dims, int row, int lo, int hi, double* sums,
                   int64_t* counts, int* runs) {
  if (runs != nullptr) {
    runs[2 * row] = lo;
    runs[2 * row + 1] = hi;
  }
  const int count = kDims > 0 ? kDims : dims;
  double* target = sums + static_cast<int64_t>(row) * count;
  for (int col = lo; col <= hi; ++col) {
    const double* step = y + static_cast<int64_t>(col) * count;
    for (int dim = 0; dim < count; ++dim) target[dim] += step[dim];
  }
  counts[row] += hi - lo + 1;
}

// DtwPath's walk back from (nx-1, ny-1), choosing the first minimum of (diagonal, up, left). A
// monotone path visits a contiguous run of columns in each row; the run is known once the walk
// leaves the row, and is added then.
template <int kDims>
void WalkBack(const double* matrix, int nx, int ny, const double* y, int dims, double* sums,
              int64_t* counts, int* runs) {
  const int64_t width = ny + 1;
  int row = nx - 1;
  int col = ny - 1;
  int run_end = col;
  while (row != 0 || col != 0) {
    bool up_row;
    if (row == 0) {
      up_row = false;
      --col;
    } else if (col == 0) {
      up_row = true;
    } else {
      const double diagonal = matrix[row * width + col];
      const double up = matrix[row * width + col + 1];
      const double left = matrix[(row + 1) * width + col];
      if (diagonal <= up && diagonal <= left) {
        AddRun<kDims>(y, dims, row, col, run_end, sums, counts, runs);
        --row;
        --col;
        run_end = col;
        continue;
      }
      if (up <= left) {
        up_row = true;
      } else {
        up_row = false;
        --col;
      }
    }
    if (up_row) {
      AddRun<kDims>(y, dims, row, col, run_end, sums, counts, runs);
      --row;
      run_end = col;
    }
  }
  AddRun<kDims>(y, dims, 0, 0, run_end, sums, counts, runs);
}

template <int kDims>
double Align(const double* x_t, int nx, const double* y, int ny, int dims, int radius,
             DtwWorkspace& workspace, double* sums, int64_t* counts, int* runs) {
  double* matrix = workspace.Matrix(static_cast<int64_t>(nx + 1) * (ny + 1));
  double* costs = workspace.Scratch(static_cast<int64_t>(nx) * ny);
  CostColumns<kDims>(x_t, nx, y, ny, dims, costs);
  // As dtw.cc: a radius of min(n, m) - 1 or more opens every cell.
  if (radius >= 0 && radius < std::min(nx, ny) - 1) {
    FillBanded(costs, nx, ny, radius, matrix);
  } else {
    FillFull(costs, nx, ny, matrix);
  }
  WalkBack<kDims>(matrix, nx, ny, y, dims, sums, counts, runs);
  return matrix[static_cast<int64_t>(nx) * (ny + 1) + ny];
}

}  // namespace

void TransposeSteps(const double* x, int n, int dims, std::vector<double>& x_t) {
  x_t.resize(static_cast<size_t>(n) * dims);
  for (int step = 0; step < n; ++step) {
    for (int dim = 0; dim < dims; ++dim) {
      x_t[static_cast<size_t>(dim) * n + step] = x[static_cast<size_t>(step) * dims + dim];
    }
  }
}

double AlignAndAccumulate(const double* x_t, int nx, const double* y, int ny, int dims,
                          int radius, DtwWorkspace& workspace, double* sums, int64_t* counts,
                          int* runs) {
  switch (dims) {
    case 1:
      return Align<1>(x_t, nx, y, ny, dims, radius, workspace, sums, counts, runs);
    case 4:
      return Align<4>(x_t, nx, y, ny, dims, radius, workspace, sums, counts, runs);
    default:
      return Align<0>(x_t, nx, y, ny, dims, radius, workspace, sums, counts, runs);
  }
}

void ReplayRuns(const double* y, int nx, int dims, const int* runs, double* sums,
                int64_t* counts) {
  for (int row = 0; row < nx; ++row) {
    if (dims == 4) {
      AddRun<4>(y, dims, row, runs[2 * row], runs[2 * row + 1], sums, counts, nullptr);
    } else {
      AddRun<0>(y, dims, row, runs[2 * row], runs[2 * row + 1], sums, counts, nullptr);
    }
  }
}

}  // namespace segcast::internal
