// Scaling before clustering: columns of the static RFM table, and the monthly LRFM panel.
//
// RFM columns (scikit-learn's scalers, fitted on the table itself):
//   min-max   (x - min) / (max - min)
//   standard  (x - mean) / std           (population std, as StandardScaler)
//   robust    (x - median) / (q75 - q25) (linear-interpolated quantiles, as RobustScaler)
//   optional log1p first (sign-preserving: sign(x) * log(1 + |x|)), for the long tails of F and M.
// A constant column gets scale 1 (scikit-learn does the same), so it maps to 0.
//
// LRFM panel (4 features per month; only a customer's own months count, not the months before its
// first purchase):
//   feature-minmax  per feature over every observed cell of the whole panel: keeps magnitude, so a
//                   $10 and a $10,000 customer differ; invertible, centroids map back to units.
//   series-minmax   per series and feature (tslearn's TimeSeriesScalerMinMax): shape only.
//   znorm           per series and feature, mean 0 and population std 1 (tslearn's
//                   TimeSeriesScalerMeanVariance): shape only.
//   none            raw values.
//   optional log1p of F and M before any of them.
// docs/clustering.md records the evidence behind the default.
//
//   segcast::PanelScaleOptions options;   // feature-minmax with log1p of F and M
//   segcast::PanelScaler scaler;
//   segcast::TimeSeriesSet series = segcast::PanelToSeries(panel, options, &scaler);
//   ... cluster ...
//   scaler.Inverse(centroid, length);     // back to days, invoices and currency
#pragma once

#include <Eigen/Dense>

#include <array>
#include <string>
#include <vector>

#include "segcast/panel.h"
#include "segcast/rfm.h"
#include "segcast/series.h"

namespace segcast {

enum class ColumnScaling { kNone, kMinMax, kStandard, kRobust };
//! "none", "minmax", "standard", "robust".
ColumnScaling ParseColumnScaling(const std::string& text);
const char* ColumnScalingName(ColumnScaling scaling);

//! A fitted per-column scaler: scaled = (f(x) - center) / scale, f = log1p or identity.
struct ColumnScaler {
  ColumnScaling kind = ColumnScaling::kMinMax;
  bool log1p = false;           //!< sign-preserving log1p before scaling
  Eigen::RowVectorXd center;    //!< per column, in f(x) units
  Eigen::RowVectorXd scale;     //!< per column, > 0

  static ColumnScaler Fit(const Eigen::MatrixXd& raw, ColumnScaling kind, bool log1p);
  Eigen::MatrixXd Transform(const Eigen::MatrixXd& raw) const;
  //! From scaled values back to the raw units (used for centroids).
  Eigen::MatrixXd Inverse(const Eigen::MatrixXd& scaled) const;
};

//! The static RFM table as an n x 3 matrix: recency (days), frequency (invoices), monetary.
Eigen::MatrixXd RfmMatrix(const RfmTable& table);

enum class PanelScaling { kNone, kFeatureMinMax, kSeriesMinMax, kZNormalize };
//! "none", "feature-minmax", "series-minmax", "znorm".
PanelScaling ParsePanelScaling(const std::string& text);
const char* PanelScalingName(PanelScaling scaling);

struct PanelScaleOptions {
  //! How the four features are scaled (see the file comment).
  PanelScaling scaling = PanelScaling::kFeatureMinMax;
  //! Apply sign-preserving log1p to F and M first.
  bool log1p_frequency_monetary = true;
};

//! What a series scaling did, to map centroids back to original units.
struct PanelScaler {
  PanelScaleOptions options;
  std::vector<double> minimum;  //!< per dimension, after log1p (feature-minmax); else empty
  std::vector<double> range;    //!< per dimension, > 0 (feature-minmax); else empty

  //! True when Inverse() is exact: the transform is the same for every series.
  bool Invertible() const;
  //! Maps length x dims scaled values back to original units (for the panel: L, R in days,
  //! F in invoices, M in currency). Requires Invertible().
  void Inverse(double* steps, int length) const;
};

//! Scales any series set in place (log1p is not applied here: it is specific to F and M).
//! feature-minmax uses every step of every series; series-minmax and znorm each series alone.
void ScaleSeries(TimeSeriesSet& series, PanelScaling scaling, PanelScaler* scaler);

//! One series per panel customer (its months from start[c], 4 dims L, R, F, M), scaled; ids are
//! the customer ids. `scaler` (may be null) receives the fitted transform.
TimeSeriesSet PanelToSeries(const LrfmPanel& panel, const PanelScaleOptions& options,
                        PanelScaler* scaler);

//! Members' mean original L, R, F, M by calendar month: k x panel.month_count x 4, NaN where no
//! member of the cluster is observed. `labels` follow the order of PanelToSeries (customers with a
//! non-empty series). Used to show per-series-scaled centroids in original units.
std::vector<double> PanelClusterMeans(const LrfmPanel& panel, const std::vector<int>& labels, int k);

//! Sign-preserving log1p and its inverse.
double SignedLog1p(double value);
double SignedExpm1(double value);

}  // namespace segcast
