// OpenMP threads that sleep, not spin, while they wait: OMP_WAIT_POLICY=PASSIVE unless the user
// set OMP_WAIT_POLICY or GOMP_SPINCOUNT.
//
// Why: libgomp's default lets a thread that reaches a barrier, or finishes a region, spin for
// about 300,000 iterations (a few milliseconds) before it sleeps. The k-means loops run thousands
// of short regions (one per DBA iteration, per assignment step), and between them the idle worker
// spins on a core. On a machine whose other core is busy (another build, another job) that
// spinning worker takes CPU from the thread doing the serial work and from the thread it waits
// for: a 2-thread fit of the Online Retail panel took 5-10x as long as a 1-thread fit. A sleeping
// thread frees its core at once. docs/scaling.md ("Threads under load") has the figures.
//
// Why a re-execution: libgomp reads its environment once, in its library constructor, before
// main() runs; there is no call to change the wait policy afterwards. Setting the variable from
// the executable's .preinit_array does not work either: glibc's own initialisation, which runs
// after it, resets `environ` to the original block. So the first process sets the variable and
// replaces itself (execv of its own file, found through /proc/self/exe, with the same arguments):
// one more program start, about as long as `segcast --version`, and only for commands that do
// work. Programs that link the library keep their own OpenMP settings.
#include "cli/wait_policy.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace segcast::cli {

void RestartWithPassiveWaiting(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) {
    return;
  }
  // `segcast`, `segcast --version`, `segcast --help`: no OpenMP work, no second start.
  if (argc < 2 || argv[1][0] == '-') return;
  // The executable's own path rather than /proc/self/exe, so that ps, top and pkill still see
  // "segcast" (the kernel names a process after the file it executes).
  char path[4096];
  const ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0 || static_cast<size_t>(length) >= sizeof path - 1) return;
  path[length] = '\0';
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0) != 0) return;
  execv(path, argv);
  // Only reached when execv failed: run on with libgomp's default policy.
  unsetenv("OMP_WAIT_POLICY");
}

}  // namespace segcast::cli
