// A segmentation of a run's customers as the dashboard shows it: the run's own (from its files) or
// a re-clustering with another k or metric (computed with the library as the pipeline does).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/cohort_forecast.h"
#include "segcast/segment_report.h"
#include "segcast/ts_kmeans.h"
#include "web/run_data.h"

namespace segcast::internal {

struct SegmentView {
  int32_t segment_id = 0;
  std::string name;
  std::string evidence;
  std::string description;  //!< what the persona means, in words
  PersonaAction action;  //!< recommended action (segments.json "action")
  int64_t customers = 0;
  double customer_share = 0;
  double revenue = 0;
  double revenue_share = 0;
  LrfmValues mean{};                      //!< members' L, R (last month), F, M (per month)
  std::vector<AttributeMix> mixes;        //!< "country" first when the log has countries
  std::optional<MonthIndex> first_month;  //!< calendar month of trajectory[0]
  std::vector<LrfmValues> trajectory;     //!< members' mean by calendar month, original units
  //! The customer-base model's view of the segment (segments.json "value"): expected revenue over
  //! the horizon, share likely lost, mean P(alive) and CLV. The run's own segments only (a
  //! re-clustering's segments have no forecast), and only runs with the model.
  std::optional<SegmentValue> value;
};

struct Segmentation {
  std::string source;  //!< "run" or "recluster"
  int k = 0;
  Metric metric = Metric::kDtw;
  double seconds = 0;          //!< time the re-clustering took (0 for the run's own)
  double silhouette = 0;       //!< NaN when not computed
  int silhouette_sample = 0;   //!< series the silhouette scored (0: the run's own figure)
  int iterations = 0;          //!< k-means iterations (0 for the run's own)
  //! Where a re-clustering's time went, in seconds: k-means++ seeding, assignment steps, DBA or
  //! mean updates (ts_kmeans.h), the silhouette, and the profiles and personas.
  double seconds_seed = 0, seconds_assign = 0, seconds_update = 0, seconds_silhouette = 0,
         seconds_profile = 0;
  LrfmValues population{};     //!< population mean on the definition of SegmentView::mean
  std::vector<SegmentView> segments;  //!< by segment id ascending
  std::vector<int32_t> segment;       //!< per RunData customer, -1 when unassigned
  std::vector<double> distance;       //!< per RunData customer, to its centroid (scaled units)
  //! Why a re-clustering lacks mixes the run's own segments have ("" when it has them all).
  std::string mix_note;

  //! The segment with this id, or nullptr.
  const SegmentView* Find(int32_t segment_id) const;
};

//! The run's own segmentation: segments.json and assignments.csv.
Segmentation RunSegmentation(const RunData& run);

struct ReclusterRequest {
  int k = 4;                    //!< 2..8 in the API (any 1..customers here)
  Metric metric = Metric::kDtw;
  int threads = 0;              //!< 0 = every core
  int silhouette_sample = 500;  //!< 0 = exact
};

//! Re-clusters the run's panel with the run's scaling, seed and cluster options, only k and the
//! metric replaced; segment ids are the clustering's labels, names from the run's persona rules.
//! Throws InvalidArgument when the run has no panel (lrfm.csv) or k exceeds the customers.
Segmentation Recluster(const RunData& run, const ReclusterRequest& request);

}  // namespace segcast::internal
