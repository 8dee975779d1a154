// Crash-safe output folders: a lock per output directory, staging folders swapped in atomically.
#pragma once

#include <filesystem>
#include <string>

namespace segcast::internal {

//! An exclusive lock on an output directory (flock on OUT/.segcast.lock), released when
//! destroyed or when the process dies. Throws BusyError when another process holds it.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::filesystem::path& directory);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

//! A fresh staging folder FOLDER/.staging-<run id>-<pid> (FOLDER: OUT/runs or the models folder);
//! first removes the staging folders of processes that are gone (crashed or killed runs). Those of
//! live processes stay: a models folder may be shared by runs on other output folders.
std::filesystem::path MakeStagingDirectory(const std::filesystem::path& runs_directory,
                                           const std::string& run_id);

//! Makes `staging` become `target` in one step: renameat2(RENAME_EXCHANGE) when the target exists
//! (readers see the old or the new folder, never a mix), a plain rename otherwise; then removes
//! the old folder.
void PublishDirectory(const std::filesystem::path& staging, const std::filesystem::path& target);

//! Points the symbolic link `link` at `target` (relative), replacing it atomically.
void PointSymlink(const std::filesystem::path& link, const std::filesystem::path& target);

//! Writes `content` to `path` through a temporary file in the same folder and a rename.
void WriteFileAtomically(const std::filesystem::path& path, const std::string& content);

}  // namespace segcast::internal
