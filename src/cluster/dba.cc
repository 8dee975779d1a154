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

namespace {

constexpr int kChunk = 32;

struct Task {
  int cluster = 0;
  int begin = 0;  // index into members[cluster]
  int end = 0;
};

// One DbaUpdateManyCached call: each cluster's progress and the scratch its iterations reuse.
struct DbaRun {
  DbaRun(const TimeSeriesSet& run_series, const std::vector<std::vector<int>>& run_members,
         const DbaOptions& run_options, int run_length, internal::DbaAlignmentCache* run_cache)
      : series(run_series),
        members(run_members),
        options(run_options),
        cache(run_cache),
        length(run_length),
        dims(run_series.dims),
        clusters(static_cast<int>(run_members.size())),
        threads(internal::ResolveThreads(run_options.threads)),
        cell_count(static_cast<int64_t>(run_length) * run_series.dims),
        results(clusters),
        cost_prev(clusters, std::numeric_limits<double>::infinity()),
        active(clusters, 0),
        repeat(clusters, 0),
        member_cost(clusters),
        workspaces(threads),
        transposed(clusters),
        sums(cell_count),
        counts(length),
        before(cell_count),
        replay_stamp(clusters, 0),
        stamp(clusters, 0) {
    for (int cluster = 0; cluster < clusters; ++cluster) {
      active[cluster] = members[cluster].empty() ? 0 : 1;
      member_cost[cluster].resize(members[cluster].size());
    }
  }

  const TimeSeriesSet& series;
  const std::vector<std::vector<int>>& members;
  const DbaOptions& options;
  internal::DbaAlignmentCache* cache;  // null: no replay
  const int length;
  const int dims;
  const int clusters;
  const int threads;
  const int64_t cell_count;

