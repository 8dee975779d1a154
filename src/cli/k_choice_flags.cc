#include "cli/k_choice_flags.h"

namespace segcast::cli {

void AddKChoiceFlags(CLI::App& command, KChoiceRule& rule) {
  command.add_option("--k-tolerance", rule.silhouette_tolerance,
                     "k sweep: take the largest k whose silhouette is within this share of the best; "
                     "0 = the best silhouette")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.999));
  command.add_option("--min-segment-share", rule.min_segment_share,
                     "k sweep: pass over a k whose smallest segment holds less than this share of "
                     "customers (while some k has none)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
}

void AddSweepSampleFlag(CLI::App& command, int& sweep_sample) {
  command.add_option("--sweep-sample", sweep_sample,
                     "k sweep: above this many customers, sweep a seeded sample of this many and "
                     "fit the chosen k on everyone from its centroids; 0 = sweep everyone")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
}

}  // namespace segcast::cli
