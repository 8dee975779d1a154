// The runs of an output directory (and optionally of a store): listing, "latest", and loading a
// run's data once, reloading when its folder is replaced by a newer run with the same id.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "web/run_data.h"

namespace segcast::internal {

struct RunSummary {
  std::string run_id;
  std::string as_of;
  std::string created_at;
  std::string previous_run_id;
  int k = 0;
  int64_t customers = 0;
  double revenue = 0;
  bool has_folder = false;  //!< false: listed by the store only, its data cannot be shown
};

class RunCatalog {
 public:
  //! `store` "" for none; opened read-only on each listing.
  RunCatalog(std::string output_dir, std::string store);

  //! Every run, newest first (as-of date, then creation time, then id, descending).
  std::vector<RunSummary> List() const;
  //! The run id `name` stands for ("latest" or an id); throws ApiError 404 when unknown, 400 when
  //! the name cannot be a run id (path separators, "..").
  std::string Resolve(const std::string& name) const;
  //! The run's data, loaded on first use; throws ApiError 404 when there is no such folder.
  std::shared_ptr<const RunData> Load(const std::string& run_id) const;

 private:
  struct Cached {
    std::string stamp;  //!< manifest.json modification time when loaded
    std::shared_ptr<const RunData> run;
  };
  std::string RunDir(const std::string& run_id) const;
  std::vector<RunSummary> ListFolders() const;

  std::string output_dir_;
  std::string store_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, Cached> runs_;
  mutable std::map<std::string, std::pair<std::string, RunSummary>> summaries_;  //!< by run id
};

//! True when `name` is a plausible run id: 1..128 of [A-Za-z0-9._-], not "." or "..".
bool ValidRunId(const std::string& name);

}  // namespace segcast::internal
