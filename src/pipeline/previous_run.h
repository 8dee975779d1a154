// Reading the previous run that a re-segmentation aligns with: a model directory or a run in the
// store. Internal to the pipeline stage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "segcast/alignment.h"
#include "segcast/migration.h"
#include "segcast/scale.h"
#include "segcast/store.h"

namespace segcast::internal {

struct PreviousRun {
  std::string run_id;
  //! Centroids in this run's scaled space (so distances compare like with like).
  std::vector<AlignmentCentroid> centroids;
  //! The previous run's assignments, when the store holds them.
  std::optional<RunAssignments> assignments;
  std::string source;  //!< "model DIR" or "store run ID", for messages
};

//! Loads `reference` (a model directory / model.json, or a run id in `store`) and maps its
//! centroids into the space of `scaler`. Throws InvalidArgument when it is neither, or when the
//! two runs' scalings cannot be compared.
PreviousRun LoadPreviousRun(const std::string& reference, ResultStore* store,
                            const PanelScaler& scaler);

}  // namespace segcast::internal
