// The customer-base model: likelihoods against direct formulas, parameter recovery on simulated
// customers, conditional expectations against what the simulated customers then did.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "segcast/customer_base.h"
#include "segcast/error.h"
#include "unit/predict/customer_base_simulation.h"

using namespace segcast;

namespace {

// Fader, Hardie & Lee (2005) eq. 6 written term by term, without log-sum-exp.
double DirectBgNbdLikelihood(const BgNbdParameters& p, int x, double t_x, double age) {
  const double beta_ratio = std::exp(std::lgamma(p.a + p.b) + std::lgamma(p.b + x) -
                                     std::lgamma(p.b) - std::lgamma(p.a + p.b + x));
  const double gamma_ratio = std::exp(std::lgamma(p.r + x) - std::lgamma(p.r)) * std::pow(p.alpha, p.r);
  double inner = std::pow(p.alpha + age, -(p.r + x));
  if (x > 0) inner += p.a / (p.b + x - 1) * std::pow(p.alpha + t_x, -(p.r + x));
  return std::log(beta_ratio * gamma_ratio * inner);
}

Transactions SmallLog() {
  // Customer 0 buys on days 100 (two invoices), 107 and 121; customer 1 once on day 110;
  // customer 2 only after the as-of date 128.
  Transactions table;
  table.customer_ids = {"a", "b", "c"};
  table.customer = {0, 0, 0, 1, 0, 2};
  table.day = {100, 100, 107, 110, 121, 130};
  table.revenue = {10, 5, 20, 8, 40, 99};
  return table;
}

}  // namespace

TEST_CASE("customer histories: purchase days, recency and age in weeks", "[predict]") {
  const CustomerHistories histories = SummarizeCustomers(SmallLog(), 128);
  REQUIRE(histories.size() == 2);
  CHECK(histories.customer_index == std::vector<int32_t>{0, 1});
  CHECK(histories.repeat_purchases == std::vector<int32_t>{2, 0});
  CHECK(histories.recency_weeks[0] == Approx(3.0));        // day 121 - day 100
  CHECK(histories.age_weeks[0] == Approx(4.0));            // 128 - 100
  CHECK(histories.age_weeks[1] == Approx(18.0 / 7));
  CHECK(histories.first_purchase_spend[0] == 15);          // both invoices of day 100
  CHECK(histories.mean_repeat_spend[0] == Approx(30.0));   // (20 + 40) / 2
  CHECK(histories.mean_repeat_spend[1] == 0);
  CHECK(histories.revenue[0] == 75);
  CHECK_THROWS_AS(SummarizeCustomers(SmallLog(), 50), InvalidArgument);
}

TEST_CASE("month ends: a partial first month, then whole months", "[predict]") {
  const Day as_of = DayFromCivil(2011, 12, 10);
  const std::vector<double> weeks = MonthEndWeeks(as_of, 3);
  CHECK(weeks[0] == Approx(22.0 / 7));         // Dec 10 .. Jan 1
  CHECK(weeks[1] == Approx((22.0 + 31) / 7));  // .. Feb 1
  CHECK(weeks[2] == Approx((22.0 + 31 + 29) / 7));  // 2012 is a leap year
}

TEST_CASE("BG/NBD and Gamma-Gamma log-likelihoods match the papers' formulas", "[predict]") {
  // A hand-checkable case: r = alpha = a = b = 1, x = 0, T = 1 gives log(1 / 2).
  CHECK(BgNbdLogLikelihood({1, 1, 1, 1}, 0, 0, 1) == Approx(std::log(0.5)).epsilon(1e-12));
  const BgNbdParameters p{0.24, 4.4, 0.79, 2.43};
  for (auto [x, t_x, age] : {std::tuple{0, 0.0, 38.0}, {2, 30.4, 38.9}, {7, 10.0, 70.0},
                             {1, 0.5, 0.6}}) {
    CHECK(BgNbdLogLikelihood(p, x, t_x, age) ==
          Approx(DirectBgNbdLikelihood(p, x, t_x, age)).epsilon(1e-10));
  }
  // Gamma-Gamma with x = 1: the density of one Gamma(p, nu) draw mixed over nu ~ Gamma(q, gamma).
  const GammaGammaParameters g{6.25, 3.74, 15.44};
  const double m = 35, direct = std::lgamma(g.p + g.q) - std::lgamma(g.p) - std::lgamma(g.q) +
                               g.q * std::log(g.gamma) + (g.p - 1) * std::log(m) -
                               (g.p + g.q) * std::log(g.gamma + m);
  CHECK(GammaGammaLogLikelihood(g, 1, m) == Approx(direct).epsilon(1e-12));
  CHECK(g.MeanSpend() == Approx(6.25 * 15.44 / 2.74));
}

