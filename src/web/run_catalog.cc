#include "web/run_catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "segcast/store.h"
#include "web/api_error.h"

namespace segcast::internal {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

}  // namespace

bool ValidRunId(const std::string& name) {
  if (name.empty() || name.size() > 128 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string StoredRunStamp(const RunInfo& info) {
  return info.created_at + "|" + std::to_string(std::hash<std::string>{}(info.manifest_json));
}

RunCatalog::RunCatalog(std::string output_dir, std::string store) : output_dir_(std::move(output_dir)) {
  if (!store.empty()) {
    store_ = OpenStore(store, {});
    store_name_ = store_->Describe();
  }
}

RunCatalog::~RunCatalog() = default;

std::string RunCatalog::Where() const {
  if (output_dir_.empty()) return store_name_;
  return store_ ? output_dir_ + "/runs or " + store_name_ : output_dir_ + "/runs";
}

std::string RunCatalog::RunDir(const std::string& run_id) const {
  return (fs::path(output_dir_) / "runs" / run_id).string();
}

std::vector<RunSummary> RunCatalog::ListFolders() const {
  std::vector<RunSummary> runs;
  if (output_dir_.empty()) return runs;
  std::error_code error;
  fs::directory_iterator folders(fs::path(output_dir_) / "runs", error);
  if (error) return runs;
  for (const fs::directory_entry& entry : folders) {
    const std::string id = entry.path().filename().string();
    const fs::path manifest = entry.path() / "manifest.json";
    if (!ValidRunId(id) || !fs::is_regular_file(manifest, error)) continue;  // staging folders too
    const std::string stamp = FileTimeIso(manifest.string()) + "|" +
                              std::to_string(fs::file_size(manifest, error));
    {
      std::lock_guard lock(mutex_);
      const auto found = summaries_.find(id);
      if (found != summaries_.end() && found->second.first == stamp) {
        runs.push_back(found->second.second);
        continue;
      }
    }
    RunSummary summary;
    summary.run_id = id;
    summary.source = "folder";
    summary.has_data = true;
    summary.created_at = FileTimeIso(manifest.string());
    try {
      std::ifstream manifest_in(manifest);
      const json parsed = json::parse(manifest_in);
      summary.as_of = parsed.value("as_of", "");
      summary.previous_run_id = PreviousRunId(parsed.value("previous", ""));
      std::ifstream segments_in(entry.path() / "segments.json");
      const json segments = json::parse(segments_in);
      summary.k = segments.value("k", 0);
      summary.customers = segments.value("customers", int64_t{0});
      summary.revenue = segments.value("revenue", 0.0);
    } catch (const std::exception&) {
      continue;  // a run being written or damaged: not listed
    }
    std::lock_guard lock(mutex_);
    summaries_[id] = {stamp, summary};
    runs.push_back(summary);
  }
  return runs;
}

std::vector<RunSummary> RunCatalog::ListStore(const std::vector<RunSummary>& folders) const {
  std::vector<RunSummary> runs;
  if (!store_) return runs;
  std::vector<RunInfo> infos;
  {
    std::lock_guard lock(store_mutex_);
    infos = store_->ListRuns();
  }
  for (const RunInfo& info : infos) {
    const bool in_folder = std::any_of(folders.begin(), folders.end(),
                                       [&info](const RunSummary& run) { return run.run_id == info.run_id; });
    if (in_folder || !ValidRunId(info.run_id)) continue;
    const std::string key = "store:" + info.run_id, stamp = StoredRunStamp(info);
    {
      std::lock_guard lock(mutex_);
      const auto found = summaries_.find(key);
      if (found != summaries_.end() && found->second.first == stamp) {
        runs.push_back(found->second.second);
        continue;
      }
    }
    RunSummary summary;
    summary.run_id = info.run_id;
    summary.source = "store";
    summary.as_of = info.as_of;
    summary.created_at = info.created_at;
    summary.previous_run_id = PreviousRunId(info.previous_run_id);
    summary.k = info.k;
    summary.customers = info.customers;
    summary.revenue = info.revenue;
    {
      // Whether the run has its data (schema 2): once per write of the run, the documents only.
      LoadParts parts = LoadParts::HeaderOnly();
      parts.documents = true;
      std::lock_guard lock(store_mutex_);
      summary.has_data = store_->LoadRun(info.run_id, parts).FindDocument("segments.json") != nullptr;
    }
    std::lock_guard lock(mutex_);
    summaries_[key] = {stamp, summary};
    runs.push_back(summary);
  }
  return runs;
}

std::vector<RunSummary> RunCatalog::List() const {
  std::vector<RunSummary> runs = ListFolders();
  const std::vector<RunSummary> stored = ListStore(runs);
  runs.insert(runs.end(), stored.begin(), stored.end());
  std::sort(runs.begin(), runs.end(), [](const RunSummary& a, const RunSummary& b) {
    if (a.as_of != b.as_of) return a.as_of > b.as_of;
    if (a.created_at != b.created_at) return a.created_at > b.created_at;
    return a.run_id > b.run_id;
  });
  return runs;
}

std::string RunCatalog::Resolve(const std::string& name) const {
  if (name == "latest") {
    if (!output_dir_.empty()) {
      std::error_code error;
      const fs::path target = fs::read_symlink(fs::path(output_dir_) / "latest", error);
      if (!error && ValidRunId(target.filename().string())) return target.filename().string();
    }
    for (const RunSummary& run : List()) {
      if (run.has_data) return run.run_id;
    }
    throw ApiError(404, "no run in " + Where() + " yet: run `segcast run` first", "run");
  }
  if (!ValidRunId(name)) throw ApiError(400, "not a run id: letters, digits, '.', '_' and '-' only", "run");
  return name;
}

std::shared_ptr<const RunData> RunCatalog::Load(const std::string& run_id) const {
  if (!ValidRunId(run_id)) throw ApiError(400, "not a run id", "run");
  std::error_code error;
  const fs::path manifest = fs::path(RunDir(run_id)) / "manifest.json";
  if (output_dir_.empty() || !fs::is_regular_file(manifest, error)) {
    if (store_) return LoadStored(run_id);
    throw ApiError(404, "no run '" + run_id + "' in " + Where(), "run");
  }
  const std::string stamp = FileTimeIso(manifest.string()) + "|" + std::to_string(fs::file_size(manifest, error));
  // One lock for the load too: two first requests for a run load it once, and loads are rare.
  std::lock_guard lock(mutex_);
  const auto found = runs_.find(run_id);
  if (found != runs_.end() && found->second.stamp == stamp) return found->second.run;
  std::shared_ptr<RunData> run = LoadRunFolder(RunDir(run_id), run_id);
  run->stamp = stamp;
  runs_[run_id] = {stamp, run};
  return run;
}

std::shared_ptr<const RunData> RunCatalog::LoadStored(const std::string& run_id) const {
  std::lock_guard lock(mutex_);
  std::string stamp;
  {
    // The cheap check on every request: the runs row alone tells whether the run was re-written.
    std::lock_guard store_lock(store_mutex_);
    if (!store_->HasRun(run_id)) throw ApiError(404, "no run '" + run_id + "' in " + Where(), "run");
    stamp = StoredRunStamp(store_->LoadRun(run_id, LoadParts::HeaderOnly()).info);
  }
  const auto found = runs_.find(run_id);
  if (found != runs_.end() && found->second.stamp == stamp) return found->second.run;
  RunInfo info;
  std::shared_ptr<RunData> run;
  {
    std::lock_guard store_lock(store_mutex_);
    run = LoadRunFromStore(*store_, run_id, store_name_, &info);
  }
  if (!run) {
    throw ApiError(409,
                   "run " + run_id + " was stored before the store kept panels and profiles (store schema 1): "
                   "its data cannot be shown; run it again with this segcast, or serve its run folder",
                   "run");
  }
  // The stamp of the rows read (a write between the two reads gives the newer stamp).
  stamp = StoredRunStamp(info);
  run->stamp = stamp;
  runs_[run_id] = {stamp, run};
  return run;
}

}  // namespace segcast::internal
