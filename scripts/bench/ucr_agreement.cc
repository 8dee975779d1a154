// Agreement of TimeSeries K-Means with the class labels of the UCR/UEA sets in ../shared/data:
// adjusted Rand index and NMI for DTW (DBA) and Euclidean k-means, k = number of classes, TRAIN and
// TEST concatenated, as published and z-normalised per series and dimension, seeds 0..S-1.
//   ucr_agreement DATA_DIR [seeds=5]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "segcast/quality.h"
#include "segcast/scale.h"
#include "segcast/series.h"
#include "segcast/ts_kmeans.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ucr_agreement DATA_DIR [seeds]\n");
    return 2;
  }
  const std::string root = argv[1];
  const int seeds = argc > 2 ? std::atoi(argv[2]) : 5;
  for (const std::string name : {"GunPoint", "BasicMotions"}) {
    const auto set = segcast::Concatenate(
        segcast::ReadSeriesFile(root + "/ucr/" + name + "_TRAIN.ts.gz"),
        segcast::ReadSeriesFile(root + "/ucr/" + name + "_TEST.ts.gz"));
    int classes = 0;
    const std::vector<int> truth = segcast::EncodeLabels(set.labels, &classes);
    for (const auto scaling : {segcast::PanelScaling::kNone, segcast::PanelScaling::kZNormalize}) {
    segcast::TimeSeriesSet scaled = set;
    segcast::ScaleSeries(scaled, scaling, nullptr);
    for (auto metric : {segcast::Metric::kDtw, segcast::Metric::kEuclidean}) {
      double ari_sum = 0, nmi_sum = 0, seconds = 0;
      std::string per_seed;
      for (int seed = 0; seed < seeds; ++seed) {
        segcast::TsKMeansOptions options;
        options.k = classes;
        options.metric = metric;
        options.seed = static_cast<uint64_t>(seed);
        const auto result = segcast::FitTsKMeans(scaled, options);
        const double ari = segcast::AdjustedRandIndex(truth, result.labels);
        const double nmi = segcast::NormalizedMutualInformation(truth, result.labels);
        ari_sum += ari;
        nmi_sum += nmi;
        seconds += result.seconds_total;
        char text[64];
        std::snprintf(text, sizeof(text), "%s[%.3f,%.3f]", seed ? "," : "", ari, nmi);
        per_seed += text;
      }
      std::printf(
          "{\"set\":\"%s\",\"scaling\":\"%s\",\"series\":%d,\"length\":%d,\"dims\":%d,\"k\":%d,\"metric\":\"%s\","
          "\"seeds\":%d,\"mean_ari\":%.4f,\"mean_nmi\":%.4f,\"per_seed_ari_nmi\":[%s],"
          "\"mean_fit_seconds\":%.3f}\n",
          name.c_str(), segcast::PanelScalingName(scaling), set.size(), set.MaxLength(), set.dims, classes,
          segcast::MetricName(metric), seeds, ari_sum / seeds, nmi_sum / seeds, per_seed.c_str(),
          seconds / seeds);
      std::fflush(stdout);
    }
    }
  }
  return 0;
}
