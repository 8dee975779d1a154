// The fast kernels of the forecast stage against direct reference computations: Gram matrices
// from the design's structure against the dense product, and the two interval quantiles from one
// partition against a full sort.
#include <catch2/catch.hpp>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "forecast/model.h"
#include "forecast/random.h"

using namespace segcast;

namespace {

// Dense reference: the design rows as the fit used to build them, X'VX and X'Vz summed row by row.
void DenseNormalEquations(const internal::Design& design, MonthIndex first_month,
                          const std::vector<double>& weight, const std::vector<double>& z,
                          Eigen::MatrixXd& gram, Eigen::VectorXd& moment) {
  const int p = design.parameters();
  const int S = static_cast<int>(design.changepoint_t.size());
  gram.setZero(p, p);
  moment.setZero(p);
  std::vector<double> scratch;
  Eigen::VectorXd row(p);
  for (int month = 0; month < design.n; ++month) {
    if (weight[month] == 0.0) continue;
    const double t = month * design.dt;
    row[0] = t;
    row[1] = 1.0;
    for (int j = 0; j < S; ++j) row[2 + j] = std::max(0.0, t - design.changepoint_t[j]);
    if (design.fourier_columns > 0) {
      const double* features = design.Fourier(first_month + month, scratch);
      for (int column = 0; column < design.fourier_columns; ++column) row[2 + S + column] = features[column];
    }
    gram += weight[month] * row * row.transpose();
    moment += weight[month] * z[month] * row;
  }
}

}  // namespace

TEST_CASE("structured Gram matrices equal the dense products", "[forecast]") {
  internal::XoshiroRandom random(7);
  for (int trial = 0; trial < 60; ++trial) {
    const int n = 13 + static_cast<int>(random.Uniform() * 300);
    internal::ModelSpec spec;
    spec.fourier_order = 1 + trial % 6;
    spec.yearly = trial % 7 == 0 ? Toggle::kOff : Toggle::kOn;
    spec.months_per_changepoint = 1 + trial % 14;
    spec.recency_half_life = trial % 3 == 0 ? 0.0 : 3.0 + 10.0 * (trial % 5);
    std::vector<double> values(n);
    for (int month = 0; month < n; ++month)
      values[month] = month % 17 == 5 && trial % 2 == 0 ? std::numeric_limits<double>::quiet_NaN()
                                                        : 10.0 + random.Normal();
    const MonthIndex first_month = MakeMonth(1990 + trial % 9, 1 + trial % 12);
    internal::ScaledHistory history = internal::ScaleHistory(values, first_month, spec);
    internal::Design design = internal::MakeDesign(history, spec);
    REQUIRE(internal::HasStructuredGram(design));
    std::vector<double> weight(n, 0.0);
    for (int month = 0; month < n; ++month)
      if (std::isfinite(history.z[month])) weight[month] = history.weight[month];
    Eigen::MatrixXd fast, dense;
    Eigen::VectorXd fast_moment, dense_moment;
    internal::StructuredGram(design, first_month, weight, fast);
    internal::StructuredMoment(design, first_month, weight, history.z, fast_moment);
    DenseNormalEquations(design, first_month, weight, history.z, dense, dense_moment);
    INFO("trial " << trial << " n " << n << " changepoints " << design.changepoint_t.size()
                  << " fourier columns " << design.fourier_columns);
    REQUIRE(fast.rows() == design.parameters());
    CHECK((fast - dense).cwiseAbs().maxCoeff() <= 1e-11 * (1.0 + dense.cwiseAbs().maxCoeff()));
    CHECK((fast_moment - dense_moment).cwiseAbs().maxCoeff() <=
          1e-11 * (1.0 + dense_moment.cwiseAbs().maxCoeff()));
    CHECK((fast - fast.transpose()).cwiseAbs().maxCoeff() == 0.0);
  }
}

TEST_CASE("both interval quantiles from one partition match a full sort", "[forecast]") {
  // numpy's default quantile: linear interpolation between order statistics of the sorted values.
  auto reference = [](std::vector<double> values, double probability) {
    std::sort(values.begin(), values.end());
    const double position = probability * (values.size() - 1);
    const size_t below = static_cast<size_t>(std::floor(position));
    const double high = below + 1 < values.size() ? values[below + 1] : values[below];
    return values[below] + (position - below) * (high - values[below]);
  };
  internal::XoshiroRandom random(11);
  for (size_t count : {1u, 2u, 3u, 10u, 11u, 167u, 1000u}) {
    for (double interval : {0.5, 0.8, 0.95, 0.999}) {
      std::vector<double> values(count);
      for (double& value : values) value = std::round(random.Normal() * 4.0);  // with ties
      double low = 0.0, high = 0.0;
      std::vector<double> work = values;
      internal::CentralQuantiles(work.data(), count, (1.0 - interval) / 2.0, (1.0 + interval) / 2.0, low, high);
      INFO("count " << count << " interval " << interval);
      CHECK(low == reference(values, (1.0 - interval) / 2.0));
      CHECK(high == reference(values, (1.0 + interval) / 2.0));
      std::sort(work.begin(), work.end());
      std::sort(values.begin(), values.end());
      CHECK(work == values);  // reordered, not altered
    }
  }
}