  std::vector<DbaResult> results;
  std::vector<double> cost_prev;
  std::vector<char> active;
  // repeat[c]: the last update left barycenter c unchanged bit for bit, so the next iteration
  // would align the same members with the same barycenter and give the same cost and the same
  // barycenter again: it is not recomputed, only its stopping rules are applied.
  std::vector<char> repeat;
  std::vector<std::vector<double>> member_cost;
  std::vector<DtwWorkspace> workspaces;
  std::vector<std::vector<double>> transposed;
  std::vector<Task> tasks;
  std::vector<double> task_sums;
  std::vector<int64_t> task_counts;
  std::vector<double> sums;
  std::vector<int64_t> counts;
  std::vector<double> before;
  // replay_stamp[c] != 0: members of c whose series_stamp equals it are replayed from the cache.
  std::vector<int64_t> replay_stamp;
  std::vector<int64_t> stamp;
};

// Gives the cluster's alignments of this iteration a new stamp in the cache.
void StampCluster(DbaRun& run, int cluster, const double* barycenter, int iteration) {
  internal::DbaAlignmentCache& cache = *run.cache;
  // Only the first iteration can start from the barycenter a previous run last aligned with
  // (later ones start from a fresh update; an unchanged one is handled by repeat).
  run.replay_stamp[cluster] =
      iteration == 0 && cache.cluster_stamp[cluster] != 0 &&
              std::memcmp(cache.aligned[cluster].data(), barycenter,
                          run.cell_count * sizeof(double)) == 0
          ? cache.cluster_stamp[cluster]
          : 0;
  run.stamp[cluster] = ++cache.next_stamp;
  cache.aligned[cluster].assign(barycenter, barycenter + run.cell_count);
  cache.cluster_stamp[cluster] = run.stamp[cluster];
}

// Cuts the members of every cluster that still moves into chunks; false once no cluster is
// active.
bool PlanChunks(DbaRun& run, const double* barycenters, int iteration) {
  run.tasks.clear();
  bool any_active = false;
  for (int cluster = 0; cluster < run.clusters; ++cluster) {
    if (!run.active[cluster]) continue;
    any_active = true;
    if (run.repeat[cluster]) continue;
    const double* barycenter = barycenters + cluster * run.cell_count;
    internal::TransposeSteps(barycenter, run.length, run.dims, run.transposed[cluster]);
    if (run.cache != nullptr) StampCluster(run, cluster, barycenter, iteration);
    const int count = static_cast<int>(run.members[cluster].size());
    for (int begin = 0; begin < count; begin += kChunk) {
      run.tasks.push_back({cluster, begin, std::min(count, begin + kChunk)});
    }
  }
  return any_active;
}

// Aligns one chunk of a cluster's members with its barycenter into the chunk's own sums and
// counts; returns how many alignments were replayed from the cache.
int64_t AlignChunk(DbaRun& run, int64_t task_index, DtwWorkspace& workspace) {
  const Task& task = run.tasks[task_index];
  const double* barycenter_t = run.transposed[task.cluster].data();
  double* task_sum = run.task_sums.data() + task_index * run.cell_count;
  int64_t* task_count_row = run.task_counts.data() + task_index * run.length;
  internal::DbaAlignmentCache* cache = run.cache;
  int64_t replayed = 0;
  for (int position = task.begin; position < task.end; ++position) {
    const int member = run.members[task.cluster][position];
    const int member_length = run.series.Length(member);
    if (cache == nullptr) {
      const double cost = internal::AlignAndAccumulate(
          barycenter_t, run.length, run.series.Data(member), member_length, run.dims,
          run.options.band.RadiusFor(run.length, member_length), workspace, task_sum,
          task_count_row);
      // tslearn squares the square root of the cost; do the same so costs agree.
      const double distance = std::sqrt(cost);
      run.member_cost[task.cluster][position] = distance * distance;
      continue;
    }
    int* runs = cache->runs.data() + static_cast<int64_t>(member) * 2 * run.length;
    if (run.replay_stamp[task.cluster] != 0 &&
        cache->series_stamp[member] == run.replay_stamp[task.cluster]) {
      internal::ReplayRuns(run.series.Data(member), run.length, run.dims, runs, task_sum,
                           task_count_row);
      ++replayed;
    } else {
      const double cost = internal::AlignAndAccumulate(
          barycenter_t, run.length, run.series.Data(member), member_length, run.dims,
          run.options.band.RadiusFor(run.length, member_length), workspace, task_sum,
          task_count_row, runs);
      const double distance = std::sqrt(cost);
      cache->cost[member] = distance * distance;
    }
    cache->series_stamp[member] = run.stamp[task.cluster];
    run.member_cost[task.cluster][position] = cache->cost[member];
  }
  return replayed;
}

// Every chunk writes its own partial sums, so the threads never share an accumulator.
void AlignChunks(DbaRun& run) {
  const int64_t task_count = static_cast<int64_t>(run.tasks.size());
  run.task_sums.assign(task_count * run.cell_count, 0.0);
  run.task_counts.assign(task_count * run.length, 0);
  if (task_count == 0) return;
  int64_t replayed = 0;
  internal::ExceptionCapture capture;
  // The late DBA iterations often align only a few small clusters: run those on one thread.
  int64_t aligned = 0;
  for (const Task& task : run.tasks) aligned += task.end - task.begin;
  const int region_threads = internal::ThreadsForWork(
      run.threads, internal::DtwCells(aligned, 1, run.length, run.series.MaxLength(), run.dims));
#pragma omp parallel for num_threads(region_threads) schedule(dynamic, 1) reduction(+ : replayed)
  for (int64_t task_index = 0; task_index < task_count; ++task_index) {
    capture.Run([&] {
      replayed += AlignChunk(run, task_index, run.workspaces[omp_get_thread_num()]);
    });
  }
  capture.Rethrow();
  if (run.cache != nullptr) run.cache->replayed += replayed;
}

// Adds one cluster's chunks into run.sums / run.counts in chunk order, so the sums do not depend
// on the thread count; returns the index of the next cluster's first chunk.
int64_t SumChunks(DbaRun& run, int cluster, int64_t task_index) {
  std::fill(run.sums.begin(), run.sums.end(), 0.0);
  std::fill(run.counts.begin(), run.counts.end(), 0);
  const int64_t task_count = static_cast<int64_t>(run.tasks.size());
  for (; task_index < task_count && run.tasks[task_index].cluster == cluster; ++task_index) {
    const double* partial = run.task_sums.data() + task_index * run.cell_count;
    const int64_t* partial_counts = run.task_counts.data() + task_index * run.length;
    for (int64_t cell = 0; cell < run.cell_count; ++cell) run.sums[cell] += partial[cell];
    for (int row = 0; row < run.length; ++row) run.counts[row] += partial_counts[row];
  }
  return task_index;
}

double MeanCost(const std::vector<double>& member_cost) {
  double cost = 0.0;
  for (double value : member_cost) cost += value;
  return cost / static_cast<double>(member_cost.size());
}

// Writes the barycenter from run.sums / run.counts; true if it did not change bit for bit.
bool WriteBarycenter(DbaRun& run, double* barycenter) {
  std::copy(barycenter, barycenter + run.cell_count, run.before.begin());
  for (int row = 0; row < run.length; ++row) {
    // Every path visits every barycenter row, so counts[row] >= 1.
    const double inverse = 1.0 / static_cast<double>(run.counts[row]);
    for (int dim = 0; dim < run.dims; ++dim) {
      barycenter[row * run.dims + dim] =
          inverse * run.sums[static_cast<int64_t>(row) * run.dims + dim];
    }
  }
  return std::memcmp(run.before.data(), barycenter, run.cell_count * sizeof(double)) == 0;
}

// tslearn's stopping rules: the cost changed by less than tol, or went up.
void ApplyStoppingRules(DbaRun& run, int cluster, int iteration, double cost) {
  DbaResult& result = run.results[cluster];
  result.iterations = iteration + 1;
  result.cost = cost;
  result.fixed_point = run.repeat[cluster] != 0;
  if (std::abs(run.cost_prev[cluster] - cost) < run.options.tol) {
    result.converged = true;
    run.active[cluster] = 0;
  } else if (run.cost_prev[cluster] < cost) {
    result.cost_increased = true;
    run.active[cluster] = 0;
  } else {
    run.cost_prev[cluster] = cost;
  }
}

void UpdateBarycenters(DbaRun& run, double* barycenters, int iteration) {
  int64_t task_index = 0;
  for (int cluster = 0; cluster < run.clusters; ++cluster) {
    if (!run.active[cluster]) continue;
    double cost = run.results[cluster].cost;
    if (!run.repeat[cluster]) {
      task_index = SumChunks(run, cluster, task_index);
      cost = MeanCost(run.member_cost[cluster]);
      run.repeat[cluster] = WriteBarycenter(run, barycenters + cluster * run.cell_count);
    }
    ApplyStoppingRules(run, cluster, iteration, cost);
  }
}

}  // namespace

std::vector<DbaResult> internal::DbaUpdateManyCached(
    const TimeSeriesSet& series, const std::vector<std::vector<int>>& members,
    const DbaOptions& options, double* barycenters, int length, DbaAlignmentCache* cache) {
  options.Validate();
  DbaRun run(series, members, options, length, cache);
  for (int iteration = 0; iteration < options.max_iter; ++iteration) {
    if (!PlanChunks(run, barycenters, iteration)) break;
    AlignChunks(run);
    UpdateBarycenters(run, barycenters, iteration);
  }
  return std::move(run.results);
}

}  // namespace segcast
