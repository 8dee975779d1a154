// BG/NBD (Fader, Hardie & Lee 2005): likelihood, fit, P(alive) and conditional expectations.
#include <boost/math/special_functions/digamma.hpp>
// hypergeometric_pFq.hpp uses lgamma and expm1 without including their headers (Boost 1.74).
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <boost/math/special_functions/beta.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "internal/parallel.h"
#include "predict/customer_base_internal.h"
#include "predict/likelihood_fit.h"
#include "segcast/customer_base.h"

namespace segcast {
namespace internal {
namespace {

using boost::math::digamma;

// The likelihood over distinct (x, t_x, T) histories with their counts: customers acquired on
// the same day with the same purchase days share one term, and the log-gamma terms depend on x
// alone, so they are summed once per distinct x.
class BgNbdLikelihood final : public LogLikelihood {
 public:
  BgNbdLikelihood(const std::vector<DistinctHistory>& histories, int threads)
      : histories_(histories), threads_(internal::ResolveThreads(threads)) {
    for (const DistinctHistory& history : histories) {
      if (history.x >= static_cast<int>(count_by_x_.size())) count_by_x_.resize(history.x + 1, 0);
      count_by_x_[history.x] += history.count;
      customers_ += history.count;
    }
  }
  int parameters() const override { return 4; }
  double customers() const override { return customers_; }

  double Evaluate(const double* log_parameters, double* gradient) const override {
    const Point point{std::exp(log_parameters[0]), std::exp(log_parameters[1]),
                      std::exp(log_parameters[2]), std::exp(log_parameters[3])};
    Terms sum = CountTerms(point, gradient != nullptr);
    // Fixed blocks summed in their order: the same value whatever the thread count.
    constexpr int64_t kBlock = 8192;
    const int64_t blocks = (static_cast<int64_t>(histories_.size()) + kBlock - 1) / kBlock;
    std::vector<double> log_ratio(count_by_x_.size());
    for (size_t x = 1; x < count_by_x_.size(); ++x) log_ratio[x] = std::log(point.a / (point.b + x - 1));
    std::vector<Terms> partial(blocks);
#pragma omp parallel for schedule(static) num_threads(threads_) if (blocks > 1)
    for (int64_t block = 0; block < blocks; ++block) {
      const size_t end = std::min(histories_.size(), static_cast<size_t>((block + 1) * kBlock));
      partial[block] = HistoryTerms(point, log_ratio, block * kBlock, end, gradient != nullptr);
    }
    for (const Terms& terms : partial) sum.Add(terms);
    if (gradient != nullptr) {
      gradient[0] = sum.d_r * point.r;  // chain rule: d/d log p = p d/dp
      gradient[1] = sum.d_alpha * point.alpha;
      gradient[2] = sum.d_a * point.a;
      gradient[3] = sum.d_b * point.b;
    }
    return sum.value;
  }

 private:
  struct Point {
    double r, alpha, a, b;
  };
  struct Terms {
    double value = 0, d_r = 0, d_alpha = 0, d_a = 0, d_b = 0;
    void Add(const Terms& other) {
      value += other.value;
      d_r += other.d_r;
      d_alpha += other.d_alpha;
      d_a += other.d_a;
      d_b += other.d_b;
    }
  };

  // The terms that depend on x alone (log-gamma ratios) and r ln(alpha), once per distinct x.
  Terms CountTerms(const Point& p, bool with_gradient) const {
    Terms terms;
    terms.value = customers_ * p.r * std::log(p.alpha);
    terms.d_r = customers_ * std::log(p.alpha);
    terms.d_alpha = customers_ * p.r / p.alpha;
    const double lgamma_r = std::lgamma(p.r), lgamma_b = std::lgamma(p.b);
    const double lgamma_ab = std::lgamma(p.a + p.b);
    const double digamma_r = digamma(p.r), digamma_b = digamma(p.b), digamma_ab = digamma(p.a + p.b);
    for (int x = 0; x < static_cast<int>(count_by_x_.size()); ++x) {
      const double n = count_by_x_[x];
      if (n == 0) continue;
      terms.value += n * (std::lgamma(p.r + x) - lgamma_r + lgamma_ab + std::lgamma(p.b + x) -
                          lgamma_b - std::lgamma(p.a + p.b + x));
      if (!with_gradient) continue;
      terms.d_r += n * (digamma(p.r + x) - digamma_r);
      terms.d_a += n * (digamma_ab - digamma(p.a + p.b + x));
      terms.d_b += n * (digamma_ab + digamma(p.b + x) - digamma_b - digamma(p.a + p.b + x));
    }
    return terms;
  }

