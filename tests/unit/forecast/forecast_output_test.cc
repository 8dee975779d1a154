// forecast.json as written: a document that parses back to every series and point, with unknown
// values as null and ids from user files kept readable.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "segcast/forecast.h"

using namespace segcast;

namespace {

ForecastPoint Point(MonthIndex month, double yhat, bool is_history, double actual) {
  ForecastPoint point;
  point.month = month;
  point.yhat = yhat;
  point.yhat_lower = yhat - 1.5;
  point.yhat_upper = yhat + 2.25;
  point.trend = yhat - 0.5;
  point.seasonal = 0.5;
  point.is_history = is_history;
  point.actual = actual;
  return point;
}

nlohmann::json WriteAndRead(const std::vector<SeriesForecast>& forecasts, const ForecastOptions& options) {
  const auto path = std::filesystem::temp_directory_path() / ("segcast_forecast_output_test_" + std::to_string(::getpid()) + ".json");
  WriteForecastJson(path.string(), forecasts, options);
  std::ifstream in(path);
  nlohmann::json document = nlohmann::json::parse(in);
  std::filesystem::remove(path);
  return document;
}

}  // namespace

TEST_CASE("forecast.json: every series and point, NaN as null, exact doubles", "[forecast][output]") {
  const double kNaN = std::numeric_limits<double>::quiet_NaN();
  SeriesForecast first;
  first.series_id = "total";
  first.parameters.variant = "additive";
  first.converged = true;
  first.iterations = 7;
  first.intervals = "fixed multiplier";
  first.validation = {{"additive_loo", 4.25}, {"log_loo", kNaN}};
  first.points = {Point(MakeMonth(2011, 11), 0.1, true, 3.0), Point(MakeMonth(2011, 12), 1e21, false, kNaN)};
  first.partial = PartialMonth{MakeMonth(2012, 1), 12.5, 9, 31};
  SeriesForecast second;
  second.series_id = "caf\xe9 \"quoted\"";  // Latin-1 byte from a user file, and quotes
  ForecastOptions options;
  options.horizon = 1;

  const nlohmann::json document = WriteAndRead({first, second}, options);

  CHECK(document["horizon"] == 1);
  CHECK(document["interval"].get<double>() == options.interval);
  CHECK(document["samples"] == options.samples);
  REQUIRE(document["series"].size() == 2);
  const nlohmann::json& total = document["series"][0];
  CHECK(total["series"] == "total");
  CHECK(total["variant"] == "additive");
  CHECK(total["converged"] == true);
  CHECK(total["iterations"] == 7);
  CHECK(total["intervals"] == "fixed multiplier");
  CHECK(total["validation_smape"]["additive_loo"].get<double>() == 4.25);
  CHECK(total["validation_smape"]["log_loo"].is_null());
  CHECK(total["partial_month"]["month"] == "2012-01");
  CHECK(total["partial_month"]["days_observed"] == 9);
  REQUIRE(total["points"].size() == 2);
  const nlohmann::json& history = total["points"][0];
  CHECK(history["month"] == "2011-11");
  CHECK(history["is_history"] == true);
  CHECK(history["yhat"].get<double>() == 0.1);  // read back bit for bit
  CHECK(history["yhat_lower"].get<double>() == 0.1 - 1.5);
  CHECK(history["yhat_upper"].get<double>() == 0.1 + 2.25);
  CHECK(history["trend"].get<double>() == 0.1 - 0.5);
  CHECK(history["seasonal"].get<double>() == 0.5);
  CHECK(history["actual"].get<double>() == 3.0);
  const nlohmann::json& future = total["points"][1];
  CHECK(future["is_history"] == false);
  CHECK(future["yhat"].get<double>() == 1e21);
  CHECK(future["actual"].is_null());
  const nlohmann::json& other = document["series"][1];
  CHECK(other["series"] == "caf\xef\xbf\xbd \"quoted\"");  // U+FFFD in place of the stray byte
  CHECK(other["points"].empty());
  CHECK_FALSE(other.contains("partial_month"));
}

TEST_CASE("forecast.json: no series is an empty list", "[forecast][output]") {
  const nlohmann::json document = WriteAndRead({}, ForecastOptions{});
  CHECK(document["series"].is_array());
  CHECK(document["series"].empty());
}
