#include "segcast/k_selection.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "segcast/error.h"

namespace segcast {

void KSelectionOptions::Validate() const {
  if (k_min < 2) {
    throw InvalidArgument("the k range must start at 2 or more", {"", 0, "k_min", ">= 2"});
  }
  if (k_max < k_min) {
    throw InvalidArgument("the k range is empty", {"", 0, "k_max", ">= k_min"});
  }
  silhouette.Validate();
}

int BestRow(const std::vector<KSelectionRow>& rows, bool by_silhouette) {
  int best = 0;
  for (int index = 1; index < static_cast<int>(rows.size()); ++index) {
    const double candidate = by_silhouette ? rows[index].silhouette : -rows[index].davies_bouldin;
    const double current = by_silhouette ? rows[best].silhouette : -rows[best].davies_bouldin;
    if (std::isnan(current) || candidate > current) best = index;
  }
  return best;
}

void ParseKRange(const std::string& text, int* k_min, int* k_max) {
  const size_t dots = text.find("..");
  try {
    size_t used = 0;
    if (dots == std::string::npos) {
      *k_min = *k_max = std::stoi(text, &used);
      if (used != text.size()) throw std::invalid_argument(text);
    } else {
      *k_min = std::stoi(text.substr(0, dots), &used);
      if (used != dots) throw std::invalid_argument(text);
      const std::string rest = text.substr(dots + 2);
      *k_max = std::stoi(rest, &used);
      if (used != rest.size()) throw std::invalid_argument(text);
    }
  } catch (const std::logic_error&) {
    throw InvalidArgument("cannot read the k range '" + text + "'",
                          {"", 0, "k-range", "MIN..MAX, for example 2..8"});
  }
  if (*k_min < 1 || *k_max < *k_min) {
    throw InvalidArgument("the k range '" + text + "' is empty or below 1",
                          {"", 0, "k-range", "1 <= MIN <= MAX"});
  }
}

KSelectionResult SelectTsK(const TimeSeriesSet& series, const KSelectionOptions& options) {
  options.Validate();
  const auto start = std::chrono::steady_clock::now();
  KSelectionResult result;
  std::vector<std::vector<int>> labelings;
  for (int k = options.k_min; k <= options.k_max; ++k) {
    TsKMeansOptions fit = options.fit;
    fit.k = k;
    const auto fit_start = std::chrono::steady_clock::now();
    result.fits.push_back(FitTsKMeans(series, fit));
    const TsKMeansResult& model = result.fits.back();
    KSelectionRow row;
    row.k = k;
    row.inertia = model.inertia;
    row.iterations = model.iterations;
    row.converged = model.converged;
    row.davies_bouldin = DaviesBouldin(series, model.labels, model.centroids, k, model.length,
                                       fit.metric, fit.band, fit.threads);
    row.silhouette = std::numeric_limits<double>::quiet_NaN();
    row.seconds_fit =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - fit_start).count();
    result.rows.push_back(row);
    labelings.push_back(model.labels);
  }
  if (options.compute_silhouette) {
    SilhouetteOptions silhouette = options.silhouette;
    silhouette.metric = options.fit.metric;
    silhouette.band = options.fit.band;
    result.silhouette = SilhouetteScores(series, labelings, silhouette);
    for (size_t index = 0; index < result.rows.size(); ++index) {
      result.rows[index].silhouette = result.silhouette.scores[index];
    }
  }
  result.best_index = BestRow(result.rows, options.compute_silhouette);
  result.seconds_total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace segcast