  // The log of the two-term sum of eq. (6) for histories [begin, end); log_ratio[x] is
  // ln(a / (b + x - 1)).
  Terms HistoryTerms(const Point& p, const std::vector<double>& log_ratio, size_t begin,
                     size_t end, bool with_gradient) const {
    Terms terms;
    for (size_t index = begin; index < end; ++index) {
      const DistinctHistory& history = histories_[index];
      const double x = history.x, n = history.count;
      const double log_age = std::log(p.alpha + history.age);
      const double alive_term = -(p.r + x) * log_age;
      double dropped_term = -std::numeric_limits<double>::infinity(), log_recency = 0;
      if (history.x > 0) {
        log_recency = std::log(p.alpha + history.recency);
        dropped_term = log_ratio[history.x] - (p.r + x) * log_recency;
      }
      const double total = LogAddExp(alive_term, dropped_term);
      terms.value += n * total;
      if (!with_gradient) continue;
      // Weights of the two terms of the sum inside the log.
      const double alive = std::exp(alive_term - total), dropped = 1 - alive;
      terms.d_r -= n * (alive * log_age + (history.x > 0 ? dropped * log_recency : 0));
      terms.d_alpha -= n * (p.r + x) *
                       (alive / (p.alpha + history.age) +
                        (history.x > 0 ? dropped / (p.alpha + history.recency) : 0));
      if (history.x > 0) {
        terms.d_a += n * dropped / p.a;
        terms.d_b -= n * dropped / (p.b + x - 1);
      }
    }
    return terms;
  }

  const std::vector<DistinctHistory>& histories_;
  int threads_;
  std::vector<double> count_by_x_;
  double customers_ = 0;
};

}  // namespace

std::vector<DistinctHistory> DistinctHistories(const CustomerHistories& histories,
                                               std::vector<int32_t>* customer_history) {
  const int customers = histories.size();
  std::vector<int32_t> order(customers);
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](int32_t customer) {
    return std::make_tuple(histories.repeat_purchases[customer], histories.recency_weeks[customer],
                           histories.age_weeks[customer]);
  };
  std::sort(order.begin(), order.end(),
            [&](int32_t left, int32_t right) { return key(left) < key(right); });
  std::vector<DistinctHistory> distinct;
  if (customer_history != nullptr) customer_history->assign(customers, -1);
  for (int position = 0; position < customers; ++position) {
    const int32_t customer = order[position];
    if (position == 0 || key(customer) != key(order[position - 1])) {
      distinct.push_back({histories.repeat_purchases[customer], histories.recency_weeks[customer],
                          histories.age_weeks[customer], 0});
    }
    ++distinct.back().count;
    if (customer_history != nullptr) {
      (*customer_history)[customer] = static_cast<int32_t>(distinct.size()) - 1;
    }
  }
  return distinct;
}

double BgNbdLogLikelihoodSum(const std::vector<DistinctHistory>& histories,
                             const double* log_parameters, double* gradient, int threads) {
  return BgNbdLikelihood(histories, threads).Evaluate(log_parameters, gradient);
}

BgNbdParameters FitBgNbd(const std::vector<DistinctHistory>& histories, int threads,
                         LikelihoodFit& fit) {
  // Start from a rate that matches the mean purchases per week and mild heterogeneity.
  double customers = 0, purchases = 0, weeks = 0;
  for (const DistinctHistory& history : histories) {
    customers += history.count;
    purchases += history.count * (history.x + 1.0);
    weeks += history.count * history.age;
  }
  const double rate = std::max(purchases / std::max(weeks, 1e-9), 1e-6);
  // Two starts, mild and strong dropout heterogeneity (mean dropout 1/3 and 1/11): on logs whose
  // supremum lies at a limit, the search from one start can end on a lower ridge (nobody drops
  // out) than from the other (one dropout probability for all). The better likelihood wins.
  const BgNbdLikelihood likelihood(histories, threads);
  std::vector<double> best;
  for (const auto& [a, b] : {std::pair{1.0, 2.0}, std::pair{10.0, 100.0}}) {
    std::vector<double> log_parameters = {0.0, std::log(1.0 / rate), std::log(a), std::log(b)};
    LikelihoodFit candidate = MaximizeLogLikelihood(likelihood, log_parameters);
    if (best.empty() || candidate.log_likelihood > fit.log_likelihood) {
      fit = std::move(candidate);
      best = log_parameters;
    }
  }
  return {std::exp(best[0]), std::exp(best[1]), std::exp(best[2]), std::exp(best[3])};
}

}  // namespace internal

double BgNbdLogLikelihood(const BgNbdParameters& parameters, int x, double t_x, double age) {
  const std::vector<internal::DistinctHistory> one = {{x, t_x, age, 1}};
  const double log_parameters[] = {std::log(parameters.r), std::log(parameters.alpha),
                                   std::log(parameters.a), std::log(parameters.b)};
  return internal::BgNbdLikelihood(one, 1).Evaluate(log_parameters, nullptr);
}

