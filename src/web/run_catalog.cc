#include "web/run_catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

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

RunCatalog::RunCatalog(std::string output_dir, std::string store)
    : output_dir_(std::move(output_dir)), store_(std::move(store)) {}

std::string RunCatalog::RunDir(const std::string& run_id) const {
  return (fs::path(output_dir_) / "runs" / run_id).string();
}

std::vector<RunSummary> RunCatalog::ListFolders() const {
  std::vector<RunSummary> runs;
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
    summary.has_folder = true;
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

std::vector<RunSummary> RunCatalog::List() const {
  std::vector<RunSummary> runs = ListFolders();
  if (!store_.empty()) {
    std::unique_ptr<ResultStore> store = OpenStore(store_, {});
    for (const RunInfo& info : store->ListRuns()) {
      const bool known = std::any_of(runs.begin(), runs.end(),
                                     [&info](const RunSummary& run) { return run.run_id == info.run_id; });
      if (known) continue;
      RunSummary summary;
      summary.run_id = info.run_id;
      summary.as_of = info.as_of;
      summary.created_at = info.created_at;
      summary.previous_run_id = PreviousRunId(info.previous_run_id);
      runs.push_back(summary);
    }
  }
  std::sort(runs.begin(), runs.end(), [](const RunSummary& a, const RunSummary& b) {
    if (a.as_of != b.as_of) return a.as_of > b.as_of;
    if (a.created_at != b.created_at) return a.created_at > b.created_at;
    return a.run_id > b.run_id;
  });
  return runs;
}

std::string RunCatalog::Resolve(const std::string& name) const {
  if (name == "latest") {
    std::error_code error;
    const fs::path target = fs::read_symlink(fs::path(output_dir_) / "latest", error);
    if (!error && ValidRunId(target.filename().string())) return target.filename().string();
    const std::vector<RunSummary> runs = List();
    for (const RunSummary& run : runs) {
      if (run.has_folder) return run.run_id;
    }
    throw ApiError(404, "no run in " + output_dir_ + " yet: run `segcast run` first", "run");
  }
  if (!ValidRunId(name)) throw ApiError(400, "not a run id: letters, digits, '.', '_' and '-' only", "run");
  return name;
}

std::shared_ptr<const RunData> RunCatalog::Load(const std::string& run_id) const {
  if (!ValidRunId(run_id)) throw ApiError(400, "not a run id", "run");
  const std::string dir = RunDir(run_id);
  const fs::path manifest = fs::path(dir) / "manifest.json";
  std::error_code error;
  if (!fs::is_regular_file(manifest, error)) {
    throw ApiError(404, "no run '" + run_id + "' in " + output_dir_ + "/runs", "run");
  }
  const std::string stamp = FileTimeIso(manifest.string()) + "|" + std::to_string(fs::file_size(manifest, error));
  // One lock for the load too: two first requests for a run load it once, and loads are rare.
  std::lock_guard lock(mutex_);
  const auto found = runs_.find(run_id);
  if (found != runs_.end() && found->second.stamp == stamp) return found->second.run;
  std::shared_ptr<const RunData> run = LoadRunFolder(dir, run_id);
  runs_[run_id] = {stamp, run};
  return run;
}

}  // namespace segcast::internal
