// The DTW kernels: a rolling two-row recurrence for distances and a full matrix for paths.
#include "segcast/dtw.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "cluster/dtw_band.h"
#include "segcast/error.h"

namespace segcast {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Sum of squared differences accumulated dimension by dimension in order, as tslearn's
// _local_squared_dist does, so that costs agree to the last bit with the reference.
template <int kDims>
inline double LocalCost(const double* a, const double* b, int dims) {
  if constexpr (kDims == 1) {
    const double d0 = a[0] - b[0];
    return d0 * d0;
  } else if constexpr (kDims == 4) {
    const double d0 = a[0] - b[0];
    const double d1 = a[1] - b[1];
    const double d2 = a[2] - b[2];
    const double d3 = a[3] - b[3];
    double sum = d0 * d0;
    sum += d1 * d1;
    sum += d2 * d2;
    sum += d3 * d3;
    return sum;
  } else {
    double sum = 0.0;
    for (int dim = 0; dim < dims; ++dim) {
      const double d = a[dim] - b[dim];
      sum += d * d;
    }
    return sum;
  }
}

// Buffer index col + 1 holds column col; index 0 is the virtual column -1. The previous row's
// buffer starts as the virtual row -1: 0 at index 0 (the path's origin), +inf elsewhere.
template <int kDims, bool kAbandon, bool kBanded>
double Kernel(const double* x, int nx, const double* y, int ny, int dims, int radius,
              double abandon_above, double* prev, double* curr) {
  const int stride = kDims > 0 ? kDims : dims;
  std::fill(prev, prev + ny + 1, kInfinity);
  std::fill(curr, curr + ny + 1, kInfinity);
  prev[0] = 0.0;
  for (int row = 0; row < nx; ++row) {
    int lo = 0;
    int hi = ny - 1;
    if constexpr (kBanded) {
      const internal::BandWindow window = internal::RowWindow(row, nx, ny, radius);
      lo = window.lo;
      hi = window.hi;
    }
    // Stale values of two rows back may sit left of the window; the next row reads index lo.
    curr[lo] = kInfinity;
    const double* x_row = x + static_cast<int64_t>(row) * stride;
    double left = kInfinity;
    double row_min = kInfinity;
    for (int col = lo; col <= hi; ++col) {
      const double cost = LocalCost<kDims>(x_row, y + static_cast<int64_t>(col) * stride, dims);
      double best = std::min(prev[col], prev[col + 1]);
      best = std::min(best, left);
      left = cost + best;
      curr[col + 1] = left;
      if constexpr (kAbandon) row_min = std::min(row_min, left);
    }
    if constexpr (kAbandon) {
      if (row_min > abandon_above) return kInfinity;
    }
    std::swap(prev, curr);
  }
  return prev[ny];
}

// Squared distances of one step of x to every step of y, with y transposed to dims x ny: a loop
// over columns that the compiler vectorises, each lane adding the dimensions in LocalCost's order.
template <int kDims>
inline void CostRow(const double* __restrict x_row, const double* __restrict y_t, int ny, int dims,
                    double* __restrict out) {
  if constexpr (kDims == 4) {
    // The four dimensions in registers, one store per cell (same additions in the same order).
    const double x0 = x_row[0], x1 = x_row[1], x2 = x_row[2], x3 = x_row[3];
    const double* __restrict y0 = y_t;
    const double* __restrict y1 = y_t + ny;
    const double* __restrict y2 = y_t + 2 * static_cast<int64_t>(ny);
    const double* __restrict y3 = y_t + 3 * static_cast<int64_t>(ny);
    for (int col = 0; col < ny; ++col) {
      const double d0 = x0 - y0[col];
      const double d1 = x1 - y1[col];
      const double d2 = x2 - y2[col];
      const double d3 = x3 - y3[col];
      double sum = d0 * d0;
      sum += d1 * d1;
      sum += d2 * d2;
      sum += d3 * d3;
      out[col] = sum;
    }
    return;
  }
  const int count = kDims > 0 ? kDims : dims;
  {
    const double value = x_row[0];
    for (int col = 0; col < ny; ++col) {
      const double d = value - y_t[col];
      out[col] = d * d;
    }
  }
  for (int dim = 1; dim < count; ++dim) {
    const double value = x_row[dim];
    const double* y_dim = y_t + static_cast<int64_t>(dim) * ny;
    for (int col = 0; col < ny; ++col) {
      const double d = value - y_dim[col];
      out[col] += d * d;
    }
  }
}

// The full-window recurrence two rows at a time, the second row one column behind the first:
// cell (i, col) and cell (i + 1, col - 1) do not depend on each other, so the two add-min chains
// that bound a row-at-a-time loop overlap in the pipeline, and the local costs come precomputed
// from CostRow. Same operations in the same order per cell as Kernel: bit-identical results.
template <int kDims, bool kAbandon>
double KernelTwoRows(const double* x, int nx, const double* y, int ny, int dims,
                     double abandon_above, double* prev, double* first, double* second,
                     double* scratch) {
  const int stride = kDims > 0 ? kDims : dims;
  double* y_t = scratch;
  double* cost_first = scratch + static_cast<int64_t>(ny) * stride;
  double* cost_second = cost_first + ny;
  for (int col = 0; col < ny; ++col) {
    for (int dim = 0; dim < stride; ++dim) {
      y_t[static_cast<int64_t>(dim) * ny + col] = y[static_cast<int64_t>(col) * stride + dim];
    }
  }
  std::fill(prev, prev + ny + 1, kInfinity);
  prev[0] = 0.0;
  int row = 0;
  for (; row + 1 < nx; row += 2) {
    const double* x_first = x + static_cast<int64_t>(row) * stride;
    CostRow<kDims>(x_first, y_t, ny, dims, cost_first);
    CostRow<kDims>(x_first + stride, y_t, ny, dims, cost_second);
    first[0] = kInfinity;
    second[0] = kInfinity;
    double first_left = cost_first[0] + std::min(prev[0], prev[1]);
    first[1] = first_left;
    double second_left = kInfinity;
    double row_min = kInfinity;
    for (int col = 1; col < ny; ++col) {
      double best_first = std::min(prev[col], prev[col + 1]);
      double best_second = std::min(first[col - 1], first[col]);
      best_first = std::min(best_first, first_left);
      best_second = std::min(best_second, second_left);
      first_left = cost_first[col] + best_first;
      second_left = cost_second[col - 1] + best_second;
      first[col + 1] = first_left;
      second[col] = second_left;
      if constexpr (kAbandon) row_min = std::min(row_min, second_left);
    }
    second_left = cost_second[ny - 1] + std::min(std::min(first[ny - 1], first[ny]), second_left);
    second[ny] = second_left;
    if constexpr (kAbandon) {
      row_min = std::min(row_min, second_left);
      if (row_min > abandon_above) return kInfinity;
    }
    std::swap(prev, second);
  }
  if (row < nx) {
    // An odd last row, one at a time.
    CostRow<kDims>(x + static_cast<int64_t>(row) * stride, y_t, ny, dims, cost_first);
    double left = kInfinity;
    for (int col = 0; col < ny; ++col) {
      double best = std::min(prev[col], prev[col + 1]);
      best = std::min(best, left);
      left = cost_first[col] + best;
    }
    return left;
  }
  return prev[ny];
}

template <int kDims>
double Dispatch(const double* x, int nx, const double* y, int ny, int dims, int radius,
                double abandon_above, double* prev, double* curr, double* scratch) {
  const bool abandon = abandon_above < kInfinity;
  // A radius of min(n, m) - 1 or more opens every cell: use the cheaper unbanded loop.
  const bool banded = radius >= 0 && radius < std::min(nx, ny) - 1;
  double* spare = curr + ny + 1;
  if (abandon) {
    return banded ? Kernel<kDims, true, true>(x, nx, y, ny, dims, radius, abandon_above, prev, curr)
                  : KernelTwoRows<kDims, true>(x, nx, y, ny, dims, abandon_above, prev, curr, spare, scratch);
  }
  return banded ? Kernel<kDims, false, true>(x, nx, y, ny, dims, radius, abandon_above, prev, curr)
                : KernelTwoRows<kDims, false>(x, nx, y, ny, dims, abandon_above, prev, curr, spare, scratch);
}

}  // namespace

