// FitCustomerBase and PredictCustomers: the two models fitted, then read customer by customer.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "internal/parallel.h"
#include "predict/customer_base_internal.h"
#include "segcast/customer_base.h"
#include "segcast/error.h"

namespace segcast {
namespace {

double Correlation(const std::vector<int>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  if (n < 2) return 0;
  const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double mean_y = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double xy = 0, xx = 0, yy = 0;
  for (size_t index = 0; index < x.size(); ++index) {
    xy += (x[index] - mean_x) * (y[index] - mean_y);
    xx += (x[index] - mean_x) * (x[index] - mean_x);
    yy += (y[index] - mean_y) * (y[index] - mean_y);
  }
  return xx > 0 && yy > 0 ? xy / std::sqrt(xx * yy) : 0;
}

// The spend per purchase a customer is expected to make: Gamma-Gamma where it is defined, else
// the customer's own mean purchase value.
double SpendPerPurchase(const CustomerBaseFit& fit, const CustomerHistories& histories,
                        int customer) {
  const int x = histories.repeat_purchases[customer];
  if (fit.repeat_customers >= 2 && fit.message.empty()) {
    const double spend = ExpectedSpend(fit.gamma_gamma, x, histories.mean_repeat_spend[customer]);
    if (std::isfinite(spend) && spend > 0) return spend;
  }
  return histories.revenue[customer] / (x + 1);
}

}  // namespace

void CustomerBaseOptions::Validate() const {
  if (horizon < 1 || horizon > 120) {
    throw InvalidArgument("horizon must be 1 .. 120 months, got " + std::to_string(horizon),
                          {.field = "horizon", .expected = "1 .. 120"});
  }
  if (clv_months < 1 || clv_months > 240) {
    throw InvalidArgument("clv_months must be 1 .. 240, got " + std::to_string(clv_months),
                          {.field = "clv_months", .expected = "1 .. 240"});
  }
  if (!(monthly_discount >= 0 && monthly_discount <= 1)) {
    throw InvalidArgument("monthly_discount must be 0 .. 1", {.field = "monthly_discount",
                                                              .expected = "0 .. 1"});
  }
}

CustomerBaseFit FitCustomerBase(const CustomerHistories& histories,
                                const CustomerBaseOptions& options) {
  options.Validate();
  if (histories.size() < 2) {
    throw InputError("the customer-base model needs at least 2 customers, got " +
                     std::to_string(histories.size()));
  }
  CustomerBaseFit fit;
  const std::vector<internal::DistinctHistory> distinct =
      internal::DistinctHistories(histories, nullptr);
  fit.bgnbd = internal::FitBgNbd(distinct, options.threads, fit.bgnbd_fit);

  const internal::RepeatSpend repeat_spend = internal::RepeatCustomersSpend(histories);
  const std::vector<int>& repeats = repeat_spend.repeats;
  const std::vector<double>& spend = repeat_spend.mean_spend;
  fit.repeat_customers = static_cast<int>(repeats.size());
  fit.frequency_spend_correlation = Correlation(repeats, spend);
  if (fit.repeat_customers >= 2) {
    fit.gamma_gamma = internal::FitGammaGamma(repeats, spend, options.threads, fit.gamma_gamma_fit);
    if (!(fit.gamma_gamma.q > 1)) {
      fit.message = "the Gamma-Gamma fit has q <= 1 (an infinite mean spend): spend per purchase is "
                    "each customer's own mean";
    }
  } else {
    fit.message = "fewer than 2 repeat customers: spend per purchase is each customer's own mean";
  }
  return fit;
}

CustomerPredictions PredictCustomers(const CustomerHistories& histories, const CustomerBaseFit& fit,
                                     const CustomerBaseOptions& options) {
  options.Validate();
  const int horizon = options.horizon;
  const int months = std::max(horizon, options.clv_months);
  const std::vector<double> month_end = MonthEndWeeks(histories.as_of, months);

  // Cumulative expected purchases at each month end, once per distinct history.
  std::vector<int32_t> customer_history;
  const std::vector<internal::DistinctHistory> distinct =
      internal::DistinctHistories(histories, &customer_history);
  std::vector<double> cumulative(distinct.size() * months), alive(distinct.size());
  const internal::BgNbdExpectation expected(fit.bgnbd);
  internal::ExceptionCapture capture;
#pragma omp parallel for schedule(dynamic, 64) num_threads(internal::ResolveThreads(options.threads))
  for (int64_t index = 0; index < static_cast<int64_t>(distinct.size()); ++index) {
    capture.Run([&] {
      const internal::DistinctHistory& history = distinct[index];
      alive[index] = ProbabilityAlive(fit.bgnbd, history.x, history.recency, history.age);
      for (int month = 0; month < months; ++month) {
        cumulative[index * months + month] =
            expected(history.x, history.recency, history.age, month_end[month]);
      }
    });
  }
  capture.Rethrow();

  CustomerPredictions predictions;
  predictions.as_of = histories.as_of;
  predictions.first_month = MonthOfDay(histories.as_of);
  predictions.horizon = horizon;
  const int customers = histories.size();
  predictions.p_alive.resize(customers);
  predictions.expected_purchases.resize(customers);
  predictions.expected_spend.resize(customers);
  predictions.expected_revenue.resize(customers);
  predictions.clv.resize(customers);
  predictions.monthly_purchases.resize(static_cast<size_t>(customers) * horizon);
  for (int customer = 0; customer < customers; ++customer) {
    const int history = customer_history[customer];
    const double* path = cumulative.data() + static_cast<size_t>(history) * months;
    const double spend = SpendPerPurchase(fit, histories, customer);
    double clv = 0, previous = 0, discount = 1;
    for (int month = 0; month < months; ++month) {
      const double purchases = path[month] - previous;
      previous = path[month];
      discount /= 1 + options.monthly_discount;
      if (month < options.clv_months) clv += purchases * spend * discount;
      if (month < horizon) {
        predictions.monthly_purchases[static_cast<size_t>(customer) * horizon + month] = purchases;
      }
    }
    predictions.p_alive[customer] = alive[history];
    predictions.expected_purchases[customer] = path[horizon - 1];
    predictions.expected_spend[customer] = spend;
    predictions.expected_revenue[customer] = path[horizon - 1] * spend;
    predictions.clv[customer] = clv;
  }
  return predictions;
}

}  // namespace segcast
