// Re-clusterings kept per (run, k, metric): the first request computes, concurrent requests for
// the same configuration wait for it, later ones read it. Bounded; the oldest entry goes first.
#pragma once

#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "web/segmentation.h"

namespace segcast::internal {

class ReclusterCache {
 public:
  explicit ReclusterCache(int capacity) : capacity_(capacity) {}

  //! The cached segmentation of `key`, or compute() run once (outside the lock) and kept.
  //! `*cached` says whether this call found it ready or in progress. A compute() that throws is not
  //! kept: the exception reaches every waiter, and the next call tries again.
  std::shared_ptr<const Segmentation> Get(const std::string& run_key, int k, Metric metric,
                                          const std::function<Segmentation()>& compute, bool* cached);

 private:
  using Key = std::tuple<std::string, int, int>;
  using Entry = std::shared_future<std::shared_ptr<const Segmentation>>;
  int capacity_;
  std::mutex mutex_;
  std::map<Key, Entry> entries_;
  std::list<Key> order_;  //!< insertion order, oldest first
};

}  // namespace segcast::internal
