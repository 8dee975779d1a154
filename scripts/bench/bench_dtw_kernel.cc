// DTW kernel throughput: all pairs of a random-walk series set, full window, no pruning.
// Prints one JSON object per configuration: cells per second = pairs * n * m / wall time.
//   bench_dtw_kernel [series=2000] [repetitions=5]
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <random>
#include <vector>

#include "segcast/dtw.h"

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int repetitions = argc > 2 ? std::atoi(argv[2]) : 5;
  const int threads = omp_get_max_threads();
  struct Config {
    int length;
    int dims;
  };
  for (const Config config : {Config{13, 4}, Config{24, 4}, Config{150, 1}, Config{100, 6}}) {
    const int n = config.length;
    const int dims = config.dims;
    const int series_count = std::max(50, static_cast<int>(count * 13.0 / n));
    std::mt19937_64 engine(1);
    std::normal_distribution<double> normal;
    std::vector<double> values(static_cast<size_t>(series_count) * n * dims);
    for (double& value : values) value = normal(engine);
    std::vector<double> times;
    std::vector<double> cpu_times;
    double checksum = 0.0;
    for (int repetition = 0; repetition < repetitions; ++repetition) {
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu_start = std::clock();
      double sum = 0.0;
#pragma omp parallel reduction(+ : sum)
      {
        segcast::DtwWorkspace workspace;
#pragma omp for schedule(dynamic, 16)
        for (int a = 0; a < series_count; ++a) {
          for (int b = a + 1; b < series_count; ++b) {
            sum += segcast::DtwSquared(&values[static_cast<size_t>(a) * n * dims], n,
                                       &values[static_cast<size_t>(b) * n * dims], n, dims, -1,
                                       std::numeric_limits<double>::infinity(), workspace);
          }
        }
      }
      times.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      cpu_times.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
      checksum = sum;
    }
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2];
    std::sort(cpu_times.begin(), cpu_times.end());
    // CPU seconds summed over threads: cells per CPU-second is the per-core rate, less sensitive
    // than wall time to other processes on a shared machine.
    const double cpu_median = cpu_times[cpu_times.size() / 2];
    const double pairs = 0.5 * series_count * (series_count - 1.0);
    std::printf(
        "{\"bench\":\"dtw_kernel\",\"threads\":%d,\"series\":%d,\"length\":%d,\"dims\":%d,"
        "\"pairs\":%.0f,\"median_seconds\":%.4f,\"cells_per_second\":%.4g,"
        "\"cells_per_cpu_second\":%.4g,\"checksum\":%.6g}\n",
        threads, series_count, n, dims, pairs, median, pairs * n * n / median,
        pairs * n * n / cpu_median, checksum);
  }
  return 0;
}
