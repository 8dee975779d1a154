// Aligning this run's clusters with the previous run's, so segment ids and names stay stable.
//
// The clustering numbers its clusters arbitrarily; month after month the same group of customers
// may come out as cluster 3 instead of 1. Alignment matches previous and current centroids one to
// one with the minimum total distance (the assignment problem, solved exactly by the Hungarian
// algorithm: Kuhn 1955, Munkres 1957, in the O(n^3) shortest augmenting path form with dual
// potentials of Tomizawa 1971 / Edmonds & Karp 1972). When k differs the matching is rectangular:
// surplus current clusters become new segments, unmatched previous ones are reported as vanished.
//
//   // distances[p][c]: DTW (or any) distance between previous centroid p and current centroid c.
//   segcast::AlignmentResult alignment = segcast::AlignSegments(previous, current, distances, {});
//   for (size_t c = 0; c < current.size(); ++c)
//     relabel[current[c].segment_id] = alignment.current[c].stable_id;
//
// Without a DTW matrix, EuclideanTrailingDistances() gives a plain distance on the months both
// trajectories share at their ends.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace segcast {

//! Solves the rectangular assignment problem: a one-to-one matching of rows to columns of
//! minimum total cost, matching min(rows, columns) pairs. cost[row][column] must be finite; all
//! rows have the same length. Returns, for each row, its column or -1 when unmatched (only when
//! rows > columns). Ties are broken deterministically (same input, same output). Throws
//! InvalidArgument for ragged or non-finite input.
std::vector<int> SolveAssignment(const std::vector<std::vector<double>>& cost);

//! A centroid from one run, in scaled units (the space the clustering measured distances in).
struct AlignmentCentroid {
  //! The segment id in its run: the stable id for a previous run; any label for the current run.
  int32_t segment_id = 0;
  //! Persona name in its run ("" if none).
  std::string name;
  //! months x features values, row-major, oldest month first.
  std::vector<double> values;
  //! Values per month (4 for L, R, F, M); >= 1.
  int features = 4;
  int months() const { return features > 0 ? static_cast<int>(values.size()) / features : 0; }
};

//! Euclidean distance between every previous and current centroid over the trailing months both
//! have (the last min(months) months, aligned at their ends). distances[p][c]. Throws
//! InvalidArgument when feature counts differ or a centroid is empty.
std::vector<std::vector<double>> EuclideanTrailingDistances(
    const std::vector<AlignmentCentroid>& previous, const std::vector<AlignmentCentroid>& current);

struct AlignmentOptions {
  //! Pairs farther apart than this are never matched. With a finite limit the matching also
  //! weighs leaving segments unmatched (each unmatched previous or current segment costs half
  //! the limit), so a pair is kept exactly when that lowers the total. > 0. Default: infinity
  //! (plain rectangular matching: min(previous, current) pairs, whatever their distance).
  double max_distance = std::numeric_limits<double>::infinity();
  //! Matched segments keep the previous run's name (true) or take the current persona name
  //! (false, the default: the name always agrees with this run's evidence; when the data barely
  //! changed the persona rules give the same name anyway, and `renamed` flags when they do not).
  bool keep_previous_names = false;

  void Validate() const;  // throws InvalidArgument naming the field
};

//! What happened to one current cluster.
struct AlignedSegment {
  int32_t current_label = 0;  //!< segment_id of the current centroid as given
  int32_t stable_id = 0;      //!< id to use from now on
  int32_t previous_id = -1;   //!< matched previous segment id, -1 when new
  bool is_new = false;        //!< no previous segment matched
  double distance = 0.0;      //!< distance to the matched previous centroid (0 when new)
  std::string name;           //!< the name to use (see AlignmentOptions::keep_previous_names)
  std::string previous_name;  //!< the matched previous segment's name ("" when new)
  bool renamed = false;       //!< matched, and `name` differs from the previous name
};

struct AlignmentResult {
  //! One per current centroid, in input order.
  std::vector<AlignedSegment> current;
  //! Previous segment ids with no current counterpart, ascending.
  std::vector<int32_t> vanished;
  //! Sum of distances over matched pairs.
  double total_distance = 0.0;
  //! "3 segments matched (total distance 1.27); new: 5; vanished: none".
  std::string BriefReport() const;
};

//! Matches current centroids to previous ones. distances[p][c] is the distance between
//! previous[p] and current[c] (any metric; callers pass DTW). New segments get ids above every
//! previous id, in current input order. When a kept name collides with a new segment's name, the
//! new segment's name gets an ordinal ("Champions (2)"). Throws InvalidArgument on shape
//! mismatch, duplicate ids or non-finite distances.
AlignmentResult AlignSegments(const std::vector<AlignmentCentroid>& previous,
                              const std::vector<AlignmentCentroid>& current,
                              const std::vector<std::vector<double>>& distances,
                              const AlignmentOptions& options);

}  // namespace segcast
