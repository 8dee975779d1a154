// The customer-base model: who is still active, how often they will buy and how much they spend.
//
// Two models fitted by maximum likelihood on each customer's purchase history up to an as-of date:
//   - BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way: an alternative to
//     the Pareto/NBD model", Marketing Science 24(2)): while active a customer buys as a Poisson
//     process with rate lambda ~ Gamma(r, alpha); after each purchase it drops out with
//     probability p ~ Beta(a, b). From (x, t_x, T) it gives P(alive) and the expected number of
//     purchases in any later period (with the Gaussian hypergeometric 2F1 of Boost.Math).
//   - Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for customer
//     base analysis", J. Marketing Research 42(4); Fader & Hardie 2013, "The Gamma-Gamma model of
//     monetary value"): the value of a purchase ~ Gamma(p, nu), nu ~ Gamma(q, gamma) per customer,
//     fitted on repeat customers' mean repeat spend; it gives each customer's expected spend per
//     purchase, shrunk toward the population mean by how many purchases it has.
// Both likelihoods are maximised over log-parameters with Ceres' line-search minimiser (BFGS) and
// analytic gradients; the standard errors come from the inverse Hessian at the optimum.
//
// A purchase is a distinct purchase day of a customer (several invoices on one day are one
// shopping trip: the Poisson purchase process of BG/NBD counts trips, and invoices split by a
// till or a warehouse would otherwise look like bursts of repeat buying). Time is in weeks.
//
//   segcast::CustomerHistories histories = segcast::SummarizeCustomers(transactions, as_of);
//   segcast::CustomerBaseFit fit = segcast::FitCustomerBase(histories, {});
//   segcast::CustomerPredictions predictions =
//       segcast::PredictCustomers(histories, fit, {.horizon = 6});
//   // predictions.p_alive[i], predictions.expected_revenue[i], predictions.clv[i], ...
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/transactions.h"

namespace segcast {

//! Each customer's purchase history up to an as-of date, as the models read it. Columnar; one
//! entry per customer with at least one purchase day before as_of, in Transactions order.
struct CustomerHistories {
  Day as_of = 0;                       //!< exclusive end of the history
  std::vector<int32_t> customer_index; //!< index into Transactions::customer_ids
  std::vector<int32_t> repeat_purchases; //!< x: distinct purchase days minus 1
  std::vector<double> recency_weeks;   //!< t_x: last minus first purchase day, in weeks
  std::vector<double> age_weeks;       //!< T: as_of minus first purchase day, in weeks (> 0)
  //! Mean value of the repeat purchase days (first day excluded); 0 when x = 0.
  std::vector<double> mean_repeat_spend;
  std::vector<double> first_purchase_spend;  //!< value of the first purchase day
  std::vector<Day> first_day;          //!< first purchase day
  std::vector<double> revenue;         //!< all revenue before as_of

