// Scaling of the LRFM panel into a series set.
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
  for (int step = 0; step < length; ++step) {
    for (int feature = 0; feature < kLrfmFeatures; ++feature) {
      double& value = steps[step * kLrfmFeatures + feature];
      if (options.scaling == PanelScaling::kFeatureMinMax) {
        value = value * range[feature] + minimum[feature];
      }
      if (LogFeature(options, feature)) value = SignedExpm1(value);
    }
  }
}

SeriesSet PanelToSeries(const LrfmPanel& panel, const PanelScaleOptions& options,
                        PanelScaler* scaler) {
  SeriesSet set;
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
  fitted.options = options;
  fitted.minimum.fill(0.0);
  fitted.range.fill(1.0);
  const int dims = kLrfmFeatures;
  switch (options.scaling) {
    case PanelScaling::kNone:
      break;
    case PanelScaling::kFeatureMinMax: {
      std::array<double, kLrfmFeatures> low, high;
      low.fill(std::numeric_limits<double>::infinity());
      high.fill(-std::numeric_limits<double>::infinity());
      for (size_t cell = 0; cell < set.values.size(); ++cell) {
        low[cell % dims] = std::min(low[cell % dims], set.values[cell]);
        high[cell % dims] = std::max(high[cell % dims], set.values[cell]);
      }
      for (int feature = 0; feature < dims; ++feature) {
        if (set.values.empty()) break;
        fitted.minimum[feature] = low[feature];
        fitted.range[feature] = high[feature] > low[feature] ? high[feature] - low[feature] : 1.0;
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
        for (int feature = 0; feature < dims; ++feature) {
          double low = std::numeric_limits<double>::infinity(), high = -low, sum = 0.0;
          for (int step = 0; step < length; ++step) {
            const double value = data[step * dims + feature];
            low = std::min(low, value);
            high = std::max(high, value);
            sum += value;
          }
          double shift, divisor;
          if (options.scaling == PanelScaling::kSeriesMinMax) {
            shift = low;
            divisor = high > low ? high - low : 1.0;  // tslearn: a constant series maps to 0
          } else {
            shift = sum / length;
            double squares = 0.0;
            for (int step = 0; step < length; ++step) {
              const double d = data[step * dims + feature] - shift;
              squares += d * d;
            }
            const double deviation = std::sqrt(squares / length);
            divisor = deviation > 0.0 ? deviation : 1.0;
          }
          for (int step = 0; step < length; ++step) {
            double& value = data[step * dims + feature];
            value = (value - shift) / divisor;
          }
        }
      }
      break;
  }
  if (scaler != nullptr) *scaler = fitted;
  return set;
}

}  // namespace segcast
