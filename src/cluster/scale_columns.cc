// Column scalers of the static RFM table.
#include <algorithm>
#include <cmath>
#include <vector>

#include "segcast/error.h"
#include "segcast/scale.h"

namespace segcast {
namespace {

// numpy's default (linear) percentile of sorted values, as RobustScaler uses.
double Percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  const double position = fraction * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

}  // namespace

double SignedLog1p(double value) { return value < 0 ? -std::log1p(-value) : std::log1p(value); }
double SignedExpm1(double value) { return value < 0 ? -std::expm1(-value) : std::expm1(value); }

ColumnScaling ParseColumnScaling(const std::string& text) {
  if (text == "none") return ColumnScaling::kNone;
  if (text == "minmax") return ColumnScaling::kMinMax;
  if (text == "standard") return ColumnScaling::kStandard;
  if (text == "robust") return ColumnScaling::kRobust;
  throw InvalidArgument("unknown scaler '" + text + "'",
                        {"", 0, "scaler", "none, minmax, standard or robust"});
}

const char* ColumnScalingName(ColumnScaling scaling) {
  switch (scaling) {
    case ColumnScaling::kNone: return "none";
    case ColumnScaling::kMinMax: return "minmax";
    case ColumnScaling::kStandard: return "standard";
    case ColumnScaling::kRobust: return "robust";
  }
  return "?";
}

ColumnScaler ColumnScaler::Fit(const Eigen::MatrixXd& raw, ColumnScaling kind, bool log1p) {
  if (raw.rows() < 1) {
    throw InvalidArgument("cannot fit a scaler on an empty table", {"", 0, "rows", ">= 1"});
  }
  ColumnScaler scaler;
  scaler.kind = kind;
  scaler.log1p = log1p;
  const Eigen::MatrixXd values = log1p ? raw.unaryExpr(&SignedLog1p).eval() : raw;
  const Eigen::Index columns = values.cols();
  scaler.center = Eigen::RowVectorXd::Zero(columns);
  scaler.scale = Eigen::RowVectorXd::Ones(columns);
  for (Eigen::Index column = 0; column < columns; ++column) {
    const auto data = values.col(column);
    double center = 0.0, scale = 1.0;
    switch (kind) {
      case ColumnScaling::kNone:
        break;
      case ColumnScaling::kMinMax:
        center = data.minCoeff();
        scale = data.maxCoeff() - center;
        break;
      case ColumnScaling::kStandard: {
        center = data.mean();
        scale = std::sqrt((data.array() - center).square().mean());
        break;
      }
      case ColumnScaling::kRobust: {
        std::vector<double> copy(data.data(), data.data() + data.size());
        center = Percentile(copy, 0.5);
        scale = Percentile(copy, 0.75) - Percentile(copy, 0.25);
        break;
      }
    }
    scaler.center[column] = center;
    scaler.scale[column] = scale > 0.0 ? scale : 1.0;
  }
  return scaler;
}

Eigen::MatrixXd ColumnScaler::Transform(const Eigen::MatrixXd& raw) const {
  Eigen::MatrixXd values = log1p ? raw.unaryExpr(&SignedLog1p).eval() : raw;
  return (values.rowwise() - center).array().rowwise() / scale.array();
}

Eigen::MatrixXd ColumnScaler::Inverse(const Eigen::MatrixXd& scaled) const {
  Eigen::MatrixXd values = (scaled.array().rowwise() * scale.array()).matrix().rowwise() + center;
  return log1p ? values.unaryExpr(&SignedExpm1).eval() : values;
}

Eigen::MatrixXd RfmMatrix(const RfmTable& table) {
  Eigen::MatrixXd matrix(static_cast<Eigen::Index>(table.size()), 3);
  for (size_t row = 0; row < table.size(); ++row) {
    matrix(row, 0) = table.recency[row];
    matrix(row, 1) = table.frequency[row];
    matrix(row, 2) = table.monetary[row];
  }
  return matrix;
}

}  // namespace segcast
