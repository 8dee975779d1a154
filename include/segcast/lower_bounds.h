// Lower bounds of the squared DTW cost, used to skip DTW computations when only the nearest series
// matters (the k-means assignment step, nearest-trajectory queries).
//
//   LB_Kim   (Kim et al. 2001, in the constant-time first/last form of Rakthanmanon et al. 2012):
//            every warping path contains (0, 0) and (n-1, m-1), so
//            ||x_0 - y_0||^2 + ||x_{n-1} - y_{m-1}||^2 <= DTW^2 (one term when n = m = 1).
//            Holds for any lengths and any band.
//   LB_Keogh (Keogh 2002): an envelope U, L of y per dimension over the window of columns each row
//            of x may align with; the sum over rows and dimensions of the squared exceedance of x
//            outside [L, U] is <= DTW^2. The classical window |i - j| <= r only holds for equal
//            lengths; segcast's envelope follows the band of dtw.h (widened by |n - m| on one
//            side), which makes the bound hold for every pair of lengths, and for the full window
//            it is the global per-dimension min/max of y (weak but still valid).
//
//   segcast::Envelope envelope;
//   segcast::ComputeEnvelope(centroid, 13, /*dims=*/4, /*query_length=*/9, /*radius=*/-1, envelope);
//   if (segcast::LbKimSquared(x, 9, centroid, 13, 4) > best_sq) skip();
//   else if (segcast::LbKeoghSquared(x, 9, 4, envelope, best_sq) > best_sq) skip();
#pragma once

#include <vector>

namespace segcast {

//! Per-dimension upper and lower envelopes of a series y, laid out like a series of length
//! `query_length` (one entry per row of the query x that the envelope serves).
struct Envelope {
  int query_length = 0;     //!< length n of the series x the envelope is compared with
  int dims = 0;             //!< dimensions
  std::vector<double> upper;  //!< query_length x dims: max of y over row i's window
  std::vector<double> lower;  //!< query_length x dims: min of y over row i's window
};

//! LB_Kim (first and last points): a lower bound of the squared DTW cost of x and y.
double LbKimSquared(const double* x, int nx, const double* y, int ny, int dims);

//! Builds the envelope of y (ny x dims) for queries of length query_length under radius
//! (-1: full window). O(query_length * dims) with monotone deques (Lemire 2009).
void ComputeEnvelope(const double* y, int ny, int dims, int query_length, int radius,
                     Envelope& envelope);

//! LB_Keogh of x (envelope.query_length x dims) against an envelope; stops adding once the sum
//! exceeds abandon_above (returns the partial sum, still a lower bound).
double LbKeoghSquared(const double* x, const Envelope& envelope, double abandon_above);

}  // namespace segcast
