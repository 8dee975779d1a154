// Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013): likelihood and fit.
#include <boost/math/special_functions/digamma.hpp>

#include <cmath>
#include <limits>
#include <numeric>

#include "predict/customer_base_internal.h"
#include "predict/likelihood_fit.h"

namespace segcast {
namespace internal {
namespace {

using boost::math::digamma;

class GammaGammaLikelihood final : public LogLikelihood {
 public:
  GammaGammaLikelihood(const std::vector<int>& repeats, const std::vector<double>& mean_spend)
      : repeats_(repeats), mean_spend_(mean_spend) {}
  int parameters() const override { return 3; }
  double customers() const override { return static_cast<double>(repeats_.size()); }

  double Evaluate(const double* log_parameters, double* gradient) const override {
    const double p = std::exp(log_parameters[0]), q = std::exp(log_parameters[1]);
    const double gamma = std::exp(log_parameters[2]);
    const double log_gamma = std::log(gamma), lgamma_q = std::lgamma(q), digamma_q = digamma(q);
    double value = 0, d_p = 0, d_q = 0, d_gamma = 0;
    for (size_t customer = 0; customer < repeats_.size(); ++customer) {
      const double x = repeats_[customer], m = mean_spend_[customer];
      const double px = p * x, log_m = std::log(m), log_x = std::log(x);
      const double log_total = std::log(gamma + x * m);
      value += std::lgamma(px + q) - std::lgamma(px) - lgamma_q + q * log_gamma +
               (px - 1) * log_m + px * log_x - (px + q) * log_total;
      if (gradient == nullptr) continue;
      const double digamma_sum = digamma(px + q);
      d_p += x * (digamma_sum - digamma(px) + log_m + log_x - log_total);
      d_q += digamma_sum - digamma_q + log_gamma - log_total;
      d_gamma += q / gamma - (px + q) / (gamma + x * m);
    }
    if (gradient != nullptr) {
      gradient[0] = d_p * p;
      gradient[1] = d_q * q;
      gradient[2] = d_gamma * gamma;
    }
    return value;
  }

 private:
  const std::vector<int>& repeats_;
  const std::vector<double>& mean_spend_;
};

}  // namespace

GammaGammaParameters FitGammaGamma(const std::vector<int>& repeats,
                                   const std::vector<double>& mean_spend, LikelihoodFit& fit) {
  // Start where the population mean spend p gamma / (q - 1) matches the sample mean.
  const double mean =
      std::accumulate(mean_spend.begin(), mean_spend.end(), 0.0) / mean_spend.size();
  const double p = 2, q = 3;
  std::vector<double> log_parameters = {std::log(p), std::log(q), std::log(mean * (q - 1) / p)};
  const GammaGammaLikelihood likelihood(repeats, mean_spend);
  fit = MaximizeLogLikelihood(likelihood, log_parameters);
  return {std::exp(log_parameters[0]), std::exp(log_parameters[1]), std::exp(log_parameters[2])};
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
  return internal::GammaGammaLikelihood(repeats, spend).Evaluate(log_parameters, nullptr);
}

double ExpectedSpend(const GammaGammaParameters& parameters, int x, double mean_spend) {
  if (x == 0) return parameters.MeanSpend();
  const auto& [p, q, gamma] = parameters;
  return (gamma + x * mean_spend) * p / (p * x + q - 1);
}

}  // namespace segcast
