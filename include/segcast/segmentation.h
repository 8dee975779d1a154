// Segmentation of an LRFM panel, written once for every caller: `segcast run` (pipeline/), the
// dashboard's re-clustering (web/) and `segcast segment` (cli/).
//
// A segmentation is four steps, each a function here:
//   1. ClusterSeries: one fit for a fixed k, or the k sweep and its rule (k_selection.h), and the
//      chosen fit's silhouette;
//   2. CentroidsInOriginalUnits: the centroids back in days, invoices and revenue;
//   3. MemberTrajectories and PanelCustomerLevels: what the segment report compares;
//   4. DescribeSegments: the segment report and the personas that name it.
//
//   segcast::ClusteringOptions options;          // sweep k = 2..8 under DTW
//   options.sweep.fit.seed = 7;
//   const segcast::ClusteringResult clustering = segcast::ClusterSeries(series, options);
//   const auto trajectories =
//       segcast::MemberTrajectories(panel, clustering.fit.labels, clustering.fit.k);
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "segcast/k_selection.h"
#include "segcast/panel.h"
#include "segcast/personas.h"
#include "segcast/quality.h"
#include "segcast/scale.h"
#include "segcast/segment_report.h"
#include "segcast/ts_kmeans.h"

namespace segcast {

struct ClusteringOptions {
  //! Segments to fit; 0 sweeps sweep.k_min..sweep.k_max and lets sweep.choice pick k. Default 0.
  int k = 0;
  //! The k range, the options of every fit (also of a fixed k's fit), the silhouette settings and
  //! the k rule.
  KSelectionOptions sweep;
  //! With a fixed k >= 2, score the fit's silhouette too. Default true.
  bool fixed_k_silhouette = true;
};

struct ClusteringResult {
  TsKMeansResult fit;  //!< the fit of the chosen (or fixed) k
  //! The chosen fit's silhouette; NaN for k = 1, or when it was not computed.
  double silhouette = std::numeric_limits<double>::quiet_NaN();
  //! The silhouette computation that produced it (sample size, matrix use, seconds).
  SilhouetteResult silhouette_pass;
  std::vector<KSelectionRow> k_selection;  //!< one row per swept k; empty for a fixed k
  std::string k_choice;                    //!< why this k (KSelectionResult::choice); "" for a fixed k
  int64_t sweep_dtw_calls = 0;             //!< DTW evaluations of every fit of the sweep
  //! When the sweep ran on a sample (KSelectionOptions::sweep_sample): the series swept, all
  //! series, and the seconds of the chosen k's fit on all of them; 0 otherwise.
  int swept_series = 0;
  int series_count = 0;
  double seconds_full_fit = 0.0;
};

//! Fits options.k segments, or sweeps the k range and keeps the chosen k's fit. Throws
//! InvalidArgument (field "k") when a fixed k exceeds the number of series (FitTsKMeans).
ClusteringResult ClusterSeries(const TimeSeriesSet& series, const ClusteringOptions& options);

//! The fit's centroids (k x fit.length x 4) in the panel's units: the exact inverse of `scaler`
//! where it has one, else (per-series scalings) the members' mean over the panel's last
//! fit.length calendar months. Series end in the panel's last month, so centroid step t is month
//! (month_count - fit.length + t).
std::vector<double> CentroidsInOriginalUnits(const LrfmPanel& panel, const PanelScaler& scaler,
                                             const TsKMeansResult& fit);

//! Each segment's members' mean trajectory by calendar month, from the first month any member is
//! observed. A last month the as-of date cuts short holds a fraction of a month's F and M, and
//! trends read over it would see every segment falling, so trajectories stop at the last full
//! month. `labels` follow the order of PanelToSeries (panel customers with a non-empty series).
std::vector<SegmentCentroid> MemberTrajectories(const LrfmPanel& panel, const std::vector<int>& labels,
                                                int k);

//! Per panel customer: revenue over the panel's months, and the levels personas compare.
struct CustomerLevels {
  std::vector<double> revenue;
  //! L and R at the last month (days); F and M per month of the customer's own series.
  std::vector<LrfmValues> levels;
};

CustomerLevels PanelCustomerLevels(const LrfmPanel& panel);

//! The segment report and the persona of each of its segments.
struct DescribedSegments {
  SegmentReport report;
  std::vector<Persona> personas;  //!< one per segment, in the order of report.Profiles()
};

//! Builds the report of `input` (mixes canonicalised by rules.mix) and names its segments.
DescribedSegments DescribeSegments(const SegmentReportInput& input, const PersonaRules& rules);

}  // namespace segcast
