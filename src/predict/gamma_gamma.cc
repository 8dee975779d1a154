// Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013): likelihood and fit.
#include <boost/math/special_functions/digamma.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "internal/parallel.h"
#include "predict/customer_base_internal.h"
#include "predict/likelihood_fit.h"

namespace segcast {
namespace internal {
namespace {

using boost::math::digamma;

// Only ln(gamma + x m) differs from customer to customer: the log-gamma and digamma terms depend
// on x alone and the ln m terms are fixed, so both are summed once per distinct x.
class GammaGammaLikelihood final : public LogLikelihood {
 public:
  GammaGammaLikelihood(const std::vector<int>& repeats, const std::vector<double>& mean_spend,
                       int threads)
      : repeats_(repeats), mean_spend_(mean_spend), threads_(internal::ResolveThreads(threads)) {
    const int largest = *std::max_element(repeats.begin(), repeats.end());
    count_by_x_.assign(largest + 1, 0.0);
    log_spend_by_x_.assign(largest + 1, 0.0);
    for (size_t customer = 0; customer < repeats.size(); ++customer) {
      count_by_x_[repeats[customer]] += 1;
      log_spend_by_x_[repeats[customer]] += std::log(mean_spend[customer]);
    }
  }
  int parameters() const override { return 3; }
  double customers() const override { return static_cast<double>(repeats_.size()); }

  double Evaluate(const double* log_parameters, double* gradient) const override {
    const double p = std::exp(log_parameters[0]), q = std::exp(log_parameters[1]);
    const double gamma = std::exp(log_parameters[2]);
    const std::vector<double> sums = PerCustomerSums(gamma);
    const int xs = static_cast<int>(count_by_x_.size());
    const double* log_total = sums.data();       // sum of ln(gamma + x m) per x
    const double* inverse_total = sums.data() + xs;  // sum of 1 / (gamma + x m) per x
    const double log_gamma = std::log(gamma), lgamma_q = std::lgamma(q), digamma_q = digamma(q);
    double value = 0, d_p = 0, d_q = 0, d_gamma = 0;
    for (int x = 1; x < xs; ++x) {
      const double n = count_by_x_[x];
      if (n == 0) continue;
      const double px = p * x, log_x = std::log(x);
      value += n * (std::lgamma(px + q) - std::lgamma(px) - lgamma_q + q * log_gamma + px * log_x) +
               (px - 1) * log_spend_by_x_[x] - (px + q) * log_total[x];
      if (gradient == nullptr) continue;
      const double digamma_sum = digamma(px + q);
      d_p += x * (n * (digamma_sum - digamma(px) + log_x) + log_spend_by_x_[x] - log_total[x]);
      d_q += n * (digamma_sum - digamma_q + log_gamma) - log_total[x];
      d_gamma += n * q / gamma - (px + q) * inverse_total[x];
    }
    if (gradient != nullptr) {
      gradient[0] = d_p * p;
      gradient[1] = d_q * q;
      gradient[2] = d_gamma * gamma;
    }
    return value;
  }

 private:
  // Per x: the sums of ln(gamma + x m) and of 1 / (gamma + x m) over its customers, in fixed
  // blocks summed in order (the same value whatever the thread count).
  std::vector<double> PerCustomerSums(double gamma) const {
    constexpr int64_t kBlock = 8192;
    const int xs = static_cast<int>(count_by_x_.size());
    const int64_t customers = static_cast<int64_t>(repeats_.size());
    const int64_t blocks = (customers + kBlock - 1) / kBlock;
    std::vector<double> partial(static_cast<size_t>(blocks) * 2 * xs, 0.0);
#pragma omp parallel for schedule(static) num_threads(threads_) if (blocks > 1)
    for (int64_t block = 0; block < blocks; ++block) {
      double* sums = partial.data() + static_cast<size_t>(block) * 2 * xs;
      for (int64_t customer = block * kBlock; customer < std::min(customers, (block + 1) * kBlock);
           ++customer) {
        const int x = repeats_[customer];
        const double total = gamma + x * mean_spend_[customer];
        sums[x] += std::log(total);
        sums[xs + x] += 1 / total;
      }
    }
    std::vector<double> sums(2 * xs, 0.0);
    for (int64_t block = 0; block < blocks; ++block) {
      for (int index = 0; index < 2 * xs; ++index) {
        sums[index] += partial[static_cast<size_t>(block) * 2 * xs + index];
      }
    }
    return sums;
  }

  const std::vector<int>& repeats_;
  const std::vector<double>& mean_spend_;
  int threads_;
  std::vector<double> count_by_x_, log_spend_by_x_;
};

}  // namespace

double GammaGammaLogLikelihoodSum(const std::vector<int>& repeats,
                                  const std::vector<double>& mean_spend,
                                  const double* log_parameters, double* gradient, int threads) {
  return GammaGammaLikelihood(repeats, mean_spend, threads).Evaluate(log_parameters, gradient);
}

GammaGammaParameters FitGammaGamma(const std::vector<int>& repeats,
                                   const std::vector<double>& mean_spend, int threads,
                                   LikelihoodFit& fit) {
  // Start where the population mean spend p gamma / (q - 1) matches the sample mean.
  const double mean =
      std::accumulate(mean_spend.begin(), mean_spend.end(), 0.0) / mean_spend.size();
  const double p = 2, q = 3;
  std::vector<double> log_parameters = {std::log(p), std::log(q), std::log(mean * (q - 1) / p)};
  const GammaGammaLikelihood likelihood(repeats, mean_spend, threads);
  fit = MaximizeLogLikelihood(likelihood, log_parameters);
  return {std::exp(log_parameters[0]), std::exp(log_parameters[1]), std::exp(log_parameters[2])};
}

RepeatSpend RepeatCustomersSpend(const CustomerHistories& histories) {
  RepeatSpend data;
  for (int customer = 0; customer < histories.size(); ++customer) {
    if (histories.repeat_purchases[customer] == 0) continue;
    data.repeats.push_back(histories.repeat_purchases[customer]);
    data.mean_spend.push_back(histories.mean_repeat_spend[customer]);
  }
  return data;
}

}  // namespace internal

double GammaGammaParameters::MeanSpend() const {
  return q > 1 ? p * gamma / (q - 1) : std::numeric_limits<double>::infinity();
}

double GammaGammaLogLikelihood(const GammaGammaParameters& parameters, int x, double mean_spend) {
  const std::vector<int> repeats = {x};
  const std::vector<double> spend = {mean_spend};
  const double log_parameters[] = {std::log(parameters.p), std::log(parameters.q),
                                   std::log(parameters.gamma)};
  return internal::GammaGammaLikelihood(repeats, spend, 1).Evaluate(log_parameters, nullptr);
}

double ExpectedSpend(const GammaGammaParameters& parameters, int x, double mean_spend) {
  if (x == 0) return parameters.MeanSpend();
  const auto& [p, q, gamma] = parameters;
  return (gamma + x * mean_spend) * p / (p * x + q - 1);
}

}  // namespace segcast
