// DBA advanced for every cluster at once. Members are cut into fixed-size chunks whose partial
// sums are combined in chunk order, so the barycenters do not depend on the thread count.
#include "segcast/dba.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "cluster/dba_align.h"
#include "cluster/dba_cache.h"
#include "internal/parallel.h"
#include "segcast/error.h"

namespace segcast {
namespace {

constexpr int kChunk = 32;

struct Task {
  int cluster = 0;
  int begin = 0;  // index into members[cluster]
  int end = 0;
};

}  // namespace

void DbaOptions::Validate() const {
  if (max_iter < 1) {
    throw InvalidArgument("DBA needs at least one iteration, got " + std::to_string(max_iter),
                          {"", 0, "dba_max_iter", "an integer >= 1"});
  }
  if (!(tol >= 0.0)) {
    throw InvalidArgument("the DBA tolerance must be >= 0", {"", 0, "dba_tol", "a number >= 0"});
  }
  band.Validate();
}

DbaResult DbaUpdate(const TimeSeriesSet& series, const std::vector<int>& members,
                    const DbaOptions& options, double* barycenter, int length) {
  if (members.empty()) {
    throw InvalidArgument("DBA needs at least one member series", {"", 0, "members", "non-empty"});
  }
  return DbaUpdateMany(series, {members}, options, barycenter, length).front();
}

std::vector<DbaResult> DbaUpdateMany(const TimeSeriesSet& series,
                                     const std::vector<std::vector<int>>& members,
                                     const DbaOptions& options, double* barycenters, int length) {
  return internal::DbaUpdateManyCached(series, members, options, barycenters, length, nullptr);
}

void internal::DbaAlignmentCache::Reset(int clusters, int series, int length) {
  aligned.assign(clusters, {});
  cluster_stamp.assign(clusters, 0);
  series_stamp.assign(series, 0);
  cost.assign(series, 0.0);
  runs.assign(static_cast<size_t>(series) * 2 * length, 0);
  next_stamp = 0;
  replayed = 0;
}

std::vector<DbaResult> internal::DbaUpdateManyCached(
    const TimeSeriesSet& series, const std::vector<std::vector<int>>& members,
    const DbaOptions& options, double* barycenters, int length, DbaAlignmentCache* cache) {
  options.Validate();
  const int dims = series.dims;
  const int clusters = static_cast<int>(members.size());
  const int threads = internal::ResolveThreads(options.threads);
  const int64_t cell_count = static_cast<int64_t>(length) * dims;

  std::vector<DbaResult> results(clusters);
  std::vector<double> cost_prev(clusters, std::numeric_limits<double>::infinity());
  std::vector<char> active(clusters, 0);
  // repeat[c]: the last update left barycenter c unchanged bit for bit, so the next iteration
  // would align the same members with the same barycenter and give the same cost and the same
  // barycenter again: it is not recomputed, only its stopping rules are applied.
  std::vector<char> repeat(clusters, 0);
  std::vector<std::vector<double>> member_cost(clusters);
  for (int cluster = 0; cluster < clusters; ++cluster) {
    active[cluster] = members[cluster].empty() ? 0 : 1;
    member_cost[cluster].resize(members[cluster].size());
  }
  std::vector<DtwWorkspace> workspaces(threads);
  std::vector<std::vector<double>> transposed(clusters);
  std::vector<Task> tasks;
  std::vector<double> task_sums;
  std::vector<int64_t> task_counts;
  std::vector<double> sums(cell_count);
  std::vector<int64_t> counts(length);
  std::vector<double> before(cell_count);
  // replay_stamp[c] != 0: members of c whose series_stamp equals it are replayed from the cache.
  std::vector<int64_t> replay_stamp(clusters, 0);
  std::vector<int64_t> stamp(clusters, 0);
  int64_t replayed = 0;

  for (int iteration = 0; iteration < options.max_iter; ++iteration) {
    tasks.clear();
    bool any_active = false;
    for (int cluster = 0; cluster < clusters; ++cluster) {
      if (!active[cluster]) continue;
      any_active = true;
      if (repeat[cluster]) continue;
      const double* barycenter = barycenters + cluster * cell_count;
      internal::TransposeSteps(barycenter, length, dims, transposed[cluster]);
      if (cache != nullptr) {
        // Only the first iteration can start from the barycenter a previous run last aligned
        // with (later ones start from a fresh update; an unchanged one is handled by repeat).
        replay_stamp[cluster] =
            iteration == 0 && cache->cluster_stamp[cluster] != 0 &&
                    std::memcmp(cache->aligned[cluster].data(), barycenter,
                                cell_count * sizeof(double)) == 0
                ? cache->cluster_stamp[cluster]
                : 0;
        stamp[cluster] = ++cache->next_stamp;
        cache->aligned[cluster].assign(barycenter, barycenter + cell_count);
        cache->cluster_stamp[cluster] = stamp[cluster];
      }
      const int count = static_cast<int>(members[cluster].size());
      for (int begin = 0; begin < count; begin += kChunk) {
        tasks.push_back({cluster, begin, std::min(count, begin + kChunk)});
      }
    }
    if (!any_active) break;
    const int64_t task_count = static_cast<int64_t>(tasks.size());
    task_sums.assign(task_count * cell_count, 0.0);
    task_counts.assign(task_count * length, 0);

    if (task_count > 0) {
      internal::ExceptionCapture capture;
      // The late DBA iterations often align only a few small clusters: run those on one thread.
      int64_t aligned = 0;
      for (const Task& task : tasks) aligned += task.end - task.begin;
      const int region_threads = internal::ThreadsForWork(
          threads, internal::DtwCells(aligned, 1, length, series.MaxLength(), dims));
#pragma omp parallel for num_threads(region_threads) schedule(dynamic, 1) reduction(+ : replayed)
      for (int64_t task_index = 0; task_index < task_count; ++task_index) {
        capture.Run([&] {
          const Task& task = tasks[task_index];
          DtwWorkspace& workspace = workspaces[omp_get_thread_num()];
          const double* barycenter_t = transposed[task.cluster].data();
          double* task_sum = task_sums.data() + task_index * cell_count;
          int64_t* task_count_row = task_counts.data() + task_index * length;
          for (int position = task.begin; position < task.end; ++position) {
            const int member = members[task.cluster][position];
            const int member_length = series.Length(member);
            if (cache == nullptr) {
              const double cost = internal::AlignAndAccumulate(
                  barycenter_t, length, series.Data(member), member_length, dims,
                  options.band.RadiusFor(length, member_length), workspace, task_sum,
                  task_count_row);
              // tslearn squares the square root of the cost; do the same so costs agree.
              const double distance = std::sqrt(cost);
              member_cost[task.cluster][position] = distance * distance;
              continue;
            }
            int* runs = cache->runs.data() + static_cast<int64_t>(member) * 2 * length;
            if (replay_stamp[task.cluster] != 0 &&
                cache->series_stamp[member] == replay_stamp[task.cluster]) {
              internal::ReplayRuns(series.Data(member), length, dims, runs, task_sum,
                                   task_count_row);
              ++replayed;
            } else {
              const double cost = internal::AlignAndAccumulate(
                  barycenter_t, length, series.Data(member), member_length, dims,
                  options.band.RadiusFor(length, member_length), workspace, task_sum,
                  task_count_row, runs);
              const double distance = std::sqrt(cost);
              cache->cost[member] = distance * distance;
            }
            cache->series_stamp[member] = stamp[task.cluster];
            member_cost[task.cluster][position] = cache->cost[member];
          }
        });
      }
      capture.Rethrow();
    }
    if (cache != nullptr) cache->replayed += replayed;
    replayed = 0;

    // Combine the chunks of each cluster in order, then apply tslearn's stopping rules.
    int64_t task_index = 0;
    for (int cluster = 0; cluster < clusters; ++cluster) {
      if (!active[cluster]) continue;
      DbaResult& result = results[cluster];
      double cost = result.cost;
      if (!repeat[cluster]) {
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(counts.begin(), counts.end(), 0);
        for (; task_index < task_count && tasks[task_index].cluster == cluster; ++task_index) {
          const double* partial = task_sums.data() + task_index * cell_count;
          const int64_t* partial_counts = task_counts.data() + task_index * length;
          for (int64_t cell = 0; cell < cell_count; ++cell) sums[cell] += partial[cell];
          for (int row = 0; row < length; ++row) counts[row] += partial_counts[row];
        }
        cost = 0.0;
        for (double value : member_cost[cluster]) cost += value;
        cost /= static_cast<double>(members[cluster].size());
        double* barycenter = barycenters + cluster * cell_count;
        std::copy(barycenter, barycenter + cell_count, before.begin());
        for (int row = 0; row < length; ++row) {
          // Every path visits every barycenter row, so counts[row] >= 1.
          const double inverse = 1.0 / static_cast<double>(counts[row]);
          for (int dim = 0; dim < dims; ++dim) {
            barycenter[row * dims + dim] = inverse * sums[static_cast<int64_t>(row) * dims + dim];
          }
        }
        repeat[cluster] = std::memcmp(before.data(), barycenter, cell_count * sizeof(double)) == 0;
      }
      result.iterations = iteration + 1;
      result.cost = cost;
      result.fixed_point = repeat[cluster] != 0;
      if (std::abs(cost_prev[cluster] - cost) < options.tol) {
        result.converged = true;
        active[cluster] = 0;
      } else if (cost_prev[cluster] < cost) {
        result.cost_increased = true;
        active[cluster] = 0;
      } else {
        cost_prev[cluster] = cost;
      }
    }
  }
  return results;
}

}  // namespace segcast
