// Nearest trajectories: the n series closest to a query under DTW (or Euclidean), exact, with the
// LB_Kim / LB_Keogh cascade and early abandoning against the current n-th best distance
// (Rakthanmanon et al. 2012). The query's own series is excluded when it is part of the set.
//
//   segcast::NearestOptions options;   // DTW, full window, 10 neighbours
//   auto neighbours = segcast::NearestSeries(series, series.Data(q), series.Length(q), q, options);
//   for (const auto& hit : neighbours.hits) std::cout << series.ids[hit.index] << hit.distance;
#pragma once

#include <cstdint>
#include <vector>

#include "segcast/series.h"
#include "segcast/ts_kmeans.h"

namespace segcast {

struct NearestOptions {
  //! Neighbours to return; >= 1.
  int count = 10;
  Metric metric = Metric::kDtw;
  DtwBand band;
  //! Threads; 0 = every core. The answer does not depend on it.
  int threads = 0;

  void Validate() const;  // throws InvalidArgument naming the field
};

struct NearestHit {
  int index = 0;          //!< series index in the set
  double distance = 0.0;  //!< DTW (or Euclidean) distance, not squared
};

struct NearestResult {
  std::vector<NearestHit> hits;  //!< ascending distance, ties by index
  int64_t candidates = 0;        //!< series considered
  int64_t pruned = 0;            //!< skipped by a lower bound
  int64_t abandoned = 0;         //!< DTW abandoned early
};

//! The options.count nearest series to `query` (length x series.dims); `exclude` (-1 for none)
//! is left out, typically the query's own index.
NearestResult NearestSeries(const TimeSeriesSet& series, const double* query, int length, int exclude,
                            const NearestOptions& options);

}  // namespace segcast
