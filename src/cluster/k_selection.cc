#include "segcast/k_selection.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>

#include "cluster/random.h"
#include "segcast/error.h"

namespace segcast {

void KSelectionOptions::Validate() const {
  if (k_min < 2) {
    throw InvalidArgument("the k range must start at 2 or more", {"", 0, "k_min", ">= 2"});
  }
  if (k_max < k_min) {
    throw InvalidArgument("the k range is empty", {"", 0, "k_max", ">= k_min"});
  }
  if (sweep_sample < 0 || (sweep_sample > 0 && sweep_sample < k_max)) {
    throw InvalidArgument("out of range",
                          {"", 0, "sweep_sample", "0 (every series) or an integer >= k_max"});
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

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}



// Fits every k of the range on `series` and scores each fit (rows, fits, silhouettes).
void SweepFits(const TimeSeriesSet& series, const KSelectionOptions& options,
               KSelectionResult& result) {
  std::vector<std::vector<int>> labelings;
  for (int k = options.k_min; k <= options.k_max; ++k) {
    TsKMeansOptions fit = options.fit;
    fit.k = k;
    const auto fit_start = Clock::now();
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
    row.silhouette_se = std::numeric_limits<double>::quiet_NaN();
    row.min_segment_share = MinClusterShare(model.labels, k);
    row.seconds_fit = SecondsSince(fit_start);
    result.rows.push_back(row);
    labelings.push_back(model.labels);
  }
  if (!options.compute_silhouette) return;
  SilhouetteOptions silhouette = options.silhouette;
  silhouette.metric = options.fit.metric;
  silhouette.band = options.fit.band;
  result.silhouette = SilhouetteScores(series, labelings, silhouette);
  for (size_t index = 0; index < result.rows.size(); ++index) {
    result.rows[index].silhouette = result.silhouette.scores[index];
    result.rows[index].silhouette_se = result.silhouette.standard_errors[index];
  }
}

void ChooseK(const KSelectionOptions& options, KSelectionResult& result) {
  if (options.compute_silhouette) {
    result.best_index = ChooseRow(result.rows, options.choice, &result.choice);
  } else {
    result.best_index = BestRow(result.rows, false);
    result.choice = "k = " + std::to_string(result.rows[result.best_index].k) +
                    ": the lowest Davies-Bouldin (no silhouette computed)";
  }
}

// The sample fit's centroids at `length` steps: a centroid shorter than the longest series of the
// whole set is extended by repeating its last step, as FitTsKMeans extends a seed series.
std::vector<double> PaddedCentroids(const TsKMeansResult& model, int length) {
  const int dims = model.dims;
  std::vector<double> padded(static_cast<size_t>(model.k) * length * dims);
  for (int cluster = 0; cluster < model.k; ++cluster) {
    const double* from = model.centroids.data() + static_cast<size_t>(cluster) * model.length * dims;
    double* to = padded.data() + static_cast<size_t>(cluster) * length * dims;
    for (int step = 0; step < length; ++step) {
      const int source = std::min(step, model.length - 1);
      std::copy(from + source * dims, from + (source + 1) * dims, to + step * dims);
    }
  }
  return padded;
}

// The chosen k on every series, from the sample fit's centroids: one k-means run that starts
// near its optimum instead of a sweep of full fits.
TsKMeansResult FitEveryoneWarm(const TimeSeriesSet& series, const KSelectionOptions& options,
                               const TsKMeansResult& sample_fit) {
  TsKMeansOptions fit = options.fit;
  fit.k = sample_fit.k;
  fit.init = KMeansInit::kGiven;
  fit.n_init = 1;  // every run would start from the same centroids
  fit.initial_length = std::max(sample_fit.length, series.MaxLength());
  fit.initial_centroids = PaddedCentroids(sample_fit, fit.initial_length);
  return FitTsKMeans(series, fit);
}

std::string SampleNote(const KSelectionResult& result) {
  std::ostringstream text;
  text << "; swept on a seeded sample of " << result.sample.size() << " of "
       << result.series_count << " customers, then k fitted on all";
  const KSelectionRow& row = result.rows[result.best_index];
  if (!std::isnan(row.silhouette_se)) {
    text << std::fixed << std::setprecision(3) << " (sample silhouette " << row.silhouette
         << " +/- " << row.silhouette_se << " s.e.)";
  }
  return text.str();
}

}  // namespace

// A seeded uniform sample of `size` series (partial Fisher-Yates, as the silhouette's), sorted so
// the sample set keeps the input's order. Offset from the fit seed so that the silhouette's own
// subset, drawn with the fit seed from this sample, is not the same permutation again.
std::vector<int> SweepSample(int count, int size, uint64_t seed) {
  std::vector<int> order(count);
  std::iota(order.begin(), order.end(), 0);
  internal::MersenneRandom random(seed ^ 0x73776565702D6B31ULL);  // "sweep-k1"
  for (int position = 0; position < size; ++position) {
    std::swap(order[position], order[position + random.Below(count - position)]);
  }
  order.resize(size);
  std::sort(order.begin(), order.end());
  return order;
}

TimeSeriesSet SeriesSubset(const TimeSeriesSet& series, const std::vector<int>& indices) {
  TimeSeriesSet subset;
  subset.dims = series.dims;
  subset.dim_names = series.dim_names;
  for (int index : indices) subset.Add(series.ids[index], series.Data(index), series.Length(index));
  return subset;
}

KSelectionResult SelectTsK(const TimeSeriesSet& series, const KSelectionOptions& options) {
  options.Validate();
  const auto start = Clock::now();
  KSelectionResult result;
  result.series_count = series.size();
  if (options.sweep_sample > 0 && series.size() > options.sweep_sample) {
    result.sample = SweepSample(series.size(), options.sweep_sample, options.fit.seed);
    SweepFits(SeriesSubset(series, result.sample), options, result);
  } else {
    SweepFits(series, options, result);
  }
  ChooseK(options, result);
  if (!result.sample.empty()) {
    const auto full_start = Clock::now();
    result.fits[result.best_index] =
        FitEveryoneWarm(series, options, result.fits[result.best_index]);
    result.seconds_full_fit = SecondsSince(full_start);
    result.choice += SampleNote(result);
  }
  result.seconds_total = SecondsSince(start);
  return result;
}

}  // namespace segcast
