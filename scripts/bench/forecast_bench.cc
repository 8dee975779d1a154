// Forecast benchmark: accuracy on the tourism monthly set (h = 24 from each training part) and
// per-series time of fit + forecast + intervals on the tourism and synthetic series.
//
//   forecast_bench [tourism=PATH] [synthetic=1000] [threads=1] [repeats=3] [preset=monthly|prophet]
//                  [order=6] [changepoints=-1] [months_per_changepoint=12] [damping=0.98]
//                  [prior=0.05] [selection=validation|fixed] [transform=none|log] [samples=1000]
//                  [half_life=0] [half_lives=9,18,36] [eps=1e-3] [range=0.8] [window=0]
//                  [calibrated=1] [nonnegative=1] [stage=test|validation] [cut=24]
//                  [combination=mean|median|besthalf|loo] [robust=0] [seasonal_half_life=0]
//                  [level_correction=0] [damping_spread=1] [iscale_h1=0.9] [iscale_slope=0.017]
//                  [points=PATH] [synthetic_points=PATH] (every scored point as CSV)
// Prints one JSON object (machine, inputs, figures) on stdout. Timings use one thread per series;
// threads > 1 also reports the wall time of ForecastAll over the set.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "forecast/random.h"
#include "segcast/backtest.h"
#include "segcast/forecast.h"
#include "segcast/monthly_series.h"