TEST_CASE("P(alive) and expected purchases: limits that follow from the model", "[predict]") {
  const BgNbdParameters p{0.5, 8, 0.8, 2.5};
  CHECK(ProbabilityAlive(p, 0, 0, 40) == 1.0);
  // The longer since the last purchase, the less likely alive.
  CHECK(ProbabilityAlive(p, 3, 30, 40) > ProbabilityAlive(p, 3, 10, 40));
  CHECK(ExpectedPurchases(p, 3, 30, 40, 0) == 0);
  // Cumulative expectations grow with t.
  CHECK(ExpectedPurchases(p, 3, 30, 40, 26) > ExpectedPurchases(p, 3, 30, 40, 13));
  // A new customer (x = t_x = T = 0): E[X(t)] for small t is about the mean rate r / alpha times t.
  CHECK(ExpectedPurchases(p, 0, 0, 0, 0.01) == Approx(0.5 / 8 * 0.01).epsilon(1e-3));
  // a = 1 is a removable singularity of eq. (10).
  CHECK(ExpectedPurchases({0.5, 8, 1.0, 2.5}, 2, 5, 20, 10) ==
        Approx(ExpectedPurchases({0.5, 8, 1.0 + 1e-4, 2.5}, 2, 5, 20, 10)).epsilon(1e-3));
}

TEST_CASE("parameters are recovered from 20,000 simulated customers", "[predict]") {
  const BgNbdParameters truth{0.8, 6.0, 0.6, 2.2};
  const GammaGammaParameters spend{4.0, 5.0, 60.0};
  const auto customers = testing::SimulateCustomers(truth, spend, 20000, 52, 26, 7);
  const CustomerHistories histories = testing::ToHistories(customers);
  const CustomerBaseFit fit = FitCustomerBase(histories, {});
  REQUIRE(fit.bgnbd_fit.converged);
  REQUIRE(fit.gamma_gamma_fit.converged);
  const double fitted[] = {fit.bgnbd.r, fit.bgnbd.alpha, fit.bgnbd.a, fit.bgnbd.b};
  const double expected[] = {truth.r, truth.alpha, truth.a, truth.b};
  for (int index = 0; index < 4; ++index) {
    INFO("BG/NBD parameter " << index << ": " << fitted[index] << " +- "
                             << fit.bgnbd_fit.standard_errors[index]);
    CHECK(std::fabs(fitted[index] - expected[index]) < 2 * fit.bgnbd_fit.standard_errors[index]);
  }
  const double fitted_spend[] = {fit.gamma_gamma.p, fit.gamma_gamma.q, fit.gamma_gamma.gamma};
  const double expected_spend[] = {spend.p, spend.q, spend.gamma};
  for (int index = 0; index < 3; ++index) {
    INFO("Gamma-Gamma parameter " << index << ": " << fitted_spend[index] << " +- "
                                  << fit.gamma_gamma_fit.standard_errors[index]);
    CHECK(std::fabs(fitted_spend[index] - expected_spend[index]) <
          2 * fit.gamma_gamma_fit.standard_errors[index]);
  }
  // The likelihood is summed in fixed blocks: the same fit on one thread as on two.
  CustomerBaseOptions one_thread;
  one_thread.threads = 1;
  CustomerBaseOptions two_threads;
  two_threads.threads = 2;
  const CustomerBaseFit single = FitCustomerBase(histories, one_thread);
  const CustomerBaseFit dual = FitCustomerBase(histories, two_threads);
  CHECK(single.bgnbd.r == dual.bgnbd.r);
  CHECK(single.bgnbd.b == dual.bgnbd.b);
  CHECK(single.gamma_gamma.gamma == dual.gamma_gamma.gamma);
  CHECK(single.bgnbd_fit.log_likelihood == dual.bgnbd_fit.log_likelihood);
  // The fitted optimum beats the truth's likelihood on the same data (it is a maximum).
  double at_truth = 0;
  for (int customer = 0; customer < histories.size(); ++customer) {
    at_truth += BgNbdLogLikelihood(truth, histories.repeat_purchases[customer],
                                   histories.recency_weeks[customer], histories.age_weeks[customer]);
  }
  CHECK(fit.bgnbd_fit.log_likelihood >= at_truth);
}

