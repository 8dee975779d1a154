// The Theta method for monthly series (Assimakopoulos & Nikolopoulos 2000), in the form of
// Hyndman & Billah 2003 ("Unmasking the Theta method", International Journal of Forecasting
// 19(2)): simple exponential smoothing of the seasonally adjusted series plus half the slope of
// its least-squares line, seasonality put back afterwards. It is a member of the forecast
// combination (ForecastOptions::theta_weight) because a level that adapts to the last months
// complements the additive model's fitted level on series whose level wanders.
#pragma once

#include <vector>

#include "segcast/calendar.h"

namespace segcast::internal {

struct ThetaResult {
  std::vector<double> mean;  //!< `horizon` forecasts after the last month, units of y
  double alpha = 0.0;        //!< smoothing parameter of the exponential smoothing
  bool seasonal = false;     //!< the series passed the yearly seasonality test
  bool usable = false;       //!< false: fewer than 3 observed months (mean is empty)
};

//! Forecasts `horizon` months after values[0 .. n) (month first_month + i for values[i]).
//! Missing months (NaN) inside the history are interpolated linearly; leading ones dropped.
ThetaResult ThetaForecast(const std::vector<double>& values, MonthIndex first_month, int horizon);

//! The simple exponential smoothing fit used by ThetaForecast: alpha in [1e-4, 0.9999] and the
//! initial level minimising the one-step squared errors (for a given alpha the errors are linear
//! in the initial level, so it has a closed form). Exposed for tests.
struct SesFit {
  double alpha = 0.0;
  double initial_level = 0.0;
  double final_level = 0.0;
  double sse = 0.0;
};
SesFit FitSimpleExponentialSmoothing(const std::vector<double>& y);

}  // namespace segcast::internal
