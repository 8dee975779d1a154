// The assignment problem by shortest augmenting paths with dual potentials (the O(n^3) form of the
// Hungarian method: Kuhn 1955, Munkres 1957; potentials as in Tomizawa 1971 and Edmonds & Karp
// 1972). Rows are added one at a time; each addition grows a Dijkstra-like tree over columns using
// reduced costs cost - u[row] - v[column], which stay non-negative, and augments along the
// cheapest path to a free column.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "segcast/alignment.h"
#include "segcast/error.h"

namespace segcast {
namespace {

// Requires rows <= columns. Returns the column of each row.
std::vector<int> SolveWide(const std::vector<std::vector<double>>& cost, int rows, int columns) {
  const double kInfinity = std::numeric_limits<double>::infinity();
  // Index 0 is a virtual column/row that roots each search tree; real ones are 1-based.
  std::vector<double> row_potential(rows + 1, 0.0), column_potential(columns + 1, 0.0);
  std::vector<int> row_of_column(columns + 1, 0), previous_column(columns + 1, 0);
  for (int row = 1; row <= rows; ++row) {
    row_of_column[0] = row;
    int current_column = 0;
    std::vector<double> slack(columns + 1, kInfinity);
    std::vector<char> in_tree(columns + 1, 0);
    do {
      in_tree[current_column] = 1;
      const int tree_row = row_of_column[current_column];
      double delta = kInfinity;
      int next_column = 0;
      for (int column = 1; column <= columns; ++column) {
        if (in_tree[column]) continue;
        const double reduced =
            cost[tree_row - 1][column - 1] - row_potential[tree_row] - column_potential[column];
        if (reduced < slack[column]) {
          slack[column] = reduced;
          previous_column[column] = current_column;
        }
        // Strict comparison: among equal slacks the lowest column wins, which makes ties
        // deterministic.
        if (slack[column] < delta) {
          delta = slack[column];
          next_column = column;
        }
      }
      for (int column = 0; column <= columns; ++column) {
        if (in_tree[column]) {
          row_potential[row_of_column[column]] += delta;
          column_potential[column] -= delta;
        } else {
          slack[column] -= delta;
        }
      }
      current_column = next_column;
    } while (row_of_column[current_column] != 0);
    // Augment: shift assignments back along the path to the root.
    while (current_column != 0) {
      const int from = previous_column[current_column];
      row_of_column[current_column] = row_of_column[from];
      current_column = from;
    }
  }
  std::vector<int> column_of_row(rows, -1);
  for (int column = 1; column <= columns; ++column) {
    if (row_of_column[column] != 0) column_of_row[row_of_column[column] - 1] = column - 1;
  }
  return column_of_row;
}

}  // namespace

std::vector<int> SolveAssignment(const std::vector<std::vector<double>>& cost) {
  const int rows = static_cast<int>(cost.size());
  if (rows == 0) return {};
  const int columns = static_cast<int>(cost[0].size());
  for (int row = 0; row < rows; ++row) {
    if (static_cast<int>(cost[row].size()) != columns) {
      throw InvalidArgument("cost matrix rows differ in length",
                            {.field = "cost[" + std::to_string(row) + "]",
                             .expected = std::to_string(columns) + " columns"});
    }
    for (int column = 0; column < columns; ++column) {
      if (!std::isfinite(cost[row][column])) {
        throw InvalidArgument(
            "cost matrix holds a non-finite value",
            {.field = "cost[" + std::to_string(row) + "][" + std::to_string(column) + "]",
             .expected = "a finite number"});
      }
    }
  }
  if (columns == 0) return std::vector<int>(rows, -1);
  if (rows <= columns) return SolveWide(cost, rows, columns);

  std::vector<std::vector<double>> transposed(columns, std::vector<double>(rows));
  for (int row = 0; row < rows; ++row)
    for (int column = 0; column < columns; ++column) transposed[column][row] = cost[row][column];
  const std::vector<int> row_of_column = SolveWide(transposed, columns, rows);
  std::vector<int> column_of_row(rows, -1);
  for (int column = 0; column < columns; ++column) column_of_row[row_of_column[column]] = column;
  return column_of_row;
}

}  // namespace segcast