TEST_CASE("conditional expectations match what simulated customers did next", "[predict]") {
  const BgNbdParameters truth{0.8, 6.0, 0.6, 2.2};
  const auto customers = testing::SimulateCustomers(truth, {4, 5, 60}, 40000, 52, 26, 11);
  // Grouped by repeat purchases in the calibration period, the expected holdout purchases sum to
  // the simulated ones within four Monte Carlo standard errors (Poisson-like counts).
  for (int group : {0, 1, 3}) {
    double expected = 0, actual = 0, variance = 0;
    for (const auto& customer : customers) {
      if ((group < 3 && customer.x != group) || (group == 3 && customer.x < 3)) continue;
      expected += ExpectedPurchases(truth, customer.x, customer.recency, customer.age, 26);
      actual += customer.future;
      variance += customer.future * customer.future;
    }
    INFO("x group " << group << ": expected " << expected << ", simulated " << actual);
    CHECK(std::fabs(expected - actual) < 4 * std::sqrt(variance));
  }
}

TEST_CASE("predictions: monthly sums, CLV discounting and thread counts", "[predict]") {
  const BgNbdParameters truth{0.8, 6.0, 0.6, 2.2};
  auto histories = testing::ToHistories(testing::SimulateCustomers(truth, {4, 5, 60}, 3000, 40, 0, 3));
  histories.as_of = DayFromCivil(2011, 7, 1);
  const CustomerBaseFit fit = FitCustomerBase(histories, {});
  CustomerBaseOptions options;
  options.horizon = 6;
  options.clv_months = 6;
  options.monthly_discount = 0;
  options.threads = 1;
  const CustomerPredictions one = PredictCustomers(histories, fit, options);
  options.threads = 2;
  const CustomerPredictions two = PredictCustomers(histories, fit, options);
  CHECK(one.expected_revenue == two.expected_revenue);
  CHECK(one.first_month == MakeMonth(2011, 7));
  const double weeks = (DayFromCivil(2012, 1, 1) - histories.as_of) / 7.0;
  for (int customer : {0, 17, 2999}) {
    double months = 0;
    for (int month = 0; month < 6; ++month) months += one.monthly_purchases[customer * 6 + month];
    const double direct = ExpectedPurchases(fit.bgnbd, histories.repeat_purchases[customer],
                                            histories.recency_weeks[customer],
                                            histories.age_weeks[customer], weeks);
    CHECK(months == Approx(direct).epsilon(1e-9));
    CHECK(one.expected_purchases[customer] == Approx(direct).epsilon(1e-9));
    // Without discounting, CLV over the horizon is the expected revenue.
    CHECK(one.clv[customer] == Approx(one.expected_revenue[customer]).epsilon(1e-9));
    CHECK(one.p_alive[customer] > 0);
    CHECK(one.p_alive[customer] <= 1);
  }
}

TEST_CASE("eq. (10) and the quadrature over the dropout probability agree", "[predict]") {
  // Two independent routes to E[Y(t) | x, t_x, T]: the 2F1 closed form and P(alive) times the
  // posterior mean of (1 - e^(-lambda p t)) / p. The 40-node quadrature over Beta quantiles is
  // good to about 5e-6 relative where the dropout posterior has a steep end (b + x >> 1).
  for (const BgNbdParameters& p : {BgNbdParameters{0.24, 4.4, 0.79, 2.43}, BgNbdParameters{0.8, 9, 1.7, 6},
                                   BgNbdParameters{20, 150, 30, 100}}) {
    for (auto [x, t_x, age, t] : {std::tuple{0, 0.0, 30.0, 4.0}, {3, 20.0, 30.0, 26.0},
                                  {10, 50.0, 52.0, 13.0}, {1, 1.0, 40.0, 52.0}}) {
      INFO("r " << p.r << " a " << p.a << " x " << x << " t " << t);
      CHECK(ExpectedPurchasesByQuadrature(p, x, t_x, age, t) ==
            Approx(ExpectedPurchases(p, x, t_x, age, t)).epsilon(1e-5));
    }
  }
  // Near the limits some logs drive the fit to (one purchase rate for all, no dropout), the
  // expectation stays the Poisson one: rate r / alpha times t for an alive customer.
  const BgNbdParameters limit{1e7, 1e8, 1e-7, 5};
  CHECK(ExpectedPurchases(limit, 4, 30, 31, 10) == Approx(0.1 * 10).epsilon(1e-4));
}
