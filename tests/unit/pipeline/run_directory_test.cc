// Clean-up after killed runs (pipeline/run_directory.h): staging folders and temporary links of
// processes that are gone are removed; those of live processes (another run sharing a models
// folder) are kept.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "pipeline/run_directory.h"

namespace fs = std::filesystem;

namespace {

// The pid of a process that has exited and been reaped; the kernel hands pids out in increasing
// order around the whole range, so it is not reused within a test.
pid_t FinishedPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

fs::path FreshFolder(const std::string& name) {
  const fs::path folder =
      fs::temp_directory_path() / ("segcast-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

}  // namespace

TEST_CASE("staging folders of finished processes are removed, those of live ones kept",
          "[pipeline][crash]") {
  const fs::path folder = FreshFolder("staging");
  const std::string dead = ".staging-2011-12-01-" + std::to_string(FinishedPid());
  const std::string alive = ".staging-2011-12-01-" + std::to_string(::getppid());
  const std::string old = ".old-2011-10-01-" + std::to_string(FinishedPid());
  for (const std::string& name : {dead, alive, old, std::string("2011-11-01")}) {
    fs::create_directories(folder / name / "inner");
  }

  const fs::path made = segcast::internal::MakeStagingDirectory(folder, "2011-12-01");

  CHECK(made == folder / (".staging-2011-12-01-" + std::to_string(::getpid())));
  CHECK(fs::is_directory(made));
  CHECK_FALSE(fs::exists(folder / dead));
  CHECK_FALSE(fs::exists(folder / old));
  CHECK(fs::is_directory(folder / alive / "inner"));
  CHECK(fs::is_directory(folder / "2011-11-01" / "inner"));  // a published run is never touched
  fs::remove_all(folder);
}

TEST_CASE("re-pointing latest removes the temporary links of finished processes",
          "[pipeline][crash]") {
  const fs::path folder = FreshFolder("latest");
  fs::create_directories(folder / "runs" / "a");
  fs::create_directories(folder / "runs" / "b");
  const fs::path dead = folder / (".tmp-link-" + std::to_string(FinishedPid()));
  const fs::path alive = folder / (".tmp-link-" + std::to_string(::getppid()));
  fs::create_directory_symlink("runs/a", dead);
  fs::create_directory_symlink("runs/a", alive);

  segcast::internal::PointSymlink(folder / "latest", fs::path("runs") / "a");
  segcast::internal::PointSymlink(folder / "latest", fs::path("runs") / "b");

  CHECK(fs::read_symlink(folder / "latest") == fs::path("runs") / "b");
  CHECK_FALSE(fs::exists(fs::symlink_status(dead)));
  CHECK(fs::is_symlink(fs::symlink_status(alive)));
  CHECK_FALSE(fs::exists(fs::symlink_status(
      folder / (".tmp-link-" + std::to_string(::getpid())))));  // its own link was renamed
  fs::remove_all(folder);
}
