// Speed of the customer-base model: histories from a log, the two fits, and the per-customer
// predictions (6 months, CLV over 12), on logs simulated from known BG/NBD and Gamma-Gamma
// parameters (tests/unit/predict/customer_base_simulation.h).
//
//   customer_base_bench [--customers N ...] [--threads T] [--repeat R]
// Prints one CSV line per size: customers, rows, seconds of each step (the best of R runs).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "segcast/customer_base.h"
#include "unit/predict/customer_base_simulation.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  int threads = 0, repeat = 3;
  for (int arg = 1; arg + 1 < argc; arg += 2) {
    const std::string flag = argv[arg];
    if (flag == "--customers") sizes.push_back(std::atoi(argv[arg + 1]));
    if (flag == "--threads") threads = std::atoi(argv[arg + 1]);
    if (flag == "--repeat") repeat = std::atoi(argv[arg + 1]);
  }
  if (sizes.empty()) sizes = {10000, 100000, 1000000};
  const segcast::BgNbdParameters purchases{0.8, 9.0, 0.5, 4.0};
  const segcast::GammaGammaParameters spend{3.0, 4.0, 300.0};
  const segcast::Day first = segcast::DayFromCivil(2010, 1, 1);
  const segcast::Day as_of = segcast::DayFromCivil(2012, 1, 1);
  std::printf("customers,rows,threads,summarize_s,fit_s,predict_s,total_s,bgnbd_iterations\n");
  for (int customers : sizes) {
    const segcast::Transactions log =
        segcast::testing::SimulateLog(purchases, spend, customers, first, 600, as_of, 1);
    double summarize = 1e30, fit_seconds = 1e30, predict = 1e30;
    int iterations = 0;
    for (int run = 0; run < repeat; ++run) {
      auto start = Clock::now();
      const segcast::CustomerHistories histories = segcast::SummarizeCustomers(log, as_of);
      summarize = std::min(summarize, Seconds(start));
      segcast::CustomerBaseOptions options;
      options.threads = threads;
      start = Clock::now();
      const segcast::CustomerBaseFit fit = segcast::FitCustomerBase(histories, options);
      fit_seconds = std::min(fit_seconds, Seconds(start));
      iterations = fit.bgnbd_fit.iterations;
      start = Clock::now();
      const segcast::CustomerPredictions predictions =
          segcast::PredictCustomers(histories, fit, options);
      predict = std::min(predict, Seconds(start));
      if (predictions.clv.size() != static_cast<size_t>(histories.size())) return 1;
    }
    std::printf("%d,%zu,%d,%.3f,%.3f,%.3f,%.3f,%d\n", customers, log.size(), threads, summarize,
                fit_seconds, predict, summarize + fit_seconds + predict, iterations);
    std::fflush(stdout);
  }
  return 0;
}
