// OpenMP helpers shared by every parallel stage.
//
// An exception must never leave an OpenMP region (it terminates the program), so parallel loops
// capture the first exception and rethrow it after the loop. Thread counts are resolved in one
// place so that "0 = all cores" means the same everywhere.
#pragma once

#include <omp.h>

#include <exception>
#include <mutex>

namespace segcast::internal {

//! Resolves a user thread count: 0 or negative means every core OpenMP offers.
inline int ResolveThreads(int requested) {
  return requested > 0 ? requested : omp_get_max_threads();
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
