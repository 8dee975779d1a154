// DTW Barycenter Averaging (Petitjean, Ketterlin & Gancarski 2011, Pattern Recognition 44(3)), in
// the form tslearn's dtw_barycenter_averaging uses (the majorize-minimize view of Schultz & Jain
// 2018): each iteration aligns every member with the current barycenter by an optimal DTW path,
// then moves each barycenter step to the mean of the member steps aligned with it. The cost of an
// iteration is the mean squared DTW distance of the members to the barycenter *before* its update.
// It stops after max_iter iterations, when the cost changes by less than tol, or when the cost
// increases (tslearn stops there too, keeping the barycenter of that last update).
//
// An iteration whose update leaves the barycenter unchanged bit for bit would be followed by an
// identical one (same alignments, same cost, same barycenter), so that next iteration is not
// recomputed: only its cost is reused for the stopping rules. The alignment is fused with the
// accumulation (src/cluster/dba_align.h); results equal the DtwPath-based definition bit for bit.
//
//   segcast::DbaOptions options;                 // 30 iterations, tol 1e-5, as tslearn
//   std::vector<double> barycenter = initial;    // length x dims, updated in place
//   segcast::DbaResult result =
//       segcast::DbaUpdate(series, members, options, barycenter.data(), length);
#pragma once

#include <vector>

#include "segcast/dtw.h"
#include "segcast/series.h"

namespace segcast {

struct DbaOptions {
  //! Maximum number of alignment/update iterations; >= 1. tslearn's default.
  int max_iter = 30;
  //! Stop when |cost(previous) - cost| < tol; >= 0. tslearn's default.
  double tol = 1e-5;
  //! Sakoe-Chiba band used for the alignments.
  DtwBand band;
  //! Threads; 0 = every core. The result does not depend on it.
  int threads = 0;

  void Validate() const;  // throws InvalidArgument naming the field
};

struct DbaResult {
  int iterations = 0;          //!< alignment/update iterations run
  double cost = 0.0;           //!< mean squared DTW distance at the last alignment
  bool converged = false;      //!< stopped because the cost changed by less than tol
  bool cost_increased = false; //!< stopped because the cost went up
  //! The last update left the barycenter unchanged bit for bit: DBA run again from it with the
  //! same members returns it unchanged (FitTsKMeans skips such clusters while their members stay).
  bool fixed_point = false;
};

//! One DBA run for the series listed in `members` (non-empty), starting from and updating
//! `barycenter` (length x series.dims doubles).
DbaResult DbaUpdate(const TimeSeriesSet& series, const std::vector<int>& members,
                    const DbaOptions& options, double* barycenter, int length);

//! Several independent DBA runs advanced in lockstep so that all clusters share the threads:
//! barycenters holds members.size() barycenters of `length` x dims each; empty member lists are
//! left untouched (their result has iterations 0). Each run gives exactly what DbaUpdate gives.
std::vector<DbaResult> DbaUpdateMany(const TimeSeriesSet& series,
                                     const std::vector<std::vector<int>>& members,
                                     const DbaOptions& options, double* barycenters, int length);

}  // namespace segcast
