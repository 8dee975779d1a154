#include "segcast/k_selection.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <sstream>
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
  choice.Validate();
}

void KChoiceRule::Validate() const {
  if (!(silhouette_tolerance >= 0.0 && silhouette_tolerance < 1.0)) {
    throw InvalidArgument("out of range", {"", 0, "silhouette_tolerance", "0 <= x < 1"});
  }
  if (!(min_segment_share >= 0.0 && min_segment_share <= 0.5)) {
    throw InvalidArgument("out of range", {"", 0, "min_segment_share", "0 <= x <= 0.5"});
  }
}

double MinClusterShare(const std::vector<int>& labels, int k) {
  if (labels.empty() || k < 1) return 0.0;
  std::vector<int64_t> sizes(k, 0);
  for (int label : labels)
    if (label >= 0 && label < k) ++sizes[label];
  return static_cast<double>(*std::min_element(sizes.begin(), sizes.end())) /
         static_cast<double>(labels.size());
}

int ChooseRow(const std::vector<KSelectionRow>& rows, const KChoiceRule& rule, std::string* why) {
  rule.Validate();
  // Small segments disqualify a k only while some k has none.
  auto has_silhouette = [&](const KSelectionRow& row) { return !std::isnan(row.silhouette); };
  bool any_large = false;
  for (const KSelectionRow& row : rows)
    any_large = any_large || (has_silhouette(row) && row.min_segment_share >= rule.min_segment_share);
  auto eligible = [&](const KSelectionRow& row) {
    return has_silhouette(row) && (!any_large || row.min_segment_share >= rule.min_segment_share);
  };
  int best = -1;
  for (int index = 0; index < static_cast<int>(rows.size()); ++index) {
    if (eligible(rows[index]) && (best < 0 || rows[index].silhouette > rows[best].silhouette))
      best = index;
  }
  if (best < 0) {
    if (why) *why = "no silhouette computed: the first k";
    return 0;
  }
  const double best_silhouette = rows[best].silhouette;
  const double threshold = best_silhouette - rule.silhouette_tolerance * std::fabs(best_silhouette);
  int chosen = best;
  for (int index = best + 1; index < static_cast<int>(rows.size()); ++index) {
    if (eligible(rows[index]) && rows[index].silhouette >= threshold) chosen = index;
  }
  if (why) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(3) << "k = " << rows[chosen].k << ": ";
    if (chosen == best) {
      text << "the best silhouette (" << best_silhouette << ")";
    } else {
      text << "the largest k with a silhouette (" << rows[chosen].silhouette << ") within "
           << std::setprecision(0) << rule.silhouette_tolerance * 100.0 << std::setprecision(3)
           << "% of the best (" << best_silhouette << " at k = " << rows[best].k << ")";
    }
    if (any_large && rule.min_segment_share > 0.0) {
      text << std::setprecision(0) << " with every segment at least "
           << rule.min_segment_share * 100.0 << "% of customers";
    }
    *why = text.str();
  }
  return chosen;
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
    row.min_segment_share = MinClusterShare(model.labels, k);
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
  if (options.compute_silhouette) {
    result.best_index = ChooseRow(result.rows, options.choice, &result.choice);
  } else {
    result.best_index = BestRow(result.rows, false);
    result.choice = "k = " + std::to_string(result.rows[result.best_index].k) +
                    ": the lowest Davies-Bouldin (no silhouette computed)";
  }
  result.seconds_total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace segcast
