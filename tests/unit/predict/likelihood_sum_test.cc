// The fitted likelihoods sum distinct (x, t_x, T) histories weighted by their counts (BG/NBD) and
// group the terms that depend on x alone (both models): the same value and gradient as the
// customer-by-customer sums they replace, and the same value as the papers' formulas summed
// customer by customer.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "predict/customer_base_internal.h"
#include "segcast/customer_base.h"

using namespace segcast;
using namespace segcast::internal;

namespace {

// Twelve customers, several sharing a history, two with no repeat purchase.
CustomerHistories HandMadeHistories() {
  CustomerHistories histories;
  const struct {
    int x;
    double t_x, age, spend;
  } rows[] = {{0, 0, 40, 0},      {2, 30.5, 52, 18.5}, {2, 30.5, 52, 22},  {5, 48, 52, 9.75},
              {0, 0, 40, 0},      {2, 30.5, 52, 40},   {1, 3, 10.5, 60},   {5, 48, 52, 12},
              {12, 51, 52, 33.3}, {1, 3, 10.5, 61},    {1, 7, 10.5, 5.5},  {2, 30.5, 52, 18.5}};
  for (const auto& row : rows) {
    histories.customer_index.push_back(static_cast<int32_t>(histories.customer_index.size()));
    histories.repeat_purchases.push_back(row.x);
    histories.recency_weeks.push_back(row.t_x);
    histories.age_weeks.push_back(row.age);
    histories.mean_repeat_spend.push_back(row.spend);
  }
  return histories;
}

// Value and gradient summed customer by customer, each a likelihood of one.
template <typename OneCustomer>
double SumOverCustomers(int customers, int parameters, const double* at, double* gradient,
                        OneCustomer one) {
  double value = 0;
  std::vector<double> own(parameters);
  for (int index = 0; index < parameters; ++index) gradient[index] = 0;
  for (int customer = 0; customer < customers; ++customer) {
    value += one(customer, at, own.data());
    for (int index = 0; index < parameters; ++index) gradient[index] += own[index];
  }
  return value;
}

// Fader, Hardie & Lee (2005) eq. 6 and the Gamma-Gamma density of a mean of x spends (Fader &
// Hardie 2013), written term by term for one customer, without any grouping.
double DirectBgNbd(const double* at, int x, double t_x, double age) {
  const double r = std::exp(at[0]), alpha = std::exp(at[1]), a = std::exp(at[2]),
               b = std::exp(at[3]);
  const double beta_ratio = std::exp(std::lgamma(a + b) + std::lgamma(b + x) - std::lgamma(b) -
                                     std::lgamma(a + b + x));
  const double gamma_ratio = std::exp(std::lgamma(r + x) - std::lgamma(r)) * std::pow(alpha, r);
  double inner = std::pow(alpha + age, -(r + x));
  if (x > 0) inner += a / (b + x - 1) * std::pow(alpha + t_x, -(r + x));
  return std::log(beta_ratio * gamma_ratio * inner);
}

double DirectGammaGamma(const double* at, int x, double m) {
  const double p = std::exp(at[0]), q = std::exp(at[1]), gamma = std::exp(at[2]);
  return std::lgamma(p * x + q) - std::lgamma(p * x) - std::lgamma(q) + q * std::log(gamma) +
         p * x * std::log(x) + (p * x - 1) * std::log(m) - (p * x + q) * std::log(gamma + x * m);
}

}  // namespace

TEST_CASE("BG/NBD: the likelihood over distinct histories equals the sum over customers",
          "[predict]") {
  const CustomerHistories histories = HandMadeHistories();
  const std::vector<DistinctHistory> distinct = DistinctHistories(histories, nullptr);
  REQUIRE(distinct.size() < static_cast<size_t>(histories.size()));  // some are shared
  auto one = [&](int customer, const double* at, double* gradient) {
    const std::vector<DistinctHistory> single = {{histories.repeat_purchases[customer],
                                                  histories.recency_weeks[customer],
                                                  histories.age_weeks[customer], 1}};
    return BgNbdLogLikelihoodSum(single, at, gradient, 1);
  };
  for (const std::vector<double>& at : {std::vector<double>{std::log(0.24), std::log(4.4),
                                                            std::log(0.79), std::log(2.43)},
                                        std::vector<double>{0.7, -1.2, 1.5, 2.0}}) {
    double compressed_gradient[4], direct_gradient[4];
    const double compressed = BgNbdLogLikelihoodSum(distinct, at.data(), compressed_gradient, 2);
    const double direct = SumOverCustomers(histories.size(), 4, at.data(), direct_gradient, one);
    CHECK(compressed == Approx(direct).epsilon(1e-12));
    double formula = 0;
    for (int customer = 0; customer < histories.size(); ++customer) {
      formula += DirectBgNbd(at.data(), histories.repeat_purchases[customer],
                             histories.recency_weeks[customer], histories.age_weeks[customer]);
    }
    CHECK(compressed == Approx(formula).epsilon(1e-10));
    for (int index = 0; index < 4; ++index) {
      CHECK(compressed_gradient[index] == Approx(direct_gradient[index]).epsilon(1e-12));
      // And the gradient is the value's: central differences of the customer-by-customer sum.
      std::vector<double> up = at, down = at, ignored(4);
      up[index] += 1e-6;
      down[index] -= 1e-6;
      const double slope = (SumOverCustomers(histories.size(), 4, up.data(), ignored.data(), one) -
                            SumOverCustomers(histories.size(), 4, down.data(), ignored.data(), one)) /
                           2e-6;
      CHECK(compressed_gradient[index] == Approx(slope).epsilon(1e-6).margin(1e-7));
    }
  }
}

TEST_CASE("Gamma-Gamma: terms grouped by x equal the sum over customers", "[predict]") {
  const CustomerHistories histories = HandMadeHistories();
  const RepeatSpend repeat_spend = RepeatCustomersSpend(histories);
  const std::vector<int>& repeats = repeat_spend.repeats;
  const std::vector<double>& spend = repeat_spend.mean_spend;
  auto one = [&](int customer, const double* at, double* gradient) {
    return GammaGammaLogLikelihoodSum({repeats[customer]}, {spend[customer]}, at, gradient, 1);
  };
  const int customers = static_cast<int>(repeats.size());
  for (const std::vector<double>& at :
       {std::vector<double>{std::log(6.25), std::log(3.74), std::log(15.44)},
        std::vector<double>{-0.5, 2.2, 1.0}}) {
    double grouped_gradient[3], direct_gradient[3];
    const double grouped = GammaGammaLogLikelihoodSum(repeats, spend, at.data(), grouped_gradient, 2);
    const double direct = SumOverCustomers(customers, 3, at.data(), direct_gradient, one);
    CHECK(grouped == Approx(direct).epsilon(1e-12));
    double formula = 0;
    for (int customer = 0; customer < customers; ++customer) {
      formula += DirectGammaGamma(at.data(), repeats[customer], spend[customer]);
    }
    CHECK(grouped == Approx(formula).epsilon(1e-10));
    for (int index = 0; index < 3; ++index) {
      CHECK(grouped_gradient[index] == Approx(direct_gradient[index]).epsilon(1e-12));
      std::vector<double> up = at, down = at, ignored(3);
      up[index] += 1e-6;
      down[index] -= 1e-6;
      const double slope = (SumOverCustomers(customers, 3, up.data(), ignored.data(), one) -
                            SumOverCustomers(customers, 3, down.data(), ignored.data(), one)) /
                           2e-6;
      CHECK(grouped_gradient[index] == Approx(slope).epsilon(1e-6).margin(1e-7));
    }
  }
}
