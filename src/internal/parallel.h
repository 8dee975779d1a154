// OpenMP helpers shared by every parallel stage.
//
// An exception must never leave an OpenMP region (it terminates the program), so parallel loops
// capture the first exception and rethrow it after the loop. Thread counts are resolved in one
// place so that "0 = all cores" means the same everywhere.
#pragma once

#include <omp.h>

#include <cstdint>
#include <exception>
#include <mutex>

namespace segcast::internal {

//! Resolves a user thread count: 0 or negative means every core OpenMP offers.
inline int ResolveThreads(int requested) {
  return requested > 0 ? requested : omp_get_max_threads();
}

//! Least work, in DTW cells (or inner-loop steps of the same cost), worth a parallel region: about
//! half a millisecond on one core. Below it a region's fork and barrier cost more than they save,
//! and on a machine whose other core is busy a 2-thread region can wait a whole time slice
//! (milliseconds) for a worker that the scheduler put behind the competing process.
constexpr int64_t kMinParallelCells = int64_t{1} << 18;

//! Threads for a region of `cells` work: `threads` (resolved), or 1 below kMinParallelCells. Loops
//! that use it must give results independent of the thread count (they all do: see the rules in
//! docs/architecture.md).
inline int ThreadsForWork(int threads, int64_t cells) {
  return cells < kMinParallelCells ? 1 : ResolveThreads(threads);
}

//! DTW cells of comparing `count` series of up to `length` steps with `others` series of up to
//! `other_length` steps each, in `dims` dimensions: the work estimate ThreadsForWork takes.
inline int64_t DtwCells(int64_t count, int64_t others, int64_t length, int64_t other_length,
                        int64_t dims) {
  return count * others * length * other_length * dims;
}

//! Captures the first exception thrown inside a parallel region; Rethrow() after the region.
//!
//!   ExceptionCapture capture;
//!   #pragma omp parallel for
//!   for (int64_t i = 0; i < n; ++i) capture.Run([&] { Work(i); });
//!   capture.Rethrow();
class ExceptionCapture {
 public:
  template <typename Function>
  void Run(Function&& function) noexcept {
    try {
      function();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!first_) first_ = std::current_exception();
    }
  }
  void Rethrow() {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr first_;
};

//! Runs `first` and `second` at the same time on two threads of OpenMP's pool (one when `threads`
//! is 1), then rethrows the first exception either threw. The pool's workers spin for a while
//! after a region ends, so the second task starts at once; a std::thread would instead compete
//! with that spinning worker for the second core. OpenMP loops inside either task run on one
//! thread (nested regions are inactive by default).
//!
//!   RunConcurrently(2, [&] { panel = BuildPanel(table, options); }, [&] { rfm = ComputeRfm(table); });
template <typename First, typename Second>
void RunConcurrently(int threads, First&& first, Second&& second) {
  ExceptionCapture capture;
#pragma omp parallel sections num_threads(threads > 1 ? 2 : 1)
  {
#pragma omp section
    capture.Run(first);
#pragma omp section
    capture.Run(second);
  }
  capture.Rethrow();
}

}  // namespace segcast::internal
