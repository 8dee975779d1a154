// Pieces of the customer-base fits shared between their files; internal to the predict stage.
#pragma once

#include <boost/math/quadrature/gauss.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "segcast/customer_base.h"

namespace segcast::internal {

//! A (x, t_x, T) history and how many customers have it.
struct DistinctHistory {
  int x = 0;
  double recency = 0;  //!< t_x, weeks
  double age = 0;      //!< T, weeks
  int64_t count = 0;
};

//! The distinct histories, sorted; with `customer_history`, the index of each customer's.
std::vector<DistinctHistory> DistinctHistories(const CustomerHistories& histories,
                                               std::vector<int32_t>* customer_history);

//! E[purchases in (T, T + t] | x, t_x, T] for one set of BG/NBD parameters: eq. (10) with the
//! 2F1 where it is accurate, else a quadrature over the posterior dropout probability, whose
//! Beta quantiles are computed once per x (thread-safe).
class BgNbdExpectation {
 public:
  explicit BgNbdExpectation(const BgNbdParameters& parameters);
  double operator()(int x, double t_x, double age, double t) const;
  //! The quadrature alone, whatever the parameters.
  double ByQuadrature(int x, double t_x, double age, double t) const;

 private:
  using Quadrature = boost::math::quadrature::gauss<double, 40>;
  const std::vector<double>& DropoutQuantiles(int x) const;
  BgNbdParameters parameters_;
  mutable std::mutex mutex_;
  mutable std::map<int, std::vector<double>> quantiles_;
};

//! The BG/NBD log-likelihood of `histories`, each term weighted by its count, at log-parameters
//! (ln r, ln alpha, ln a, ln b): what FitBgNbd maximises. Its gradient in log-parameters into
//! `gradient` (4 values) when not null.
double BgNbdLogLikelihoodSum(const std::vector<DistinctHistory>& histories,
                             const double* log_parameters, double* gradient, int threads);

//! The repeat customers' frequency x and mean repeat spend, in customer order: the data of the
//! Gamma-Gamma fit (customers without a repeat purchase have no repeat spend).
struct RepeatSpend {
  std::vector<int> repeats;
  std::vector<double> mean_spend;
};
RepeatSpend RepeatCustomersSpend(const CustomerHistories& histories);

//! The Gamma-Gamma log-likelihood of repeat customers' (x, mean repeat spend) at log-parameters
//! (ln p, ln q, ln gamma): what FitGammaGamma maximises. Its gradient in log-parameters into
//! `gradient` (3 values) when not null.
double GammaGammaLogLikelihoodSum(const std::vector<int>& repeats,
                                  const std::vector<double>& mean_spend,
                                  const double* log_parameters, double* gradient, int threads);

//! Maximum-likelihood BG/NBD parameters (the likelihood summed on `threads`, 0 = all cores, with
//! the same result for any count); `fit` receives how the fit went.
BgNbdParameters FitBgNbd(const std::vector<DistinctHistory>& histories, int threads,
                         LikelihoodFit& fit);

//! Maximum-likelihood Gamma-Gamma parameters from repeat customers' (x, mean repeat spend).
GammaGammaParameters FitGammaGamma(const std::vector<int>& repeats,
                                   const std::vector<double>& mean_spend, int threads,
                                   LikelihoodFit& fit);

}  // namespace segcast::internal