namespace {

using segcast::ForecastOptions;
using segcast::MonthlySeries;

std::map<std::string, std::string> ParseArguments(int argc, char** argv) {
  std::map<std::string, std::string> arguments;
  for (int index = 1; index < argc; ++index) {
    std::string text = argv[index];
    const size_t equals = text.find('=');
    if (equals != std::string::npos) arguments[text.substr(0, equals)] = text.substr(equals + 1);
  }
  return arguments;
}

// Synthetic monthly series: level, a piecewise-linear trend with two random kinks, a yearly
// pattern with random amplitude and phase, Gaussian noise; lengths 48 .. 240 months.
std::vector<MonthlySeries> SyntheticSeries(int count, uint64_t seed) {
  segcast::internal::XoshiroRandom random(seed);
  std::vector<MonthlySeries> result;
  for (int index = 0; index < count; ++index) {
    MonthlySeries series;
    series.id = "s" + std::to_string(index);
    series.first_month = segcast::MakeMonth(2000, 1);
    const int n = 48 + static_cast<int>(random.Uniform() * 193);
    const double level = 100.0 + 900.0 * random.Uniform();
    double slope = level * 0.01 * random.Normal();
    const int kink1 = static_cast<int>(n * (0.2 + 0.5 * random.Uniform()));
    const double amplitude = level * 0.2 * random.Uniform();
    const double phase = 6.283185307179586 * random.Uniform();
    const double noise = level * 0.05 * random.Uniform();
    double trend = level;
    for (int month = 0; month < n + 24; ++month) {
      if (month == kink1) slope += level * 0.01 * random.Normal();
      trend += slope;
      const double value = std::max(0.0, trend + amplitude * std::sin(6.283185307179586 * month / 12 + phase) +
                                             noise * random.Normal());
      (month < n ? series.values : series.future).push_back(value);
    }
    result.push_back(std::move(series));
  }
  return result;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  if (values.empty()) return NAN;
  const double position = p * (values.size() - 1);
  const size_t below = static_cast<size_t>(position);
  if (below + 1 >= values.size()) return values.back();
  return values[below] + (position - below) * (values[below + 1] - values[below]);
}

struct Scores {
  segcast::AccuracyAccumulator model, seasonal_naive;
  int negative_forecasts = 0;
  std::vector<int> covered_by_horizon, points_by_horizon;  //!< model's interval, h = 1, 2, ...
};

Scores Score(const std::vector<MonthlySeries>& series,
             const std::vector<segcast::SeriesForecast>& forecasts, double interval,
             const std::string& points_path) {
  Scores scores;
  // points=PATH: every scored future point (for calibration studies on the validation folds).
  std::FILE* points = points_path.empty() ? nullptr : std::fopen(points_path.c_str(), "w");
  if (points != nullptr) std::fprintf(points, "series,h,actual,yhat,lower,upper\n");
  for (size_t index = 0; index < series.size(); ++index) {
    const int horizon = static_cast<int>(series[index].future.size());
    std::vector<double> yhat, lower, upper;
    for (const auto& point : forecasts[index].points)
      if (!point.is_history && static_cast<int>(yhat.size()) < horizon) {
        yhat.push_back(point.yhat);
        lower.push_back(point.yhat_lower);
        upper.push_back(point.yhat_upper);
        if (point.yhat < 0) ++scores.negative_forecasts;
      }
    for (int h = 0; h < horizon && h < static_cast<int>(yhat.size()); ++h) {
      if (!std::isfinite(series[index].future[h])) continue;
      if (static_cast<int>(scores.points_by_horizon.size()) <= h) {
        scores.points_by_horizon.resize(h + 1, 0);
        scores.covered_by_horizon.resize(h + 1, 0);
      }
      ++scores.points_by_horizon[h];
      if (points != nullptr)
        std::fprintf(points, "%s,%d,%.17g,%.17g,%.17g,%.17g\n", series[index].id.c_str(), h + 1,
                     series[index].future[h], yhat[h], lower[h], upper[h]);
      scores.covered_by_horizon[h] += series[index].future[h] >= lower[h] && series[index].future[h] <= upper[h];
    }
    const double scale = segcast::MaseScale(series[index].values);
    scores.model.Add(series[index].future, yhat, lower, upper, scale);
    auto baseline = segcast::ForecastBaseline(segcast::Baseline::kSeasonalNaive, series[index].values,
                                              horizon, interval);
    scores.seasonal_naive.Add(series[index].future, baseline.yhat, baseline.lower, baseline.upper, scale);
  }
  if (points != nullptr) std::fclose(points);
  return scores;
}

void PrintBlock(const char* name, const std::vector<MonthlySeries>& series,
                const ForecastOptions& options, int threads, int repeats, bool last,
                const std::string& points_path) {
  // Accuracy from one ForecastAll run; time per series as the median over repeats of single-thread
  // ForecastSeries calls.
  ForecastOptions timed = options;
  timed.threads = threads;
  auto wall_start = std::chrono::steady_clock::now();
  std::vector<segcast::SeriesForecast> forecasts = segcast::ForecastAll(series, timed);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  Scores scores = Score(series, forecasts, options.interval, points_path);
  // Wall time and this thread's CPU time per series: on a shared machine the CPU time is not
  // inflated by preemption, the wall time is.
  std::vector<double> per_series(series.size(), INFINITY), cpu_per_series(series.size(), INFINITY);
  auto cpu_ms = [] {
    timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return now.tv_sec * 1e3 + now.tv_nsec * 1e-6;
  };
  for (int repeat = 0; repeat < repeats; ++repeat)
    for (size_t index = 0; index < series.size(); ++index) {
      auto start = std::chrono::steady_clock::now();
      const double cpu_start = cpu_ms();
      segcast::SeriesForecast forecast = segcast::ForecastSeries(series[index], options);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      per_series[index] = std::min(per_series[index], ms);
      cpu_per_series[index] = std::min(cpu_per_series[index], cpu_ms() - cpu_start);
    }
  std::vector<size_t> order(series.size());
  for (size_t index = 0; index < order.size(); ++index) order[index] = index;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return per_series[a] > per_series[b]; });
  std::string slowest;
  for (size_t rank = 0; rank < std::min<size_t>(5, order.size()); ++rank) {
    char entry[96];
    std::snprintf(entry, sizeof entry, "%s\"%s\": %.3f", rank ? ", " : "", series[order[rank]].id.c_str(),
                  per_series[order[rank]]);
    slowest += entry;
  }
  std::map<std::string, int> variants;
  int not_converged = 0;
  double iterations = 0;
  for (const auto& forecast : forecasts) {
    iterations += forecast.iterations;
    ++variants[forecast.parameters.variant];
    not_converged += forecast.converged ? 0 : 1;
  }
  std::printf("  \"%s\": {\"series\": %zu, \"threads\": %d, \"wall_seconds_all_series\": %.4f,\n", name,
              series.size(), threads, wall);
  if (repeats > 0)
    std::printf("    \"ms_per_series_median\": %.4f, \"ms_per_series_p95\": %.4f, \"ms_per_series_max\": %.4f,\n",
                Percentile(per_series, 0.5), Percentile(per_series, 0.95), Percentile(per_series, 1.0));
  if (repeats > 0)
    std::printf("    \"cpu_ms_per_series_median\": %.4f, \"cpu_ms_per_series_p95\": %.4f, \"cpu_ms_per_series_max\": %.4f,\n",
                Percentile(cpu_per_series, 0.5), Percentile(cpu_per_series, 0.95), Percentile(cpu_per_series, 1.0));
  if (repeats > 0) std::printf("    \"slowest_ms\": {%s},\n", slowest.c_str());
  std::printf("    \"model\": {\"smape\": %.3f, \"mase\": %.4f, \"coverage\": %.4f, \"relative_width\": %.4f},\n",
              scores.model.Smape(), scores.model.Mase(), scores.model.Coverage(), scores.model.RelativeWidth());
  std::printf("    \"coverage_by_horizon\": [");
  for (size_t h = 0; h < scores.points_by_horizon.size(); ++h)
    std::printf("%s%.4f", h ? ", " : "", static_cast<double>(scores.covered_by_horizon[h]) /
                                             std::max(1, scores.points_by_horizon[h]));
  std::printf("],\n");
  std::printf("    \"seasonal_naive\": {\"smape\": %.3f, \"mase\": %.4f, \"coverage\": %.4f},\n",
              scores.seasonal_naive.Smape(), scores.seasonal_naive.Mase(), scores.seasonal_naive.Coverage());
  std::printf("    \"negative_forecasts\": %d, \"not_converged\": %d, \"mean_iterations\": %.1f, \"variants\": {",
              scores.negative_forecasts, not_converged, iterations / std::max<size_t>(1, forecasts.size()));
  bool first = true;
  for (const auto& [variant, count] : variants) {
    std::printf("%s\"%s\": %d", first ? "" : ", ", variant.c_str(), count);
    first = false;
  }
  std::printf("}}%s\n", last ? "" : ",");
}

}  // namespace

