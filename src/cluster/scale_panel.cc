// Scaling of the LRFM panel into a series set.
#include <algorithm>
#include <cmath>
#include <limits>

#include "segcast/error.h"
#include "segcast/scale.h"

namespace segcast {
namespace {

bool LogFeature(const PanelScaleOptions& options, int feature) {
  return options.log1p_frequency_monetary && (feature == kFrequency || feature == kMonetary);
}

}  // namespace

PanelScaling ParsePanelScaling(const std::string& text) {
  if (text == "none") return PanelScaling::kNone;
  if (text == "feature-minmax") return PanelScaling::kFeatureMinMax;
  if (text == "series-minmax") return PanelScaling::kSeriesMinMax;
  if (text == "znorm") return PanelScaling::kZNormalize;
  throw InvalidArgument("unknown panel scaling '" + text + "'",
                        {"", 0, "scaling", "none, feature-minmax, series-minmax or znorm"});
}

const char* PanelScalingName(PanelScaling scaling) {
  switch (scaling) {
    case PanelScaling::kNone: return "none";
    case PanelScaling::kFeatureMinMax: return "feature-minmax";
    case PanelScaling::kSeriesMinMax: return "series-minmax";
    case PanelScaling::kZNormalize: return "znorm";
  }
  return "?";
}

bool PanelScaler::Invertible() const {
  return options.scaling == PanelScaling::kNone ||
         options.scaling == PanelScaling::kFeatureMinMax;
}

void PanelScaler::Inverse(double* steps, int length) const {
  if (!Invertible()) {
    throw InvalidArgument("per-series scalings cannot be inverted",
                          {"", 0, "scaling", "none or feature-minmax"});
  }
  const int dims = static_cast<int>(minimum.size());
  for (int step = 0; step < length; ++step) {
    for (int dim = 0; dim < dims; ++dim) {
      double& value = steps[step * dims + dim];
      if (options.scaling == PanelScaling::kFeatureMinMax) {
        value = value * range[dim] + minimum[dim];
      }
      if (dims == kLrfmFeatures && LogFeature(options, dim)) value = SignedExpm1(value);
    }
  }
}

void ScaleSeries(TimeSeriesSet& set, PanelScaling scaling, PanelScaler* scaler) {
  const int dims = set.dims;
  PanelScaler fitted;
  fitted.options.scaling = scaling;
  fitted.options.log1p_frequency_monetary = false;
  fitted.minimum.assign(dims, 0.0);
  fitted.range.assign(dims, 1.0);
  switch (scaling) {
    case PanelScaling::kNone:
      break;
    case PanelScaling::kFeatureMinMax: {
      std::vector<double> low(dims, std::numeric_limits<double>::infinity());
      std::vector<double> high(dims, -std::numeric_limits<double>::infinity());
      for (size_t cell = 0; cell < set.values.size(); ++cell) {
        low[cell % dims] = std::min(low[cell % dims], set.values[cell]);
        high[cell % dims] = std::max(high[cell % dims], set.values[cell]);
      }
      for (int dim = 0; dim < dims && !set.values.empty(); ++dim) {
        fitted.minimum[dim] = low[dim];
        fitted.range[dim] = high[dim] > low[dim] ? high[dim] - low[dim] : 1.0;
      }
      for (size_t cell = 0; cell < set.values.size(); ++cell) {
        set.values[cell] = (set.values[cell] - fitted.minimum[cell % dims]) / fitted.range[cell % dims];
      }
      break;
    }
    case PanelScaling::kSeriesMinMax:
    case PanelScaling::kZNormalize:
      for (int series = 0; series < set.size(); ++series) {
        double* data = set.MutableData(series);
        const int length = set.Length(series);
        for (int dim = 0; dim < dims; ++dim) {
          double low = std::numeric_limits<double>::infinity(), high = -low, sum = 0.0;
          for (int step = 0; step < length; ++step) {
            const double value = data[step * dims + dim];
            low = std::min(low, value);
            high = std::max(high, value);
            sum += value;
          }
          double shift, divisor;
          if (scaling == PanelScaling::kSeriesMinMax) {
            shift = low;
            divisor = high > low ? high - low : 1.0;  // tslearn: a constant series maps to 0
          } else {
            shift = sum / length;
            double squares = 0.0;
            for (int step = 0; step < length; ++step) {
              const double d = data[step * dims + dim] - shift;
              squares += d * d;
            }
            const double deviation = std::sqrt(squares / length);
            divisor = deviation > 0.0 ? deviation : 1.0;
          }
          for (int step = 0; step < length; ++step) {
            double& value = data[step * dims + dim];
            value = (value - shift) / divisor;
          }
        }
      }
      break;
  }
  if (scaler != nullptr) *scaler = std::move(fitted);
}

TimeSeriesSet PanelToSeries(const LrfmPanel& panel, const PanelScaleOptions& options,
                        PanelScaler* scaler) {
  TimeSeriesSet set;
  set.dims = kLrfmFeatures;
  set.dim_names.assign(kLrfmFeatureNames, kLrfmFeatureNames + kLrfmFeatures);
  set.ids.reserve(panel.customer_count());
  set.offsets.reserve(panel.customer_count() + 1);
  for (int customer = 0; customer < panel.customer_count(); ++customer) {
    const int length = panel.SeriesLength(customer);
    if (length < 1) continue;  // a customer whose first purchase is after the window's end
    set.Add(panel.customer_ids[customer], panel.Series(customer), length);
  }
  for (size_t cell = 0; cell < set.values.size(); ++cell) {
    if (LogFeature(options, static_cast<int>(cell % kLrfmFeatures))) {
      set.values[cell] = SignedLog1p(set.values[cell]);
    }
  }
  PanelScaler fitted;
  ScaleSeries(set, options.scaling, &fitted);
  fitted.options = options;
  if (scaler != nullptr) *scaler = std::move(fitted);
  return set;
}

std::vector<double> PanelClusterMeans(const LrfmPanel& panel, const std::vector<int>& labels,
                                      int k) {
  const int months = panel.month_count;
  std::vector<double> sums(static_cast<size_t>(k) * months * kLrfmFeatures, 0.0);
  std::vector<int64_t> counts(static_cast<size_t>(k) * months, 0);
  size_t series = 0;
  for (int customer = 0; customer < panel.customer_count(); ++customer) {
    if (panel.SeriesLength(customer) < 1) continue;
    if (series >= labels.size()) {
      throw InvalidArgument("fewer labels than panel series", {"", 0, "labels", "one per series"});
    }
    const int cluster = labels[series++];
    for (int month = panel.start[customer]; month < months; ++month) {
      ++counts[static_cast<size_t>(cluster) * months + month];
      for (int feature = 0; feature < kLrfmFeatures; ++feature) {
        sums[(static_cast<size_t>(cluster) * months + month) * kLrfmFeatures + feature] +=
            panel.At(customer, month, feature);
      }
    }
  }
  for (size_t cell = 0; cell < counts.size(); ++cell) {
    for (int feature = 0; feature < kLrfmFeatures; ++feature) {
      double& value = sums[cell * kLrfmFeatures + feature];
      value = counts[cell] > 0 ? value / static_cast<double>(counts[cell])
                               : std::numeric_limits<double>::quiet_NaN();
    }
  }
  return sums;
}

}  // namespace segcast
