// Customers simulated from known BG/NBD and Gamma-Gamma parameters, for recovery and expectation
// tests: the generative processes written out directly, independent of the fitting code.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "segcast/customer_base.h"
#include "segcast/transactions.h"

namespace segcast::testing {

struct SimulatedCustomer {
  int x = 0;             //!< repeat purchases in (0, T]
  double recency = 0;    //!< time of the last of them (0 when none)
  double age = 0;        //!< T
  int future = 0;        //!< purchases in (T, T + holdout]
  double mean_spend = 0; //!< mean of the repeat purchases' values (0 when x = 0)
};

//! One customer's purchase rate (per week), dropout probability and spend scale nu, drawn from
//! the models' mixing distributions in that order.
struct CustomerDraw {
  double rate, dropout, nu;
};
inline CustomerDraw DrawCustomer(const BgNbdParameters& purchases, const GammaGammaParameters& spend,
                                 std::mt19937_64& random) {
  const double rate = std::gamma_distribution<double>(purchases.r, 1 / purchases.alpha)(random);
  const double beta_x = std::gamma_distribution<double>(purchases.a, 1)(random);
  const double beta_y = std::gamma_distribution<double>(purchases.b, 1)(random);
  const double nu = std::gamma_distribution<double>(spend.q, 1 / spend.gamma)(random);
  return {rate, beta_x / (beta_x + beta_y), nu};
}

//! Each customer: first purchase at 0, rate ~ Gamma(r, scale 1/alpha), dropout probability
//! ~ Beta(a, b) applied after every repeat purchase; purchases counted over (0, age] and then
//! (age, age + holdout]. Spend: nu ~ Gamma(q, scale 1/gamma), each purchase ~ Gamma(p, scale 1/nu).
inline std::vector<SimulatedCustomer> SimulateCustomers(const BgNbdParameters& purchases,
                                                        const GammaGammaParameters& spend,
                                                        int customers, double age, double holdout,
                                                        uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<SimulatedCustomer> result(customers);
  for (SimulatedCustomer& customer : result) {
    const auto [rate, dropout, nu] = DrawCustomer(purchases, spend, random);
    std::gamma_distribution<double> value(spend.p, 1 / nu);
    std::exponential_distribution<double> wait(rate);
    std::uniform_real_distribution<double> uniform(0, 1);
    customer.age = age;
    double time = 0, spend_sum = 0;
    while (true) {
      time += wait(random);
      if (time > age + holdout) break;
      if (time <= age) {
        ++customer.x;
        customer.recency = time;
        spend_sum += value(random);
      } else {
        ++customer.future;
      }
      if (uniform(random) < dropout) break;
    }
    customer.mean_spend = customer.x > 0 ? spend_sum / customer.x : 0;
  }
  return result;
}

//! The simulated customers as CustomerHistories (as_of and days unused by the fits).
inline CustomerHistories ToHistories(const std::vector<SimulatedCustomer>& customers) {
  CustomerHistories histories;
  for (size_t index = 0; index < customers.size(); ++index) {
    const SimulatedCustomer& customer = customers[index];
    histories.customer_index.push_back(static_cast<int32_t>(index));
    histories.repeat_purchases.push_back(customer.x);
    histories.recency_weeks.push_back(customer.recency);
    histories.age_weeks.push_back(customer.age);
    histories.mean_repeat_spend.push_back(customer.mean_spend);
    histories.first_purchase_spend.push_back(customer.mean_spend);
    histories.first_day.push_back(0);
    histories.revenue.push_back(customer.mean_spend * (customer.x + 1));
  }
  return histories;
}

}  // namespace segcast::testing

namespace segcast::testing {

//! A transaction log simulated from the two models: customers acquired on uniform days of the
//! first `acquisition_days`, then buying and dropping out as BG/NBD says (time in weeks, one row
//! per purchase, days rounded down) until `end_day`; spend per purchase as Gamma-Gamma says.
//! Days count from `first_day`.
inline Transactions SimulateLog(const BgNbdParameters& purchases, const GammaGammaParameters& spend,
                                int customers, Day first_day, int acquisition_days, Day end_day,
                                uint64_t seed) {
  std::mt19937_64 random(seed);
  Transactions log;
  std::uniform_int_distribution<int> acquired(0, acquisition_days - 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (int customer = 0; customer < customers; ++customer) {
    log.customer_ids.push_back(std::to_string(100000 + customer));
    const auto [rate, dropout, nu] = DrawCustomer(purchases, spend, random);
    std::gamma_distribution<double> value(spend.p, 1 / nu);
    std::exponential_distribution<double> wait(rate);
    double day = first_day + acquired(random) + 0.5;
    bool first = true;
    while (day < end_day) {
      log.customer.push_back(customer);
      log.invoice.push_back(static_cast<int32_t>(log.invoice_ids.size()));
      log.invoice_ids.push_back(std::to_string(log.invoice_ids.size()));
      log.day.push_back(static_cast<Day>(day));
      log.quantity.push_back(1);
      const double amount = value(random);
      log.price.push_back(amount);
      log.revenue.push_back(amount);
      log.country.push_back(-1);
      log.line.push_back(static_cast<int64_t>(log.day.size()) + 1);
      if (!first && uniform(random) < dropout) break;
      first = false;
      day += 7 * wait(random);
    }
  }
  return log;
}

}  // namespace segcast::testing
