#include "pipeline/run_directory.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>

#include "segcast/error.h"

namespace segcast::internal {
namespace fs = std::filesystem;

DirectoryLock::DirectoryLock(const fs::path& directory) {
  const fs::path path = directory / ".segcast.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw InputError(std::string("cannot create the lock file: ") + std::strerror(errno),
                     {.file = path.string()});
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw BusyError("another segcast run is writing to this output directory; try again when it "
                    "has finished",
                    {.file = directory.string()});
  }
  const std::string holder = "pid " + std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] ssize_t written = ::write(fd_, holder.data(), holder.size());
  }
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

namespace {

// Whether the process whose pid ends a staging or temporary name ("...-<pid>") is still running.
// A models folder may be shared by runs on other output folders (other locks): their staging
// folders must survive our clean-up; those of killed runs must not pile up.
bool OwnerAlive(const std::string& name) {
  const size_t dash = name.find_last_of('-');
  if (dash == std::string::npos || dash + 1 == name.size()) return false;
  long pid = 0;
  for (size_t index = dash + 1; index < name.size(); ++index) {
    if (name[index] < '0' || name[index] > '9' || pid > 4194304) return false;
    pid = pid * 10 + (name[index] - '0');
  }
  if (pid <= 0 || pid == ::getpid()) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

fs::path MakeStagingDirectory(const fs::path& runs_directory, const std::string& run_id) {
  fs::create_directories(runs_directory);
  for (const auto& entry : fs::directory_iterator(runs_directory)) {
    const std::string name = entry.path().filename().string();
    if ((name.rfind(".staging-", 0) == 0 || name.rfind(".old-", 0) == 0) && !OwnerAlive(name)) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
    }
  }
  const fs::path staging =
      runs_directory / (".staging-" + run_id + "-" + std::to_string(::getpid()));
  fs::create_directories(staging);
  return staging;
}

void PublishDirectory(const fs::path& staging, const fs::path& target) {
  if (!fs::exists(target)) {
    fs::rename(staging, target);
    return;
  }
  // RENAME_EXCHANGE swaps the two names atomically; glibc 2.36 declares renameat2 in <stdio.h>.
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
    throw InputError(std::string("cannot replace the run folder: ") + std::strerror(errno),
                     {.file = target.string()});
  }
  std::error_code ignored;
  fs::remove_all(staging, ignored);  // now holds the previous run's files
}

void PointSymlink(const fs::path& link, const fs::path& target) {
  const fs::path temporary = link.parent_path() / (".tmp-link-" + std::to_string(::getpid()));
  std::error_code ignored;
  // Links left by killed runs (the caller holds the directory lock) go first.
  for (const auto& entry : fs::directory_iterator(link.parent_path(), ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".tmp-link-", 0) == 0 && !OwnerAlive(name)) fs::remove(entry.path(), ignored);
  }
  fs::remove(temporary, ignored);
  fs::create_directory_symlink(target, temporary);
  std::error_code error;
  fs::rename(temporary, link, error);
  if (error) {
    fs::remove(temporary, ignored);  // no .tmp-link-* left behind
    throw fs::filesystem_error("cannot point " + link.string() + " at " + target.string(), link,
                               error);
  }
}

void WriteFileAtomically(const fs::path& path, const std::string& content) {
  const fs::path temporary =
      path.parent_path() / (".tmp-" + path.filename().string() + "-" + std::to_string(::getpid()));
  {
    errno = 0;
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << content;
    file.flush();
    if (!file) {
      const int reason = errno;
      std::error_code ignored;
      fs::remove(temporary, ignored);
      ThrowWriteFailure("writing the file", temporary.string(), reason);
    }
  }
  fs::rename(temporary, path);
}

}  // namespace segcast::internal
