// Dynamic Time Warping between multivariate series, as tslearn defines it.
//
//   dtw(x, y) = sqrt( min over warping paths p of sum_{(i,j) in p} ||x_i - y_j||^2 )
//
// Dependent multivariate DTW (one path for all dimensions), series of different lengths, an optional
// Sakoe-Chiba band (Sakoe & Chiba 1978). Following tslearn's sakoe_chiba_mask, for lengths n <= m
// row i of the shorter series may align with columns [i - r, i + (m - n) + r], so a band is always
// feasible whatever the lengths; symmetrically when n > m.
//
// The kernel keeps rolling rows (O(m) memory, two rows computed at once in the full window, no allocation once the workspace has grown),
// specialises the local distance for 1 and 4 dimensions, and can abandon early: every warping path
// crosses every row, so once a whole row exceeds a threshold the final cost will too (Rakthanmanon
// et al. 2012, "Searching and mining trillions of time series subsequences under DTW").
//
//   segcast::DtwWorkspace workspace;                       // one per thread, reused
//   double d = segcast::Dtw(x, 12, y, 9, /*dims=*/4, segcast::DtwBand{}, workspace);
//   double d2 = segcast::DtwSquared(x, 12, y, 9, 4, /*radius=*/-1, best_sq, workspace);
//   // d2 is +infinity when the cost provably exceeds best_sq.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace segcast {

//! A Sakoe-Chiba band. Both unset (the default) means the full window.
struct DtwBand {
  //! Radius in steps; -1 means not set. Must be >= -1.
  int radius = -1;
  //! Radius as a fraction of the longer length (ceil(fraction * max(n, m))); 0 means not set.
  //! Must be in [0, 1]. Ignored when `radius` is set.
  double fraction = 0.0;

  void Validate() const;  // throws InvalidArgument naming the field
  //! The radius in steps for series of lengths n and m; -1 for the full window.
  int RadiusFor(int n, int m) const;
};

//! Per-thread scratch memory for the DTW kernels. Grows on demand, never shrinks.
class DtwWorkspace {
 public:
  double* Rows(int64_t count);     //!< three rolling rows (3 * count doubles)
  double* Matrix(int64_t count);   //!< a full (n+1) x (m+1) matrix for DtwPath
  double* Scratch(int64_t count);  //!< transposed y and two rows of local costs
  std::vector<std::pair<int, int>>& path() { return path_; }

 private:
  std::vector<double> rows_;
  std::vector<double> matrix_;
  std::vector<double> scratch_;
  std::vector<std::pair<int, int>> path_;
};

//! Squared DTW cost (the minimum path sum of squared distances) of x (nx x dims) and y (ny x dims),
//! with Sakoe-Chiba radius `radius` in steps (-1: full window, see DtwBand for unequal lengths).
//! Returns +infinity as soon as every cell of a row exceeds `abandon_above` (pass +infinity to never
//! abandon); otherwise the exact cost. nx, ny >= 1; dims >= 1.
double DtwSquared(const double* x, int nx, const double* y, int ny, int dims, int radius,
                  double abandon_above, DtwWorkspace& workspace);

//! dtw(x, y) = sqrt(DtwSquared(...)) with the band resolved for the two lengths.
double Dtw(const double* x, int nx, const double* y, int ny, int dims, const DtwBand& band,
           DtwWorkspace& workspace);

//! Squared DTW cost and the optimal path as (row of x, row of y) pairs from (0, 0) to (nx-1, ny-1),
//! stored in workspace.path(). Ties are broken as tslearn's dtw_path does when walking back from
//! the end: diagonal, then (i-1, j), then (i, j-1).
double DtwPath(const double* x, int nx, const double* y, int ny, int dims, int radius,
               DtwWorkspace& workspace);

//! Reference O(nx * ny) DTW with a full matrix and no tricks: the oracle for the tests.
double DtwSquaredReference(const double* x, int nx, const double* y, int ny, int dims, int radius);

//! Squared Euclidean distance of two series of the same length; +infinity once the partial sum
//! exceeds `abandon_above`.
double EuclideanSquared(const double* x, const double* y, int length, int dims,
                        double abandon_above);

//! Number of cells the band visits for lengths n and m (for cells-per-second figures).
int64_t DtwCellCount(int n, int m, int radius);

}  // namespace segcast