void DtwBand::Validate() const {
  if (radius < -1) {
    throw InvalidArgument("the band radius must be -1 (none) or >= 0, got " +
                              std::to_string(radius),
                          {"", 0, "band", "an integer >= -1"});
  }
  if (!(fraction >= 0.0 && fraction <= 1.0)) {
    throw InvalidArgument("the band fraction must be in [0, 1], got " + std::to_string(fraction),
                          {"", 0, "band_fraction", "a number in [0, 1]"});
  }
}

int DtwBand::RadiusFor(int n, int m) const {
  if (radius >= 0) return radius;
  if (fraction > 0.0) return static_cast<int>(std::ceil(fraction * std::max(n, m)));
  return -1;
}

double* DtwWorkspace::Rows(int64_t count) {
  if (static_cast<int64_t>(rows_.size()) < 3 * count) rows_.resize(3 * count);
  return rows_.data();
}

double* DtwWorkspace::Scratch(int64_t count) {
  if (static_cast<int64_t>(scratch_.size()) < count) scratch_.resize(count);
  return scratch_.data();
}

double* DtwWorkspace::Matrix(int64_t count) {
  if (static_cast<int64_t>(matrix_.size()) < count) matrix_.resize(count);
  return matrix_.data();
}

double DtwSquared(const double* x, int nx, const double* y, int ny, int dims, int radius,
                  double abandon_above, DtwWorkspace& workspace) {
  double* prev = workspace.Rows(ny + 1);
  double* curr = prev + ny + 1;
  double* scratch = workspace.Scratch(static_cast<int64_t>(ny) * (dims + 2));
  switch (dims) {
    case 1:
      return Dispatch<1>(x, nx, y, ny, dims, radius, abandon_above, prev, curr, scratch);
    case 4:
      return Dispatch<4>(x, nx, y, ny, dims, radius, abandon_above, prev, curr, scratch);
    default:
      return Dispatch<0>(x, nx, y, ny, dims, radius, abandon_above, prev, curr, scratch);
  }
}

