// Assigning customers to saved segments without refitting.
//
// A saved model (model.h) holds the scaler, the centroids in scaled units and the clustering's
// metric and band. Assignment rebuilds each customer's LRFM series from a transaction log with
// the model's panel settings, scales it exactly as the fitted run did, and measures its distance
// to every centroid: the nearest is the segment, the second nearest is reported as the runner-up
// (how close the customer is to switching).
//
//   segcast::SavedModel model = segcast::LoadModel("out/models/2011-12-10");
//   segcast::Transactions log = segcast::Ingest({.path = "new_customers.csv"}).transactions;
//   segcast::AssignResult result = segcast::AssignWithModel(model, log, {});
//   for (const auto& row : result.rows) std::cout << row.customer_id << " " << row.name << "\n";
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/dtw.h"
#include "segcast/model.h"
#include "segcast/panel.h"
#include "segcast/series.h"
#include "segcast/transactions.h"
#include "segcast/ts_kmeans.h"

namespace segcast {

//! Nearest and second-nearest centroid of one series.
struct NearestTwo {
  int best = 0;                 //!< centroid index
  double best_distance = 0;     //!< DTW or Euclidean distance (not squared)
  int runner_up = -1;           //!< -1 when there is a single centroid
  double runner_up_distance = 0;
};

//! For every series, its nearest two centroids (k x length x dims, step-major). Ties go to the
//! lower index. Deterministic whatever `threads` (0 = all cores).
std::vector<NearestTwo> NearestTwoCentroids(const TimeSeriesSet& series,
                                            const std::vector<double>& centroids, int k,
                                            int length, Metric metric, const DtwBand& band,
                                            int threads);

struct AssignOptions {
  //! Reference date of the new log's panel; default: the day after its last purchase.
  std::optional<Day> as_of;
  //! Threads; 0 = all cores.
  int threads = 0;
};

//! One customer's assignment.
struct CustomerAssignment {
  std::string customer_id;
  int32_t segment_id = 0;        //!< the model's stable segment id
  std::string name;              //!< persona name of that segment
  double distance = 0;
  int32_t runner_up_segment = -1;
  double runner_up_distance = 0;
};

struct AssignResult {
  Day as_of = 0;
  std::vector<CustomerAssignment> rows;  //!< in the log's customer order
  std::vector<int64_t> segment_counts;   //!< customers per model centroid, in model order
};

//! Assigns every customer of `transactions` with a purchase before the as-of date. Throws
//! InvalidArgument when the model is inconsistent (ValidateModel) or uses an unknown scaling.
AssignResult AssignWithModel(const SavedModel& model, const Transactions& transactions,
                             const AssignOptions& options);

//! The model's scaling applied to a panel: one scaled series per panel customer.
TimeSeriesSet ScaleWithModel(const SavedModel& model, const LrfmPanel& panel);

}  // namespace segcast
