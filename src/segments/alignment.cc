#include "segcast/alignment.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "segcast/error.h"

namespace segcast {
namespace {

void CheckCentroids(const std::vector<AlignmentCentroid>& centroids, const char* which) {
  std::set<int32_t> ids;
  for (size_t index = 0; index < centroids.size(); ++index) {
    const AlignmentCentroid& centroid = centroids[index];
    const std::string field = std::string(which) + "[" + std::to_string(index) + "]";
    if (centroid.features < 1 || centroid.values.empty() ||
        centroid.values.size() % static_cast<size_t>(centroid.features) != 0) {
      throw InvalidArgument(
          "centroid is empty or not a whole number of months",
          {.field = field + ".values", .expected = "months x features values, months >= 1"});
    }
    if (!ids.insert(centroid.segment_id).second) {
      throw InvalidArgument("duplicate segment id " + std::to_string(centroid.segment_id),
                            {.field = field + ".segment_id", .expected = "unique ids"});
    }
  }
}

// Appends " (2)", " (3)", ... until the name is not in `taken`.
std::string UniqueName(const std::string& name, const std::set<std::string>& taken) {
  if (!taken.count(name)) return name;
  for (int ordinal = 2;; ++ordinal) {
    std::string candidate = name + " (" + std::to_string(ordinal) + ")";
    if (!taken.count(candidate)) return candidate;
  }
}

// Matching where leaving a segment unmatched is an option: the square matrix of size P + C has
// the real pairs, a "vanished" slot for each previous segment and a "new" slot for each current
// one, each costing half the limit, so a pair is kept exactly when its distance is below the
// limit. Pairs beyond the limit are forbidden outright so they cannot distort other matches.
std::vector<int> MatchWithinLimit(const std::vector<std::vector<double>>& distances,
                                  double max_distance) {
  const size_t previous = distances.size();
  const size_t current = distances[0].size();
  double forbidden = max_distance * static_cast<double>(previous + current + 1);
  for (const auto& row : distances)
    for (double distance : row)
      if (distance <= max_distance) forbidden += distance;
  const size_t size = previous + current;
  std::vector<std::vector<double>> cost(size, std::vector<double>(size, forbidden));
  for (size_t p = 0; p < previous; ++p) {
    for (size_t c = 0; c < current; ++c)
      if (distances[p][c] <= max_distance) cost[p][c] = distances[p][c];
    cost[p][current + p] = 0.5 * max_distance;
  }
  for (size_t c = 0; c < current; ++c) {
    cost[previous + c][c] = 0.5 * max_distance;
    for (size_t p = 0; p < previous; ++p) cost[previous + c][current + p] = 0.0;
  }
  const std::vector<int> assignment = SolveAssignment(cost);
  std::vector<int> current_of_previous(previous, -1);
  for (size_t p = 0; p < previous; ++p)
    if (assignment[p] < static_cast<int>(current)) current_of_previous[p] = assignment[p];
  return current_of_previous;
}

}  // namespace

void AlignmentOptions::Validate() const {
  if (!(max_distance > 0.0)) {
    throw InvalidArgument("must be positive (infinity disables the limit)",
                          {.field = "max_distance", .expected = "> 0"});
  }
}

std::vector<std::vector<double>> EuclideanTrailingDistances(
    const std::vector<AlignmentCentroid>& previous, const std::vector<AlignmentCentroid>& current) {
  CheckCentroids(previous, "previous");
  CheckCentroids(current, "current");
  std::vector<std::vector<double>> distances(previous.size(),
                                             std::vector<double>(current.size(), 0.0));
  for (size_t p = 0; p < previous.size(); ++p) {
    for (size_t c = 0; c < current.size(); ++c) {
      const AlignmentCentroid& a = previous[p];
      const AlignmentCentroid& b = current[c];
      if (a.features != b.features) {
        throw InvalidArgument(
            "previous and current centroids have different feature counts",
            {.field = "features", .expected = std::to_string(a.features) + " in both runs"});
      }
      const int shared = std::min(a.months(), b.months());
      const size_t a_offset = static_cast<size_t>(a.months() - shared) * a.features;
      const size_t b_offset = static_cast<size_t>(b.months() - shared) * b.features;
      double sum = 0.0;
      for (size_t cell = 0; cell < static_cast<size_t>(shared) * a.features; ++cell) {
        const double difference = a.values[a_offset + cell] - b.values[b_offset + cell];
        sum += difference * difference;
      }
      distances[p][c] = std::sqrt(sum);
    }
  }
  return distances;
}

namespace {

// The ids of the previous segments; throws when the inputs cannot describe one alignment.
std::set<int32_t> CheckAlignmentInputs(const std::vector<AlignmentCentroid>& previous,
                                       const std::vector<AlignmentCentroid>& current,
                                       const std::vector<std::vector<double>>& distances) {
  std::set<int32_t> previous_ids;
  for (size_t p = 0; p < previous.size(); ++p) {
    if (previous[p].segment_id < 0) {
      throw InvalidArgument(
          "stable segment ids are non-negative",
          {.field = "previous[" + std::to_string(p) + "].segment_id", .expected = ">= 0"});
    }
    if (!previous_ids.insert(previous[p].segment_id).second) {
      throw InvalidArgument(
          "duplicate previous segment id " + std::to_string(previous[p].segment_id),
          {.field = "previous", .expected = "unique ids"});
    }
  }
  std::set<int32_t> current_labels;
  for (const AlignmentCentroid& centroid : current) {
    if (!current_labels.insert(centroid.segment_id).second) {
      throw InvalidArgument("duplicate current segment id " + std::to_string(centroid.segment_id),
                            {.field = "current", .expected = "unique ids"});
    }
  }
  if (distances.size() != previous.size()) {
    throw InvalidArgument(
        "distance matrix has " + std::to_string(distances.size()) + " rows",
        {.field = "distances",
         .expected = std::to_string(previous.size()) + " rows (one per previous centroid)"});
  }
  for (const auto& row : distances) {
    if (row.size() != current.size()) {
      throw InvalidArgument(
          "distance matrix row has " + std::to_string(row.size()) + " columns",
          {.field = "distances",
           .expected = std::to_string(current.size()) + " columns (one per current centroid)"});
    }
  }
  return previous_ids;
}

// For each current segment, the previous segment it continues (-1: a new segment).
std::vector<int> MatchPreviousSegments(size_t previous_count, size_t current_count,
                                       const std::vector<std::vector<double>>& distances,
                                       const AlignmentOptions& options) {
  const std::vector<int> current_of_previous =
      previous_count == 0 || current_count == 0 ? std::vector<int>(previous_count, -1)
      : std::isinf(options.max_distance)        ? SolveAssignment(distances)
                                                : MatchWithinLimit(distances, options.max_distance);
  std::vector<int> previous_of_current(current_count, -1);
  for (size_t p = 0; p < previous_count; ++p) {
    const int c = current_of_previous[p];
    if (c < 0) continue;
    // A pair beyond the limit is not the same segment: report it as vanished plus new.
    if (distances[p][c] > options.max_distance) continue;
    previous_of_current[c] = static_cast<int>(p);
  }
  return previous_of_current;
}

// Ids and names of the current segments: matched ones first, so that kept names win over new
// segments' names; new segments get ids above every previous one.
void NameAlignedSegments(const std::vector<AlignmentCentroid>& previous,
                         const std::vector<AlignmentCentroid>& current,
                         const std::vector<std::vector<double>>& distances,
                         const std::vector<int>& previous_of_current, int32_t next_id,
                         const AlignmentOptions& options, AlignmentResult& result) {
  result.current.resize(current.size());
  std::set<std::string> taken;
  for (size_t c = 0; c < current.size(); ++c) {
    AlignedSegment& segment = result.current[c];
    segment.current_label = current[c].segment_id;
    const int p = previous_of_current[c];
    if (p < 0) continue;
    segment.previous_id = previous[p].segment_id;
    segment.stable_id = previous[p].segment_id;
    segment.distance = distances[p][c];
    segment.previous_name = previous[p].name;
    result.total_distance += segment.distance;
    const std::string& wanted = options.keep_previous_names && !previous[p].name.empty()
                                    ? previous[p].name
                                    : current[c].name;
    segment.name = UniqueName(wanted, taken);
    taken.insert(segment.name);
  }
  for (size_t c = 0; c < current.size(); ++c) {
    AlignedSegment& segment = result.current[c];
    if (previous_of_current[c] >= 0) continue;
    segment.is_new = true;
    segment.stable_id = next_id++;
    segment.name = current[c].name.empty() ? current[c].name : UniqueName(current[c].name, taken);
    taken.insert(segment.name);
  }
  for (AlignedSegment& segment : result.current)
    segment.renamed = !segment.is_new && segment.name != segment.previous_name;
}

}  // namespace

AlignmentResult AlignSegments(const std::vector<AlignmentCentroid>& previous,
                              const std::vector<AlignmentCentroid>& current,
                              const std::vector<std::vector<double>>& distances,
                              const AlignmentOptions& options) {
  options.Validate();
  const std::set<int32_t> previous_ids = CheckAlignmentInputs(previous, current, distances);
  const std::vector<int> previous_of_current =
      MatchPreviousSegments(previous.size(), current.size(), distances, options);
  AlignmentResult result;
  const int32_t next_id = previous_ids.empty() ? 0 : *previous_ids.rbegin() + 1;
  NameAlignedSegments(previous, current, distances, previous_of_current, next_id, options, result);

  std::set<int32_t> matched;
  for (const AlignedSegment& segment : result.current)
    if (!segment.is_new) matched.insert(segment.previous_id);
  for (int32_t id : previous_ids)
    if (!matched.count(id)) result.vanished.push_back(id);
  return result;
}

std::string AlignmentResult::BriefReport() const {
  std::ostringstream out;
  int matched = 0;
  std::vector<int32_t> fresh;
  for (const AlignedSegment& segment : current) {
    if (segment.is_new) {
      fresh.push_back(segment.stable_id);
    } else {
      ++matched;
    }
  }
  auto list = [](const std::vector<int32_t>& ids) {
    if (ids.empty()) return std::string("none");
    std::string text;
    for (size_t index = 0; index < ids.size(); ++index)
      text += (index ? ", " : "") + std::to_string(ids[index]);
    return text;
  };
  out << matched << (matched == 1 ? " segment" : " segments") << " matched (total distance "
      << total_distance << "); new: " << list(fresh) << "; vanished: " << list(vanished);
  return out.str();
}

}  // namespace segcast