int main(int argc, char** argv) {
  auto arguments = ParseArguments(argc, argv);
  auto get = [&](const std::string& key, const std::string& fallback) {
    auto found = arguments.find(key);
    return found == arguments.end() ? fallback : found->second;
  };
  ForecastOptions options = get("preset", "monthly") == "prophet" ? ForecastOptions::Prophet() : ForecastOptions();
  options.horizon = 24;
  if (arguments.count("order")) options.fourier_order = std::stoi(get("order", "6"));
  if (arguments.count("day_phase")) options.day_phase = get("day_phase", "0") == "1";
  if (arguments.count("changepoints")) options.changepoints = std::stoi(get("changepoints", "-1"));
  if (arguments.count("months_per_changepoint"))
    options.months_per_changepoint = std::stoi(get("months_per_changepoint", "12"));
  if (arguments.count("damping")) options.trend_damping = std::stod(get("damping", "1"));
  if (arguments.count("prior")) options.changepoint_prior_scale = std::stod(get("prior", "0.05"));
  if (arguments.count("range")) options.changepoint_range = std::stod(get("range", "0.8"));
  if (arguments.count("seasonality_prior")) options.seasonality_prior_scale = std::stod(get("seasonality_prior", "10"));
  if (arguments.count("selection"))
    options.selection = get("selection", "") == "fixed"     ? segcast::Selection::kFixed
                        : get("selection", "") == "average" ? segcast::Selection::kAverage
                                                            : segcast::Selection::kValidation;
  if (arguments.count("transform"))
    options.transform = get("transform", "") == "log" ? segcast::Transform::kLog : segcast::Transform::kNone;
  if (arguments.count("mode"))
    options.seasonality_mode = get("mode", "") == "multiplicative" ? segcast::SeasonalityMode::kMultiplicative
                                                                    : segcast::SeasonalityMode::kAdditive;
  if (arguments.count("seasonal_half_life"))
    options.seasonal_half_life = std::stod(get("seasonal_half_life", "0"));
  if (arguments.count("level_correction"))
    options.level_correction_months = std::stoi(get("level_correction", "0"));
  if (arguments.count("damping_spread")) options.damping_spread = get("damping_spread", "0") == "1";
  if (arguments.count("robust")) options.robust_rounds = std::stoi(get("robust", "0"));
  if (arguments.count("iscale_h1")) options.interval_scale_h1 = std::stod(get("iscale_h1", "1"));
  if (arguments.count("iscale_slope")) options.interval_scale_slope = std::stod(get("iscale_slope", "0"));
  if (arguments.count("half_life")) options.recency_half_life = std::stod(get("half_life", "0"));
  if (arguments.count("half_lives")) {
    options.variant_half_lives.clear();
    std::string list = get("half_lives", "");
    for (size_t at = 0; at < list.size();) {
      size_t comma = list.find(',', at);
      if (comma == std::string::npos) comma = list.size();
      options.variant_half_lives.push_back(std::stod(list.substr(at, comma - at)));
      at = comma + 1;
    }
  }
  if (arguments.count("combination"))
    options.combination = get("combination", "") == "median"     ? segcast::Combination::kMedian
                          : get("combination", "") == "besthalf" ? segcast::Combination::kBestHalf
                          : get("combination", "") == "loo" ? segcast::Combination::kLeaveOneOutBestHalf
                                                                 : segcast::Combination::kMean;
  if (arguments.count("origins")) options.validation_origins = std::stoi(get("origins", "3"));
  if (arguments.count("vstep")) options.validation_step = std::stoi(get("vstep", "6"));
  if (arguments.count("vh")) options.validation_horizon = std::stoi(get("vh", "12"));
  if (arguments.count("eps")) options.laplace_smoothing = std::stod(get("eps", "1e-4"));
  if (arguments.count("calibrated")) options.calibrated_intervals = get("calibrated", "1") == "1";
  if (arguments.count("nonnegative")) options.nonnegative = get("nonnegative", "1") == "1";
  options.samples = std::stoi(get("samples", "1000"));
  const int threads = std::stoi(get("threads", "1"));
  const int repeats = std::stoi(get("repeats", "3"));
  const int synthetic = std::stoi(get("synthetic", "1000"));
  const std::string tourism = get("tourism", "");

  char host[256] = "?";
  gethostname(host, sizeof host);
  std::printf("{\"machine\": {\"cpu\": \"%s\", \"hardware_threads\": %u, \"host\": \"%s\"},\n",
              CpuModel().c_str(), std::thread::hardware_concurrency(), host);
  std::printf(" \"options\": {\"preset\": \"%s\", \"fourier_order\": %d, \"day_phase\": %d, \"changepoints\": %d, "
              "\"months_per_changepoint\": %d, \"changepoint_prior_scale\": %g, \"trend_damping\": %g, "
              "\"selection\": \"%s\", \"transform\": \"%s\", \"samples\": %d, \"interval\": %g, \"horizon\": %d},\n",
              get("preset", "monthly").c_str(), options.fourier_order, options.day_phase ? 1 : 0,
              options.changepoints, options.months_per_changepoint, options.changepoint_prior_scale,
              options.trend_damping, get("selection", "default").c_str(),
              options.transform == segcast::Transform::kLog ? "log" : "none", options.samples, options.interval,
              options.horizon);
  const bool run_synthetic = synthetic > 0;
  if (!tourism.empty()) {
    segcast::MonthlySeriesSet set = segcast::ReadTourismCsv(tourism, true);
    // stage=validation: score on the last 24 months of each training part instead of the test
    // part, so defaults can be chosen without looking at the test data.
    // cut=C (default 24) ends the fitted part C months before the end of the training part and
    // scores the 24 months after it: cut=48 is a second, earlier validation fold.
    if (get("stage", "test") == "validation") {
      const int cut = std::stoi(get("cut", "24"));
      for (auto& series : set.series) {
        const auto end = series.values.end() - (cut - 24);
        series.future.assign(end - 24, end);
        series.values.resize(series.values.size() - cut);
      }
    }
    const int window = std::stoi(get("window", "0"));
    if (window > 0)
      for (auto& series : set.series)
        if (series.size() > window) {
          series.first_month += series.size() - window;
          series.values.erase(series.values.begin(), series.values.end() - window);
        }
    PrintBlock("tourism", set.series, options, threads, repeats, !run_synthetic, get("points", ""));
  }
  if (run_synthetic)
    PrintBlock("synthetic", SyntheticSeries(synthetic, 42), options, threads, repeats, true,
               get("synthetic_points", ""));
  std::printf("}\n");
  return 0;
}
