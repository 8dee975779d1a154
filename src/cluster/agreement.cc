// Agreement between two labelings: adjusted Rand index and normalised mutual information.
#include <algorithm>
#include <cmath>
#include <map>

#include "segcast/error.h"
#include "segcast/quality.h"

namespace segcast {
namespace {

struct Contingency {
  std::map<std::pair<int, int>, int64_t> cells;
  std::map<int, int64_t> rows;
  std::map<int, int64_t> cols;
  int64_t total = 0;
};

Contingency Count(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.size() != b.size()) {
    throw InvalidArgument("labelings of different sizes", {"", 0, "labels", "equal sizes"});
  }
  Contingency table;
  for (size_t index = 0; index < a.size(); ++index) {
    ++table.cells[{a[index], b[index]}];
    ++table.rows[a[index]];
    ++table.cols[b[index]];
  }
  table.total = static_cast<int64_t>(a.size());
  return table;
}

double Pairs(int64_t n) { return 0.5 * static_cast<double>(n) * static_cast<double>(n - 1); }

}  // namespace

double AdjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b) {
  const Contingency table = Count(a, b);
  double index = 0.0, row_pairs = 0.0, col_pairs = 0.0;
  for (const auto& [cell, count] : table.cells) index += Pairs(count);
  for (const auto& [row, count] : table.rows) row_pairs += Pairs(count);
  for (const auto& [col, count] : table.cols) col_pairs += Pairs(count);
  const double expected = row_pairs * col_pairs / Pairs(table.total);
  const double maximum = 0.5 * (row_pairs + col_pairs);
  // Both labelings trivial (one cluster each, or all singletons): perfect agreement.
  if (maximum == expected) return 1.0;
  return (index - expected) / (maximum - expected);
}

double NormalizedMutualInformation(const std::vector<int>& a, const std::vector<int>& b) {
  const Contingency table = Count(a, b);
  const double n = static_cast<double>(table.total);
  auto entropy = [n](const std::map<int, int64_t>& counts) {
    double value = 0.0;
    for (const auto& [label, count] : counts) {
      const double p = static_cast<double>(count) / n;
      value -= p * std::log(p);
    }
    return value;
  };
  double mutual = 0.0;
  for (const auto& [cell, count] : table.cells) {
    const double joint = static_cast<double>(count) / n;
    const double row = static_cast<double>(table.rows.at(cell.first)) / n;
    const double col = static_cast<double>(table.cols.at(cell.second)) / n;
    mutual += joint * std::log(joint / (row * col));
  }
  const double h_a = entropy(table.rows);
  const double h_b = entropy(table.cols);
  // scikit-learn: one cluster on both sides is perfect agreement.
  if (table.rows.size() == 1 && table.cols.size() == 1) return 1.0;
  const double normaliser = 0.5 * (h_a + h_b);
  return normaliser > 0.0 ? std::max(0.0, mutual) / normaliser : 0.0;
}

}  // namespace segcast
