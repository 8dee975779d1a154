#include "web/recluster_cache.h"

#include <algorithm>

namespace segcast::internal {

std::shared_ptr<const Segmentation> ReclusterCache::Get(const std::string& run_key, int k, Metric metric,
                                                        const std::function<Segmentation()>& compute,
                                                        bool* cached) {
  const Key key{run_key, k, static_cast<int>(metric)};
  std::promise<std::shared_ptr<const Segmentation>> promise;
  Entry entry;
  {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(key);
    if (found != entries_.end()) {
      *cached = true;
      entry = found->second;
    } else {
      *cached = false;
      entry = promise.get_future().share();
      entries_.emplace(key, entry);
      order_.push_back(key);
      while (static_cast<int>(order_.size()) > capacity_) {
        entries_.erase(order_.front());  // waiters hold their own shared_future copy
        order_.pop_front();
      }
    }
  }
  if (*cached) return entry.get();
  try {
    promise.set_value(std::make_shared<const Segmentation>(compute()));
  } catch (...) {
    promise.set_exception(std::current_exception());
    std::lock_guard lock(mutex_);
    entries_.erase(key);
    order_.remove(key);
  }
  return entry.get();
}

}  // namespace segcast::internal
