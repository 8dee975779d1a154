// Clustering benchmarks: a k = 4 TimeSeries K-Means fit and the k = 2..8 sweep with exact
// silhouette, on the Online Retail LRFM panel and on a synthetic LRFM-like panel.
// Prints one JSON object per measurement (machine, threads, inputs, median of repetitions).
//
//   bench_cluster retail=../shared/data/online_retail.csv.gz synthetic=100000 months=24 reps=3
//                 scaling=feature-minmax sweep=1 synthetic_sweep_sample=10000
#include <sys/resource.h>
#include <unistd.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "segcast/ingest.h"
#include "segcast/k_selection.h"
#include "segcast/panel.h"
#include "segcast/scale.h"
#include "segcast/ts_kmeans.h"

namespace {

using Clock = std::chrono::steady_clock;

double PeakMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

std::string Machine() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ", " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores online";
}

// A synthetic LRFM panel: customers acquired uniformly over the window, each with one of four
// behaviours (one-off, steady, fading, growing); purchases per month are Poisson with a
// behaviour-dependent rate, revenue per invoice log-normal. L, R, F, M follow panel.h.
segcast::LrfmPanel SyntheticPanel(int customers, int months, uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<int> start_of(0, months - 1);
  std::uniform_int_distribution<int> kind_of(0, 3);
  std::lognormal_distribution<double> basket(3.5, 1.0);
  segcast::LrfmPanel panel;
  panel.month_count = months;
  panel.values.assign(static_cast<size_t>(customers) * months * segcast::kLrfmFeatures, 0.0);
  for (int customer = 0; customer < customers; ++customer) {
    panel.customer_ids.push_back(std::to_string(100000 + customer));
    panel.customer_index.push_back(customer);
    const int start = start_of(engine);
    panel.start.push_back(start);
    const int kind = kind_of(engine);
    double last_purchase_day = -1.0;
    for (int month = start; month < months; ++month) {
      const int age = month - start;
      double rate = 0.0;
      switch (kind) {
        case 0: rate = age == 0 ? 1.0 : 0.02; break;
        case 1: rate = 1.2; break;
        case 2: rate = 2.0 * std::exp(-0.4 * age); break;
        case 3: rate = 0.2 + 0.15 * age; break;
      }
      int invoices = age == 0 ? 1 : std::poisson_distribution<int>(rate)(engine);
      double revenue = 0.0;
      for (int invoice = 0; invoice < invoices; ++invoice) revenue += basket(engine);
      const double month_end = 30.0 * (month + 1);
      if (invoices > 0) last_purchase_day = month_end - 1.0 - (engine() % 28);
      double* cell = panel.values.data() +
                     (static_cast<size_t>(customer) * months + month) * segcast::kLrfmFeatures;
      cell[segcast::kLength] = month_end - 30.0 * start;
      cell[segcast::kRecency] = month_end - last_purchase_day;
      cell[segcast::kFrequency] = invoices;
      cell[segcast::kMonetary] = revenue;
    }
  }
  return panel;
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

// Wall seconds of each repetition (sorted); cpu receives the median CPU seconds (all threads):
// on a shared machine CPU time shows the work done, wall time what other processes left us.
template <typename Function>
std::vector<double> Repeat(int repetitions, double* cpu, Function&& function) {
  std::vector<double> seconds, cpu_seconds;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    const auto start = Clock::now();
    const double cpu_start = CpuSeconds();
    function();
    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    cpu_seconds.push_back(CpuSeconds() - cpu_start);
  }
  std::sort(seconds.begin(), seconds.end());
  std::sort(cpu_seconds.begin(), cpu_seconds.end());
  *cpu = cpu_seconds[cpu_seconds.size() / 2];
  return seconds;
}

void Report(const char* name, const std::string& panel, const segcast::TimeSeriesSet& series,
            const std::string& settings, const std::vector<double>& seconds, double cpu,
            const std::string& extra) {
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf(
      "{\"bench\":\"%s\",\"panel\":\"%s\",\"series\":%d,\"max_length\":%d,\"settings\":\"%s\","
      "\"threads\":%d,\"machine\":\"%s\",\"repetitions\":%zu,\"median_seconds\":%.4f,"
      "\"min_seconds\":%.4f,\"median_cpu_seconds\":%.4f,\"load_average_1min\":%.2f,"
      "\"peak_rss_mib\":%.1f%s}\n",
      name, panel.c_str(), series.size(), series.MaxLength(), settings.c_str(),
      omp_get_max_threads(), Machine().c_str(), seconds.size(), seconds[seconds.size() / 2],
      seconds.front(), cpu, load[0], PeakMiB(), extra.c_str());
  std::fflush(stdout);
}

