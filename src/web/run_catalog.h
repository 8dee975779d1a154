// The runs of an output directory and of a result store: listing, "latest", and loading a run's
// data once, reloading when its folder or its stored row is replaced by a newer run with the same id.
// A run present in both is read from its folder.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "segcast/store.h"
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
  std::string source;     //!< "folder" or "store": where the run's data is read from
  bool has_data = false;  //!< false: a store run written before schema 2, listed only
};

class RunCatalog {
 public:
  //! `output_dir` "" for none, `store` "" for none (not both). The store is opened here, once
  //! (upgrading a schema 1 store in place); throws DatabaseError when it cannot be opened.
  RunCatalog(std::string output_dir, std::string store);
  ~RunCatalog();

  //! Every run, newest first (as-of date, then creation time, then id, descending).
  std::vector<RunSummary> List() const;
  //! The run id `name` stands for ("latest" or an id); throws ApiError 404 when unknown, 400 when
  //! the name cannot be a run id (path separators, "..").
  std::string Resolve(const std::string& name) const;
  //! The run's data, loaded on first use and again when the run was re-written; throws ApiError
  //! 404 when there is no such run, 409 when the store holds it without its data (schema 1).
  std::shared_ptr<const RunData> Load(const std::string& run_id) const;

 private:
  struct Cached {
    std::string stamp;  //!< folder: manifest.json time and size; store: created_at and manifest hash
    std::shared_ptr<const RunData> run;
  };
  std::string RunDir(const std::string& run_id) const;
  std::vector<RunSummary> ListFolders() const;
  std::vector<RunSummary> ListStore(const std::vector<RunSummary>& folders) const;
  std::shared_ptr<const RunData> LoadStored(const std::string& run_id) const;
  std::string Where() const;

  std::string output_dir_;
  std::string store_name_;  //!< redacted
  mutable std::mutex mutex_;  //!< runs_ and summaries_; taken before store_mutex_, never after
  mutable std::map<std::string, Cached> runs_;
  mutable std::map<std::string, std::pair<std::string, RunSummary>> summaries_;  //!< by run id
  mutable std::mutex store_mutex_;  //!< one connection, one statement at a time
  std::unique_ptr<ResultStore> store_;
};

//! True when `name` is a plausible run id: 1..128 of [A-Za-z0-9._-], not "." or "..".
bool ValidRunId(const std::string& name);

//! What tells a stored run's re-write apart: created_at and a hash of its manifest (which holds
//! the run's timings, so two writes in the same second differ too).
std::string StoredRunStamp(const RunInfo& info);

}  // namespace segcast::internal