  int size() const { return static_cast<int>(customer_index.size()); }
};

//! Purchase histories of every customer with a purchase before `as_of` (rows on or after as_of
//! are ignored). Throws InvalidArgument when as_of precedes every row.
CustomerHistories SummarizeCustomers(const Transactions& transactions, Day as_of);

//! BG/NBD parameters (time in weeks).
struct BgNbdParameters {
  double r = 1, alpha = 1, a = 1, b = 1;
};

//! Gamma-Gamma parameters (spend in the log's currency).
struct GammaGammaParameters {
  double p = 1, q = 2, gamma = 1;
  //! Population mean spend per purchase, p gamma / (q - 1); infinite when q <= 1.
  double MeanSpend() const;
};

//! How one likelihood maximisation ended.
struct LikelihoodFit {
  double log_likelihood = 0;  //!< at the optimum, summed over the customers fitted
  int customers = 0;          //!< customers whose histories entered the likelihood
  int iterations = 0;         //!< Ceres line-search iterations
  bool converged = false;     //!< Ceres reported CONVERGENCE
  //! The likelihood rose toward a limit of the parameter space (a parameter past e^17 or below
  //! e^-17: e.g. one purchase rate for every customer, nobody drops out, one spend rate), where
  //! the search stops; predictions are those of the limit, standard errors are NaN.
  bool at_limit = false;
  //! Standard errors of the parameters (same order as the struct's fields), from the inverse of
  //! the observed information in log-parameters mapped by the delta method; NaN when singular.
  std::vector<double> standard_errors;
  //! Covariance of the log-parameters (row-major n x n); what the interval simulation draws from.
  std::vector<double> log_covariance;
};

struct CustomerBaseOptions {
  //! Months after the as-of date whose purchases and revenue are predicted; 1 .. 120.
  int horizon = 6;
  //! Months of the customer lifetime value; 1 .. 240.
  int clv_months = 12;
  //! Monthly discount rate of the lifetime value: month m counts 1 / (1 + rate)^m; 0 .. 1.
  double monthly_discount = 0.01;
  //! Threads for the per-customer predictions; 0 = all cores. Results do not depend on it.
  int threads = 0;
  //! Throws InvalidArgument naming the field.
  void Validate() const;
};

struct CustomerBaseFit {
  BgNbdParameters bgnbd;
  LikelihoodFit bgnbd_fit;
  GammaGammaParameters gamma_gamma;
  LikelihoodFit gamma_gamma_fit;
  //! Pearson correlation of x and mean repeat spend over repeat customers; Gamma-Gamma assumes
  //! spend independent of frequency, so a large value is reported as a caveat.
  double frequency_spend_correlation = 0;
  //! Customers with x >= 1 (those the Gamma-Gamma fit sees).
  int repeat_customers = 0;
  //! Why a model could not be fitted as usual, "" when fine (e.g. no repeat customers: the spend
  //! model then uses each customer's mean first-purchase value).
  std::string message;
};

//! Fits BG/NBD on every history and Gamma-Gamma on the repeat customers. Throws InputError when
//! there are fewer than 2 customers.
CustomerBaseFit FitCustomerBase(const CustomerHistories& histories, const CustomerBaseOptions& options);

//! One customer's BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6).
double BgNbdLogLikelihood(const BgNbdParameters& parameters, int x, double t_x, double age);
//! Gamma-Gamma log-likelihood of one repeat customer (x >= 1, mean repeat spend m > 0).
double GammaGammaLogLikelihood(const GammaGammaParameters& parameters, int x, double mean_spend);
//! P(alive | x, t_x, T).
double ProbabilityAlive(const BgNbdParameters& parameters, int x, double t_x, double age);
//! E[purchases in (T, T + t] | x, t_x, T] (Fader, Hardie & Lee 2005, eq. 10); t in weeks >= 0.
double ExpectedPurchases(const BgNbdParameters& parameters, int x, double t_x, double age, double t);
//! The same expectation by quadrature over the posterior dropout probability of an alive customer
//! (what ExpectedPurchases uses where eq. (10) loses its digits); for checks.
double ExpectedPurchasesByQuadrature(const BgNbdParameters& parameters, int x, double t_x,
                                     double age, double t);
//! E[spend per purchase | x, mean repeat spend]; the population mean when x = 0.
double ExpectedSpend(const GammaGammaParameters& parameters, int x, double mean_spend);

//! Per-customer predictions, in CustomerHistories order.
struct CustomerPredictions {
  Day as_of = 0;
  //! Calendar month of horizon month 0: the month containing as_of (its part from as_of on when
  //! as_of is not the first of the month).
  MonthIndex first_month = 0;
  int horizon = 0;
  std::vector<double> p_alive;
  std::vector<double> expected_purchases;  //!< over the horizon
  std::vector<double> expected_spend;      //!< per purchase (Gamma-Gamma)
  std::vector<double> expected_revenue;    //!< over the horizon
  std::vector<double> clv;                 //!< discounted, over clv_months
  //! customers x horizon expected purchases per calendar month, row-major.
  std::vector<double> monthly_purchases;

  double MonthlyRevenue(int customer, int month) const {
    return monthly_purchases[static_cast<size_t>(customer) * horizon + month] *
           expected_spend[customer];
  }
};

//! Predictions of every customer from `fit` over options.horizon calendar months from as_of.
CustomerPredictions PredictCustomers(const CustomerHistories& histories, const CustomerBaseFit& fit,
                                     const CustomerBaseOptions& options);

//! Weeks from as_of to the end of each of the `months` calendar months starting with the month
//! of as_of (the first may be partial): the times at which cumulative expectations are read.
std::vector<double> MonthEndWeeks(Day as_of, int months);

}  // namespace segcast