double Dtw(const double* x, int nx, const double* y, int ny, int dims, const DtwBand& band,
           DtwWorkspace& workspace) {
  return std::sqrt(
      DtwSquared(x, nx, y, ny, dims, band.RadiusFor(nx, ny), kInfinity, workspace));
}

namespace {

// The accumulated-cost matrix for DtwPath, (nx + 1) x (ny + 1) with the virtual row and column
// -1; cells outside the band stay +inf so that the walk back never leaves it.
template <int kDims>
void FillPathMatrix(const double* x, int nx, const double* y, int ny, int dims, int radius,
                    double* matrix, double* scratch) {
  const int stride = kDims > 0 ? kDims : dims;
  const int64_t width = ny + 1;
  double* y_t = scratch;
  double* cost = scratch + static_cast<int64_t>(ny) * stride;
  for (int col = 0; col < ny; ++col) {
    for (int dim = 0; dim < stride; ++dim) {
      y_t[static_cast<int64_t>(dim) * ny + col] = y[static_cast<int64_t>(col) * stride + dim];
    }
  }
  std::fill(matrix, matrix + (nx + 1) * width, kInfinity);
  matrix[0] = 0.0;
  for (int row = 0; row < nx; ++row) {
    const internal::BandWindow window = internal::RowWindow(row, nx, ny, radius);
    CostRow<kDims>(x + static_cast<int64_t>(row) * stride, y_t, ny, dims, cost);
    const double* above = matrix + row * width;
    double* here = matrix + (row + 1) * width;
    double left = here[window.lo];
    for (int col = window.lo; col <= window.hi; ++col) {
      left = cost[col] + std::min(std::min(above[col], above[col + 1]), left);
      here[col + 1] = left;
    }
  }
}

}  // namespace

