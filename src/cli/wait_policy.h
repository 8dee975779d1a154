// OpenMP threads that sleep, not spin, while they wait (see wait_policy.cc for why and how).
#pragma once

namespace segcast::cli {

//! Unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is set, or the command line is only --help/--version,
//! sets OMP_WAIT_POLICY=PASSIVE and re-executes this program with the same arguments, so that
//! libgomp reads it at start-up. Returns (and the program goes on as it is) when nothing is to be
//! done or the re-execution fails.
void RestartWithPassiveWaiting(int argc, char** argv);

}  // namespace segcast::cli
