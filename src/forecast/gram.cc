// Normal equations of the linear additive model from the structure of its design, without
// forming the n x p design matrix.
//
// Every row is [t, 1, ramp_1(t) .. ramp_S(t), f(phase)] with t = i dt, ramp_j = (i - c_j) dt for
// i > c_j (0 before), and Fourier features that depend only on the month of the year. So the
// Gram matrix needs, per changepoint, the weighted sums of (i - c_j)^0..2 over the months after
// it and, per month of the year, weighted sums of 1 and i: O(n + S^2 + S 12 F + 12 F^2) instead
// of the O(n p^2) of a dense product (p = 2 + S + F; the six fits of a default forecast each
// build two Gram matrices, which dominated the run time). Sums are taken relative to each
// changepoint and only ever grow by non-negative terms (never differences of large moments), so
// no precision is lost to cancellation.
#include <algorithm>
#include <array>

#include "forecast/model.h"

namespace segcast::internal {

bool HasStructuredGram(const Design& design) {
  return design.fourier_columns == 0 || !design.fourier_table.empty();
}

namespace {

using SlotFeatures = std::array<const double*, 12>;

// Weighted sums of 1, i and i^2 over the whole history, and of 1 and i per month-of-year slot.
struct HistorySums {
  double a0 = 0.0, a1 = 0.0, a2 = 0.0;
  std::array<double, 12> slot0{}, slot1{};
};

HistorySums SumHistory(int n, const std::vector<double>& weight) {
  HistorySums sums;
  for (int i = 0, slot = 0; i < n; ++i, slot = slot == 11 ? 0 : slot + 1) {
    const double w = weight[i];
    sums.a0 += w;
    sums.a1 += w * i;
    sums.a2 += w * i * static_cast<double>(i);
    sums.slot0[slot] += w;
    sums.slot1[slot] += w * i;
  }
  return sums;
}

// Rows of the ramps against t, 1 and the Fourier columns, and the ramps against each other.
// Sums over the months after each changepoint go from the last changepoint back to the first:
// moving the origin from c_k to c_j < c_k shifts every (i - c) by g = c_k - c_j, which only adds
// non-negative terms, then the months in (c_j, c_k] are added. O(n + 12 S) in all.
void FillChangepointRows(const Design& design, const std::vector<double>& weight,
                         const SlotFeatures& features, Eigen::MatrixXd& gram) {
  const int n = design.n;
  const int S = static_cast<int>(design.changepoint_index.size());
  const int F = design.fourier_columns;
  const double dt = design.dt;
  std::vector<double> q1(S), q2(S);
  double tail0 = 0.0, tail1 = 0.0, tail2 = 0.0;
  std::array<double, 12> tail_slot0{}, tail_slot1{};
  int origin = n - 1;
  for (int j = S - 1; j >= 0; --j) {
    const int c = design.changepoint_index[j];
    const double g = origin - c;
    tail2 += 2.0 * g * tail1 + g * g * tail0;
    tail1 += g * tail0;
    for (int slot = 0; slot < 12; ++slot) tail_slot1[slot] += g * tail_slot0[slot];
    for (int i = c + 1, slot = (c + 1) % 12; i <= origin; ++i, slot = slot == 11 ? 0 : slot + 1) {
      const double w = weight[i];
      const double d = i - c;
      tail0 += w;
      tail1 += w * d;
      tail2 += w * d * d;
      tail_slot0[slot] += w;
      tail_slot1[slot] += w * d;
    }
    origin = c;
    q1[j] = tail1;
    q2[j] = tail2;
    // sum w i (i - c) = sum w (i - c)^2 + c sum w (i - c)
    gram(2 + j, 0) = dt * dt * (tail2 + c * tail1);
    gram(2 + j, 1) = dt * tail1;
    for (int column = 0; column < F; ++column) {
      double value = 0.0;
      for (int slot = 0; slot < 12; ++slot) value += tail_slot1[slot] * features[slot][column];
      gram(2 + S + column, 2 + j) = dt * value;
    }
  }
  // ramp_j ramp_k for c_j <= c_k: sum over i > c_k of w ((i - c_k) + (c_k - c_j)) (i - c_k).
  for (int k = 0; k < S; ++k)
    for (int j = 0; j <= k; ++j) {
      const double gap = design.changepoint_index[k] - design.changepoint_index[j];
      gram(2 + k, 2 + j) = dt * dt * (q2[k] + gap * q1[k]);
    }
}

// Rows of the Fourier columns against t, 1 and each other: per month-of-year slot sums.
void FillFourierRows(const Design& design, const HistorySums& sums, const SlotFeatures& features,
                     Eigen::MatrixXd& gram) {
  const int S = static_cast<int>(design.changepoint_index.size());
  const int F = design.fourier_columns;
  for (int column = 0; column < F; ++column) {
    double with_t = 0.0, with_one = 0.0;
    for (int slot = 0; slot < 12; ++slot) {
      with_t += sums.slot1[slot] * features[slot][column];
      with_one += sums.slot0[slot] * features[slot][column];
    }
    gram(2 + S + column, 0) = design.dt * with_t;
    gram(2 + S + column, 1) = with_one;
    for (int other = 0; other <= column; ++other) {
      double value = 0.0;
      for (int slot = 0; slot < 12; ++slot)
        value += sums.slot0[slot] * features[slot][column] * features[slot][other];
      gram(2 + S + column, 2 + S + other) = value;
    }
  }
}

}  // namespace

void StructuredGram(const Design& design, MonthIndex first_month, const std::vector<double>& weight,
                    Eigen::MatrixXd& gram) {
  const double dt = design.dt;
  gram.setZero(design.parameters(), design.parameters());
  std::vector<double> scratch;
  // Fourier row of each month-of-year slot, slot = (month index in the history) mod 12.
  SlotFeatures features{};
  if (design.fourier_columns > 0)
    for (int slot = 0; slot < 12; ++slot) features[slot] = design.Fourier(first_month + slot, scratch);

  const HistorySums sums = SumHistory(design.n, weight);
  gram(0, 0) = dt * dt * sums.a2;
  gram(1, 0) = dt * sums.a1;
  gram(1, 1) = sums.a0;
  FillChangepointRows(design, weight, features, gram);
  FillFourierRows(design, sums, features, gram);
  gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose();
}

void StructuredMoment(const Design& design, MonthIndex first_month, const std::vector<double>& weight,
                      const std::vector<double>& z, Eigen::VectorXd& moment) {
  const int n = design.n;
  const int S = static_cast<int>(design.changepoint_index.size());
  const int F = design.fourier_columns;
  const double dt = design.dt;
  moment.setZero(design.parameters());
  std::vector<double> scratch;
  double u0 = 0.0, u1 = 0.0;
  std::array<double, 12> slot0{};
  for (int i = 0, slot = 0; i < n; ++i, slot = slot == 11 ? 0 : slot + 1) {
    if (weight[i] == 0.0) continue;  // missing months carry weight 0 and a NaN value
    const double u = weight[i] * z[i];
    u0 += u;
    u1 += u * i;
    slot0[slot] += u;
  }
  moment[0] = dt * u1;
  moment[1] = u0;
  double tail0 = 0.0, tail1 = 0.0;  // sums of u and u (i - c) over the months after c, as above
  int origin = n - 1;
  for (int j = S - 1; j >= 0; --j) {
    const int c = design.changepoint_index[j];
    tail1 += (origin - c) * tail0;
    for (int i = c + 1; i <= origin; ++i)
      if (weight[i] != 0.0) {
        const double u = weight[i] * z[i];
        tail0 += u;
        tail1 += u * (i - c);
      }
    origin = c;
    moment[2 + j] = dt * tail1;
  }
  for (int slot = 0; slot < 12 && F > 0; ++slot) {
    const double* row = design.Fourier(first_month + slot, scratch);
    for (int column = 0; column < F; ++column) moment[2 + S + column] += slot0[slot] * row[column];
  }
}

}  // namespace segcast::internal
