// Exact silhouette for several labelings from one set of pairwise distances (matrix or streamed).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "cluster/assign.h"
#include "cluster/random.h"
#include "internal/parallel.h"
#include "segcast/error.h"
#include "segcast/quality.h"

namespace segcast {
namespace {

int ClusterCount(const std::vector<int>& labels) {
  return labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
}

// s(i) from the per-cluster distance sums of row i; `sizes` counts members per cluster.
double SampleScore(const double* sums, const std::vector<int>& sizes, int own) {
  if (sizes[own] <= 1) return 0.0;
  const double a = sums[own] / static_cast<double>(sizes[own] - 1);
  double b = std::numeric_limits<double>::infinity();
  for (size_t cluster = 0; cluster < sizes.size(); ++cluster) {
    if (static_cast<int>(cluster) == own || sizes[cluster] == 0) continue;
    b = std::min(b, sums[cluster] / static_cast<double>(sizes[cluster]));
  }
  const double denominator = std::max(a, b);
  return denominator > 0.0 ? (b - a) / denominator : 0.0;
}

struct Labeling {
  const std::vector<int>* labels;
  int k;
  std::vector<int> sizes;
  size_t sum_offset;  // where this labeling's k sums start in a per-row sums buffer
  bool valid;         // at least two non-empty clusters
};

std::vector<Labeling> Describe(const std::vector<std::vector<int>>& labelings, size_t* total_k) {
  std::vector<Labeling> described;
  size_t offset = 0;
  for (const auto& labels : labelings) {
    Labeling entry{&labels, ClusterCount(labels), {}, offset, false};
    entry.sizes.assign(entry.k, 0);
    for (int label : labels) ++entry.sizes[label];
    entry.valid = std::count_if(entry.sizes.begin(), entry.sizes.end(),
                                [](int size) { return size > 0; }) >= 2;
    offset += entry.k;
    described.push_back(std::move(entry));
  }
  *total_k = offset;
  return described;
}

double Mean(const std::vector<double>& values) {
  double sum = 0.0;
  for (double value : values) sum += value;  // in series order: independent of the threads
  return sum / static_cast<double>(values.size());
}

// sd / sqrt(n) of the per-series values: how far a sampled silhouette may sit from the full one.
double StandardError(const std::vector<double>& values, double mean) {
  const size_t count = values.size();
  if (count < 2) return std::numeric_limits<double>::quiet_NaN();
  double squares = 0.0;
  for (double value : values) squares += (value - mean) * (value - mean);
  return std::sqrt(squares / static_cast<double>(count - 1) / static_cast<double>(count));
}

}  // namespace

void SilhouetteOptions::Validate() const {
  band.Validate();
  if (memory_budget_bytes < 0) {
    throw InvalidArgument("the memory budget must be >= 0",
                          {"", 0, "memory_budget_bytes", "a number of bytes >= 0"});
  }
  if (sample < 0) {
    throw InvalidArgument("the silhouette sample must be >= 0 (0: every series)",
                          {"", 0, "silhouette_sample", "an integer >= 0"});
  }
}

std::vector<double> PairwiseDistances(const TimeSeriesSet& series, Metric metric, const DtwBand& band,
                                      int threads) {
  const int count = series.size();
  threads = internal::ResolveThreads(threads);
  std::vector<double> distances(static_cast<size_t>(count) * count, 0.0);
  std::vector<DtwWorkspace> workspaces(threads);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 8)
  for (int row = 0; row < count; ++row) {
    DtwWorkspace& workspace = workspaces[omp_get_thread_num()];
    for (int col = row + 1; col < count; ++col) {
      const double distance = std::sqrt(internal::SquaredDistance(
          series.Data(row), series.Length(row), series.Data(col), series.Length(col),
          series.dims, metric, band, workspace));
      distances[static_cast<size_t>(row) * count + col] = distance;
      distances[static_cast<size_t>(col) * count + row] = distance;
    }
  }
  return distances;
}

double SilhouetteFromMatrix(const std::vector<double>& distances, const std::vector<int>& labels) {
  const int count = static_cast<int>(labels.size());
  size_t total_k = 0;
  const std::vector<std::vector<int>> one = {labels};
  const auto described = Describe(one, &total_k);
  if (!described[0].valid) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> scores(count);
  std::vector<double> sums(total_k);
  for (int row = 0; row < count; ++row) {
    std::fill(sums.begin(), sums.end(), 0.0);
    for (int col = 0; col < count; ++col) {
      if (col != row) sums[labels[col]] += distances[static_cast<size_t>(row) * count + col];
    }
    scores[row] = SampleScore(sums.data(), described[0].sizes, labels[row]);
  }
  return Mean(scores);
}