double ProbabilityAlive(const BgNbdParameters& parameters, int x, double t_x, double age) {
  if (x == 0) return 1.0;
  const auto& [r, alpha, a, b] = parameters;
  const double log_odds =
      std::log(a / (b + x - 1)) + (r + x) * std::log((alpha + age) / (alpha + t_x));
  return 1.0 / (1.0 + std::exp(log_odds));
}

namespace {

// Fader, Hardie & Lee (2005) eq. (10), for a != 1.
double ClosedFormExpectation(const BgNbdParameters& parameters, int x, double t_x, double age,
                             double t) {
  const auto& [r, alpha, a, b] = parameters;
  const double c = a + b + x - 1;
  const double z = t / (alpha + age + t);
  // In double precision throughout: Boost's default promotes to long double, which costs twice
  // the time for digits eq. (10) does not use (it is read only where it keeps them).
  using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
  const double hypergeometric =
      boost::math::hypergeometric_pFq({r + x, b + x}, {c}, z, static_cast<double*>(nullptr),
                                      DoublePolicy());
  const double factor = std::pow((alpha + age) / (alpha + age + t), r + x);
  return c / (a - 1) * (1 - factor * hypergeometric) * ProbabilityAlive(parameters, x, t_x, age);
}

// Eq. (10) needs 1 - factor x 2F1 of two nearly equal numbers times c / (a - 1), which loses every
// digit when the fit runs toward its limits (r, alpha or a, b very large: purchase rates or
// dropout probabilities alike across customers, as some logs have). There the same expectation is
// read as P(alive) E[(1 - e^(-lambda p t)) / p] over the posterior of an alive customer,
// lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x); the lambda part is closed,
// ((alpha + T) / (alpha + T + p t))^(r + x), and the p part a Gauss-Legendre sum over the Beta
// quantiles (a bounded, smooth integrand).
bool NeedsQuadrature(const BgNbdParameters& parameters, int x) {
  constexpr double kLarge = 200;
  return parameters.r + x > kLarge || parameters.a + parameters.b + x > kLarge ||
         std::fabs(parameters.a - 1) < 1e-3;
}

}  // namespace

namespace internal {

BgNbdExpectation::BgNbdExpectation(const BgNbdParameters& parameters) : parameters_(parameters) {}

const std::vector<double>& BgNbdExpectation::DropoutQuantiles(int x) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [entry, added] = quantiles_.try_emplace(x);
  if (added) {
    const auto& nodes = Quadrature::abscissa();
    for (double node : nodes) {
      for (double u : {0.5 + 0.5 * node, 0.5 - 0.5 * node}) {
        entry->second.push_back(boost::math::ibeta_inv(parameters_.a, parameters_.b + x, u));
        if (node == 0) break;
      }
    }
  }
  return entry->second;
}

double BgNbdExpectation::operator()(int x, double t_x, double age, double t) const {
  if (t <= 0) return 0.0;
  if (!NeedsQuadrature(parameters_, x)) return ClosedFormExpectation(parameters_, x, t_x, age, t);
  return ByQuadrature(x, t_x, age, t);
}

double BgNbdExpectation::ByQuadrature(int x, double t_x, double age, double t) const {
  const double shape = parameters_.r + x, scale = parameters_.alpha + age;
  // (1 - (1 + p t / scale)^-shape) / p, and its limit shape t / scale at p = 0.
  auto alive_purchases = [&](double p) {
    if (p <= 0) return shape * t / scale;
    return -std::expm1(-shape * std::log1p(p * t / scale)) / p;
  };
  const std::vector<double>& quantiles = DropoutQuantiles(x);
  const auto& nodes = Quadrature::abscissa();
  const auto& weights = Quadrature::weights();
  double sum = 0;
  size_t next = 0;
  for (size_t index = 0; index < nodes.size(); ++index) {
    const bool center = nodes[index] == 0;
    double value = alive_purchases(quantiles[next++]);
    if (!center) value += alive_purchases(quantiles[next++]);
    sum += weights[index] * value;
  }
  // Gauss-Legendre on [-1, 1] mapped to u in [0, 1]: half the weights.
  return 0.5 * sum * ProbabilityAlive(parameters_, x, t_x, age);
}

}  // namespace internal

double ExpectedPurchases(const BgNbdParameters& parameters, int x, double t_x, double age,
                         double t) {
  return internal::BgNbdExpectation(parameters)(x, t_x, age, t);
}

double ExpectedPurchasesByQuadrature(const BgNbdParameters& parameters, int x, double t_x,
                                     double age, double t) {
  if (t <= 0) return 0.0;
  return internal::BgNbdExpectation(parameters).ByQuadrature(x, t_x, age, t);
}

}  // namespace segcast
