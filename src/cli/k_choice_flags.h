// The flags of the k-choice rule, shared by `segcast run` and `segcast segment`.
#pragma once

#include <CLI/CLI.hpp>

#include "segcast/k_selection.h"

namespace segcast::cli {

//! --k-tolerance and --min-segment-share, bound to `rule` (defaults shown in --help).
void AddKChoiceFlags(CLI::App& command, KChoiceRule& rule);

//! --sweep-sample, bound to `sweep_sample` (default shown in --help).
void AddSweepSampleFlag(CLI::App& command, int& sweep_sample);

}  // namespace segcast::cli