namespace {

void CheckOneLabelPerSeries(const TimeSeriesSet& series,
                            const std::vector<std::vector<int>>& labelings) {
  for (const auto& labels : labelings) {
    if (static_cast<int>(labels.size()) != series.size()) {
      throw InvalidArgument("a labeling does not have one label per series",
                            {"", 0, "labels", std::to_string(series.size()) + " labels"});
    }
  }
}

struct Sample {
  TimeSeriesSet series;
  std::vector<std::vector<int>> labelings;
};

// A seeded subset of `size` series with their labels, in series order so that the result does not
// depend on the order of the draws.
Sample DrawSample(const TimeSeriesSet& full_series,
                  const std::vector<std::vector<int>>& full_labelings, int size, uint64_t seed) {
  std::vector<int> order(full_series.size());
  std::iota(order.begin(), order.end(), 0);
  internal::MersenneRandom random(seed);
  for (int position = 0; position < size; ++position) {
    std::swap(order[position], order[position + random.Below(full_series.size() - position)]);
  }
  order.resize(size);
  std::sort(order.begin(), order.end());
  Sample sample;
  sample.series.dims = full_series.dims;
  sample.labelings.assign(full_labelings.size(), {});
  for (int index : order) {
    sample.series.Add(full_series.ids[index], full_series.Data(index), full_series.Length(index));
    for (size_t labeling = 0; labeling < full_labelings.size(); ++labeling) {
      sample.labelings[labeling].push_back(full_labelings[labeling][index]);
    }
  }
  return sample;
}

// Row `row` of the distance matrix, computed rather than read when the matrix does not fit.
void ComputeRow(const TimeSeriesSet& series, int row, const SilhouetteOptions& options,
                DtwWorkspace& workspace, double* distances) {
  for (int col = 0; col < series.size(); ++col) {
    distances[col] = col == row ? 0.0
                                : std::sqrt(internal::SquaredDistance(
                                      series.Data(row), series.Length(row), series.Data(col),
                                      series.Length(col), series.dims, options.metric,
                                      options.band, workspace));
  }
}

// Per labeling, the sums of row `row`'s distances to each cluster (at the labeling's sum_offset).
void SumByCluster(const std::vector<Labeling>& described, const double* distances, int row,
                  int count, double* sums, size_t total_k) {
  std::fill(sums, sums + total_k, 0.0);
  for (const Labeling& labeling : described) {
    const std::vector<int>& labels = *labeling.labels;
    double* own_sums = sums + labeling.sum_offset;
    for (int col = 0; col < count; ++col) {
      if (col != row) own_sums[labels[col]] += distances[col];
    }
  }
}

// s(i) of every series under every labeling: scores[labeling][series]. Each row's distances are
// read or computed once and shared by every labeling.
std::vector<std::vector<double>> ScoreEverySeries(const TimeSeriesSet& series,
                                                  const std::vector<Labeling>& described,
                                                  size_t total_k, const std::vector<double>& matrix,
                                                  const SilhouetteOptions& options, int threads) {
  const int count = series.size();
  const bool streamed = matrix.empty();
  std::vector<std::vector<double>> scores(described.size(), std::vector<double>(count, 0.0));
  std::vector<std::vector<double>> row_buffers(threads,
                                               std::vector<double>(streamed ? count : 0));
  std::vector<std::vector<double>> sum_buffers(threads, std::vector<double>(total_k));
  std::vector<DtwWorkspace> workspaces(threads);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
  for (int row = 0; row < count; ++row) {
    const int thread = omp_get_thread_num();
    const double* distances;
    if (streamed) {
      ComputeRow(series, row, options, workspaces[thread], row_buffers[thread].data());
      distances = row_buffers[thread].data();
    } else {
      distances = matrix.data() + static_cast<size_t>(row) * count;
    }
    double* sums = sum_buffers[thread].data();
    SumByCluster(described, distances, row, count, sums, total_k);
    for (size_t index = 0; index < described.size(); ++index) {
      const Labeling& labeling = described[index];
      scores[index][row] = SampleScore(sums + labeling.sum_offset, labeling.sizes,
                                       (*labeling.labels)[row]);
    }
  }
  return scores;
}

// The silhouette of each labeling is the mean of its s(i); NaN for fewer than two clusters.
void Summarise(const std::vector<Labeling>& described,
               const std::vector<std::vector<double>>& scores, SilhouetteResult& result) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t index = 0; index < described.size(); ++index) {
    const double score = described[index].valid ? Mean(scores[index]) : nan;
    result.scores.push_back(score);
    result.standard_errors.push_back(std::isnan(score) ? nan
                                                       : StandardError(scores[index], score));
  }
}

}  // namespace

SilhouetteResult SilhouetteScores(const TimeSeriesSet& full_series,
                                  const std::vector<std::vector<int>>& full_labelings,
                                  const SilhouetteOptions& options) {
  options.Validate();
  const auto start = std::chrono::steady_clock::now();
  const int threads = internal::ResolveThreads(options.threads);
  CheckOneLabelPerSeries(full_series, full_labelings);

  const bool sampled = options.sample > 0 && options.sample < full_series.size();
  const Sample sample =
      sampled ? DrawSample(full_series, full_labelings, options.sample, options.seed) : Sample{};
  const TimeSeriesSet& series = sampled ? sample.series : full_series;
  const std::vector<std::vector<int>>& labelings = sampled ? sample.labelings : full_labelings;

  const int count = series.size();
  size_t total_k = 0;
  const std::vector<Labeling> described = Describe(labelings, &total_k);
  SilhouetteResult result;
  result.sample_size = count;
  const double matrix_bytes = 8.0 * count * count;
  result.used_matrix = matrix_bytes <= static_cast<double>(options.memory_budget_bytes);
  std::vector<double> matrix;
  if (result.used_matrix) {
    matrix = PairwiseDistances(series, options.metric, options.band, threads);
    result.distance_computations = static_cast<int64_t>(count) * (count - 1) / 2;
  } else {
    result.distance_computations = static_cast<int64_t>(count) * (count - 1);
  }
  Summarise(described, ScoreEverySeries(series, described, total_k, matrix, options, threads),
            result);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace segcast
