// LB_Kim and LB_Keogh with the band window of dtw_band.h.
#include "segcast/lower_bounds.h"

#include <algorithm>
#include <cstdint>

#include "cluster/dtw_band.h"

namespace segcast {
namespace {

inline double SquaredDistance(const double* a, const double* b, int dims) {
  double sum = 0.0;
  for (int dim = 0; dim < dims; ++dim) {
    const double d = a[dim] - b[dim];
    sum += d * d;
  }
  return sum;
}

}  // namespace

double LbKimSquared(const double* x, int nx, const double* y, int ny, int dims) {
  const double first = SquaredDistance(x, y, dims);
  if (nx == 1 && ny == 1) return first;
  return first + SquaredDistance(x + static_cast<int64_t>(nx - 1) * dims,
                                 y + static_cast<int64_t>(ny - 1) * dims, dims);
}

void ComputeEnvelope(const double* y, int ny, int dims, int query_length, int radius,
                     Envelope& envelope) {
  envelope.query_length = query_length;
  envelope.dims = dims;
  envelope.upper.assign(static_cast<size_t>(query_length) * dims, 0.0);
  envelope.lower.assign(static_cast<size_t>(query_length) * dims, 0.0);
  // Both window ends only move right as the row advances, so one pass of monotone deques
  // (Lemire 2009) gives every window's max and min.
  std::vector<int> max_queue(ny);
  std::vector<int> min_queue(ny);
  for (int dim = 0; dim < dims; ++dim) {
    int max_head = 0, max_tail = 0, min_head = 0, min_tail = 0;
    int next = 0;
    for (int row = 0; row < query_length; ++row) {
      const internal::BandWindow window = internal::RowWindow(row, query_length, ny, radius);
      for (; next <= window.hi; ++next) {
        const double value = y[static_cast<int64_t>(next) * dims + dim];
        while (max_tail > max_head && y[static_cast<int64_t>(max_queue[max_tail - 1]) * dims + dim] <= value) --max_tail;
        max_queue[max_tail++] = next;
        while (min_tail > min_head && y[static_cast<int64_t>(min_queue[min_tail - 1]) * dims + dim] >= value) --min_tail;
        min_queue[min_tail++] = next;
      }
      while (max_queue[max_head] < window.lo) ++max_head;
      while (min_queue[min_head] < window.lo) ++min_head;
      envelope.upper[static_cast<size_t>(row) * dims + dim] =
          y[static_cast<int64_t>(max_queue[max_head]) * dims + dim];
      envelope.lower[static_cast<size_t>(row) * dims + dim] =
          y[static_cast<int64_t>(min_queue[min_head]) * dims + dim];
    }
  }
}

double LbKeoghSquared(const double* x, const Envelope& envelope, double abandon_above) {
  const int dims = envelope.dims;
  double sum = 0.0;
  for (int row = 0; row < envelope.query_length; ++row) {
    const int64_t base = static_cast<int64_t>(row) * dims;
    for (int dim = 0; dim < dims; ++dim) {
      const double value = x[base + dim];
      const double above = value - envelope.upper[base + dim];
      const double below = envelope.lower[base + dim] - value;
      const double excess = std::max({above, below, 0.0});
      sum += excess * excess;
    }
    if (sum > abandon_above) return sum;
  }
  return sum;
}

}  // namespace segcast