double DtwPath(const double* x, int nx, const double* y, int ny, int dims, int radius,
               DtwWorkspace& workspace) {
  const int64_t width = ny + 1;
  double* matrix = workspace.Matrix(static_cast<int64_t>(nx + 1) * width);
  double* scratch = workspace.Scratch(static_cast<int64_t>(ny) * (dims + 2));
  switch (dims) {
    case 1:
      FillPathMatrix<1>(x, nx, y, ny, dims, radius, matrix, scratch);
      break;
    case 4:
      FillPathMatrix<4>(x, nx, y, ny, dims, radius, matrix, scratch);
      break;
    default:
      FillPathMatrix<0>(x, nx, y, ny, dims, radius, matrix, scratch);
  }
  auto& path = workspace.path();
  path.clear();
  int row = nx - 1;
  int col = ny - 1;
  path.emplace_back(row, col);
  // Walk back choosing the first minimum of (diagonal, up, left), as tslearn's _return_path.
  while (row != 0 || col != 0) {
    if (row == 0) {
      --col;
    } else if (col == 0) {
      --row;
    } else {
      const double diagonal = matrix[row * width + col];
      const double up = matrix[row * width + col + 1];
      const double left = matrix[(row + 1) * width + col];
      if (diagonal <= up && diagonal <= left) {
        --row;
        --col;
      } else if (up <= left) {
        --row;
      } else {
        --col;
      }
    }
    path.emplace_back(row, col);
  }
  std::reverse(path.begin(), path.end());
  return matrix[nx * width + ny];
}

double DtwSquaredReference(const double* x, int nx, const double* y, int ny, int dims,
                           int radius) {
  std::vector<std::vector<double>> cost(nx + 1, std::vector<double>(ny + 1, kInfinity));
  cost[0][0] = 0.0;
  for (int i = 1; i <= nx; ++i) {
    for (int j = 1; j <= ny; ++j) {
      const internal::BandWindow window = internal::RowWindow(i - 1, nx, ny, radius);
      if (j - 1 < window.lo || j - 1 > window.hi) continue;
      double local = 0.0;
      for (int dim = 0; dim < dims; ++dim) {
        const double d = x[(i - 1) * dims + dim] - y[(j - 1) * dims + dim];
        local += d * d;
      }
      cost[i][j] = local + std::min({cost[i - 1][j - 1], cost[i - 1][j], cost[i][j - 1]});
    }
  }
  return cost[nx][ny];
}

double EuclideanSquared(const double* x, const double* y, int length, int dims,
                        double abandon_above) {
  double sum = 0.0;
  const int64_t count = static_cast<int64_t>(length) * dims;
  // Check the bound once per step so the inner loop over dimensions stays branch-free.
  for (int64_t step = 0; step < count; step += dims) {
    for (int dim = 0; dim < dims; ++dim) {
      const double d = x[step + dim] - y[step + dim];
      sum += d * d;
    }
    if (sum > abandon_above) return kInfinity;
  }
  return sum;
}

int64_t DtwCellCount(int n, int m, int radius) {
  if (radius < 0) return static_cast<int64_t>(n) * m;
  int64_t cells = 0;
  for (int row = 0; row < n; ++row) {
    const internal::BandWindow window = internal::RowWindow(row, n, m, radius);
    cells += window.hi - window.lo + 1;
  }
  return cells;
}

}  // namespace segcast
