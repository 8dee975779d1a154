// FitClusterLabels, the cohort backtest's clustering at an origin: the run's own fit up to
// sweep_sample customers; above it, the sample's fit and every customer's nearest centroid.
#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <memory>

#include "pipeline/run_state.h"
#include "segcast/dtw.h"
#include "segcast/ingest.h"
#include "segcast/k_selection.h"
#include "segcast/pipeline.h"
#include "segcast/segmentation.h"

using namespace segcast;

namespace {

struct SampleState {
  RunOptions options;
  std::unique_ptr<internal::RunState> state;

  explicit SampleState(int sweep_sample) {
    options.ingest.path = std::string(SEGCAST_SOURCE_DIR) + "/data/online_retail_sample.csv.gz";
    options.k = 3;
    options.seed = 5;
    options.threads = 2;
    options.sweep_sample = sweep_sample;
    state = std::make_unique<internal::RunState>(options);
    const IngestResult ingested = Ingest(options.ingest);
    internal::PanelStage(*state, ingested.transactions);
    internal::ScaleStage(*state);
  }
};

// Nearest centroid by a plain loop over the public DTW distance: the reference for the labels.
std::vector<int> NearestByDtw(const TimeSeriesSet& series, const TsKMeansResult& fit, const DtwBand& band) {
  std::vector<int> labels(series.size());
  DtwWorkspace workspace;
  for (int index = 0; index < series.size(); ++index) {
    double best = std::numeric_limits<double>::infinity();
    for (int cluster = 0; cluster < fit.k; ++cluster) {
      const double* centroid = fit.centroids.data() + static_cast<size_t>(cluster) * fit.length * fit.dims;
      const double distance =
          Dtw(series.Data(index), series.Length(index), centroid, fit.length, series.dims, band, workspace);
      if (distance < best) {
        best = distance;
        labels[index] = cluster;
      }
    }
  }
  return labels;
}

}  // namespace

TEST_CASE("cohort backtest clustering: the run's fit up to sweep_sample customers",
          "[pipeline][cohort]") {
  SampleState sample(0);
  const TsKMeansResult labels_only = internal::FitClusterLabels(*sample.state);
  const ClusteringResult full = ClusterSeries(sample.state->series, internal::StageClusteringOptions(*sample.state));
  CHECK(labels_only.labels == full.fit.labels);
  CHECK(labels_only.centroids == full.fit.centroids);
}

TEST_CASE("cohort backtest clustering: above sweep_sample, the sample's centroids label everyone",
          "[pipeline][cohort]") {
  SampleState sample(100);
  const internal::RunState& state = *sample.state;
  REQUIRE(state.series.size() > 100);
  const TsKMeansResult fit = internal::FitClusterLabels(state);
  REQUIRE(fit.labels.size() == static_cast<size_t>(state.series.size()));
  CHECK(fit.k == 3);

  // The same fit, made independently on the drawn sample.
  const std::vector<int> drawn = SweepSample(state.series.size(), 100, sample.options.seed);
  CHECK(drawn.size() == 100);
  ClusteringOptions clustering = internal::StageClusteringOptions(state);
  clustering.sweep.sweep_sample = 0;
  clustering.fixed_k_silhouette = false;
  const ClusteringResult on_sample = ClusterSeries(SeriesSubset(state.series, drawn), clustering);
  CHECK(fit.centroids == on_sample.fit.centroids);
  CHECK(fit.labels == NearestByDtw(state.series, on_sample.fit, clustering.sweep.fit.band));
  // Every segment keeps members, and the sample's own customers mostly keep their sample labels.
  int agree = 0;
  for (size_t position = 0; position < drawn.size(); ++position)
    agree += fit.labels[drawn[position]] == on_sample.fit.labels[position];
  CHECK(agree >= 90);
  for (int cluster = 0; cluster < 3; ++cluster)
    CHECK(std::count(fit.labels.begin(), fit.labels.end(), cluster) > 0);
}
