// Alignments remembered between DBA runs of one TimeSeries K-Means fit (ts_kmeans.cc).
//
// When a cluster's DBA run ends on a fixed point, its centroid is bit-identical to the barycenter
// its last computed iteration aligned the members with, so the next k-means iteration's first DBA
// iteration would recompute, for every member that stayed in the cluster, the very same path and
// cost. Those are replayed from here (path runs and cost) instead; only members that joined are
// aligned. The sums are built in the same order as before, so barycenters are unchanged bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "segcast/dba.h"

namespace segcast::internal {

struct DbaAlignmentCache {
  //! Per cluster: the barycenter its last computed DBA iteration aligned with, and that
  //! iteration's stamp (unique over the cache's life; 0 = none).
  std::vector<std::vector<double>> aligned;
  std::vector<int64_t> cluster_stamp;
  //! Per series: stamp of the iteration that last aligned it, its cost (squared distance as DBA
  //! uses it) and its path runs (2 x barycenter length ints, see AlignAndAccumulate).
  std::vector<int64_t> series_stamp;
  std::vector<double> cost;
  std::vector<int> runs;
  int64_t next_stamp = 0;
  int64_t replayed = 0;  //!< alignments replayed rather than computed

  //! Sizes the cache for `clusters` clusters, `series` series and barycenters of `length` steps.
  void Reset(int clusters, int series, int length);
};

//! DbaUpdateMany with an alignment cache (null: none). With a cache, the member lists must be
//! disjoint (each series in at most one cluster), as k-means labels make them.
std::vector<DbaResult> DbaUpdateManyCached(const TimeSeriesSet& series,
                                           const std::vector<std::vector<int>>& members,
                                           const DbaOptions& options, double* barycenters,
                                           int length, DbaAlignmentCache* cache);

}  // namespace segcast::internal