void BenchPanel(const std::string& name, const segcast::LrfmPanel& panel,
                segcast::PanelScaling scaling, int repetitions, bool sweep, int sweep_sample,
                int max_iter) {
  segcast::PanelScaleOptions scale;
  scale.scaling = scaling;
  scale.log1p_frequency_monetary = scaling == segcast::PanelScaling::kFeatureMinMax;
  const segcast::TimeSeriesSet series = segcast::PanelToSeries(panel, scale, nullptr);
  const std::string scaling_name = std::string(segcast::PanelScalingName(scaling)) +
                                   (scale.log1p_frequency_monetary ? "+log1p" : "");
  segcast::TsKMeansOptions fit;
  fit.k = 4;
  fit.seed = 1;
  fit.max_iter = max_iter;
  segcast::TsKMeansResult last;
  double cpu = 0.0;
  const auto seconds =
      Repeat(repetitions, &cpu, [&] { last = segcast::FitTsKMeans(series, fit); });
  char extra[512];
  std::snprintf(extra, sizeof(extra),
                ",\"iterations\":%d,\"converged\":%s,\"inertia\":%.10g,\"dtw_calls\":%lld,"
                "\"pruned_share\":%.4f,\"seconds_assign\":%.4f,\"seconds_update\":%.4f",
                last.iterations, last.converged ? "true" : "false", last.inertia,
                static_cast<long long>(last.dtw_calls), last.PrunedShare(), last.seconds_assign,
                last.seconds_update);
  Report("fit_k4", name, series,
         scaling_name + ", k=4, n_init=1, max_iter=" + std::to_string(max_iter) + ", dtw full window",
         seconds, cpu, extra);
  if (!sweep) return;
  segcast::KSelectionOptions options;
  options.fit = fit;
  options.fit.max_iter = 50;
  options.silhouette.sample = sweep_sample;
  segcast::KSelectionResult result;
  const auto sweep_seconds =
      Repeat(repetitions, &cpu, [&] { result = segcast::SelectTsK(series, options); });
  std::snprintf(extra, sizeof(extra),
                ",\"best_k\":%d,\"silhouette_seconds\":%.4f,\"silhouette_matrix\":%s,"
                "\"silhouette_sample\":%d,\"distance_computations\":%lld",
                result.best_k(), result.silhouette.seconds,
                result.silhouette.used_matrix ? "true" : "false", result.silhouette.sample_size,
                static_cast<long long>(result.silhouette.distance_computations));
  Report("sweep_k2_8", name, series,
         scaling_name + ", k=2..8, n_init=1, max_iter=50, exact silhouette" +
             (sweep_sample > 0 ? " on a sample" : ""),
         sweep_seconds, cpu, extra);
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args = {{"retail", ""},      {"synthetic", "0"},
                                             {"months", "24"},    {"reps", "3"},
                                             {"sweep", "1"},      {"synthetic_sweep_sample", "10000"},
                                             {"scaling", "feature-minmax"}, {"max_iter", "50"}};
  for (int index = 1; index < argc; ++index) {
    const std::string text = argv[index];
    const size_t equals = text.find('=');
    if (equals == std::string::npos || !args.count(text.substr(0, equals))) {
      std::fprintf(stderr, "unknown argument %s\n", text.c_str());
      return 2;
    }
    args[text.substr(0, equals)] = text.substr(equals + 1);
  }
  const int repetitions = std::stoi(args["reps"]);
  const bool sweep = args["sweep"] == "1";
  const auto scaling = segcast::ParsePanelScaling(args["scaling"]);
  const int max_iter = std::stoi(args["max_iter"]);
  if (!args["retail"].empty()) {
    segcast::IngestOptions ingest;
    ingest.path = args["retail"];
    const auto panel = segcast::BuildPanel(segcast::Ingest(ingest).transactions, {});
    BenchPanel("online_retail", panel, scaling, repetitions, sweep, 0, max_iter);
  }
  const int synthetic = std::stoi(args["synthetic"]);
  if (synthetic > 0) {
    const auto panel = SyntheticPanel(synthetic, std::stoi(args["months"]), 7);
    BenchPanel("synthetic_" + std::to_string(synthetic) + "x" + args["months"], panel, scaling,
               repetitions, sweep, std::stoi(args["synthetic_sweep_sample"]), max_iter);
  }
  return 0;
}
