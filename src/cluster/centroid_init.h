// Initial centroids for TimeSeries K-Means: greedy k-means++ under the chosen metric, or random
// distinct series; and the padding of a series to the centroid length.
#pragma once

#include <vector>

#include "cluster/random.h"
#include "segcast/series.h"
#include "segcast/ts_kmeans.h"

namespace segcast::internal {

//! Indices of k series chosen by greedy k-means++ (squared distances; 2 + floor(ln k) local
//! trials per centre, as scikit-learn's _kmeans_plusplus and tslearn's _k_init_metric).
std::vector<int> KMeansPlusPlusSeeds(const TimeSeriesSet& series, int k, Metric metric,
                                     const DtwBand& band, int threads, MersenneRandom& random);

//! k distinct series drawn uniformly (partial Fisher-Yates).
std::vector<int> RandomSeeds(int count, int k, MersenneRandom& random);

//! Copies series `index` into `target` (length x dims), repeating its last step up to `length`
//! (tslearn's _check_full_length); a longer series is truncated.
void CopyPadded(const TimeSeriesSet& series, int index, int length, double* target);

}  // namespace segcast::internal
