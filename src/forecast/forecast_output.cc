// forecast.csv, forecast.json and parameters.json.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>
#include <utility>
#include <nlohmann/json.hpp>

#include "segcast/error.h"
#include "segcast/forecast.h"

namespace segcast {
namespace {

std::ofstream OpenOutput(const std::string& path) {
  errno = 0;  // what the failed open sets tells a full disk from a bad path
  std::ofstream out(path);
  if (!out) ThrowWriteFailure("creating the output file", path, errno);
  return out;
}

// The buffer's last bytes reach the file at the flush: a full disk shows there.
void Finish(std::ofstream& out, const std::string& path) {
  out.flush();
  if (!out) ThrowWriteFailure("writing the output file", path, errno);
}

// Shortest round-trip text of a double; NaN as an empty CSV field.
std::string Number(double value) {
  if (!std::isfinite(value)) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

nlohmann::json JsonNumber(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

// Shortest text that reads back as the same double; null for NaN and infinities.
void WriteJsonNumber(std::ostream& out, double value) {
  if (!std::isfinite(value)) {
    out << "null";
    return;
  }
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  out.write(text, end - text);
}

// Ids come from user files: bytes that are not UTF-8 are replaced rather than refused.
std::string JsonText(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void WritePointJson(std::ostream& out, const ForecastPoint& point) {
  const std::pair<const char*, double> fields[] = {
      {"yhat", point.yhat},   {"yhat_lower", point.yhat_lower}, {"yhat_upper", point.yhat_upper},
      {"trend", point.trend}, {"seasonal", point.seasonal},     {"actual", point.actual}};
  out << "{\"month\": \"" << FormatMonth(point.month) << "\", \"is_history\": "
      << (point.is_history ? "true" : "false");
  for (const auto& [name, value] : fields) {
    out << ", \"" << name << "\": ";
    WriteJsonNumber(out, value);
  }
  out << '}';
}

void WriteSeriesJson(std::ostream& out, const SeriesForecast& forecast) {
  nlohmann::json header = {{"series", forecast.series_id},
                           {"variant", forecast.parameters.variant},
                           {"converged", forecast.converged},
                           {"iterations", forecast.iterations},
                           {"message", forecast.message},
                           {"intervals", forecast.intervals}};
  if (forecast.partial) {
    const PartialMonth& partial = *forecast.partial;
    header["partial_month"] = {{"month", FormatMonth(partial.month)},
                               {"actual_to_date", partial.actual_to_date},
                               {"days_observed", partial.days_observed},
                               {"days_in_month", partial.days_in_month}};
  }
  nlohmann::json validation = nlohmann::json::object();
  for (const auto& [name, score] : forecast.validation) validation[name] = JsonNumber(score);
  header["validation_smape"] = validation;
  out << "  {";
  for (auto field = header.begin(); field != header.end(); ++field)
    out << JsonText(field.key()) << ": " << JsonText(field.value()) << ", ";
  out << "\"points\": [";
  for (size_t index = 0; index < forecast.points.size(); ++index) {
    out << (index == 0 ? "\n   " : ",\n   ");
    WritePointJson(out, forecast.points[index]);
  }
  out << (forecast.points.empty() ? "]}" : "\n  ]}");
}

const char* TransformName(Transform transform) { return transform == Transform::kLog ? "log" : "none"; }

nlohmann::json ParametersJson(const FittedParameters& p) {
  nlohmann::json months = nlohmann::json::array();
  for (MonthIndex month : p.changepoint_months) months.push_back(FormatMonth(month));
  return {{"variant", p.variant},
          {"transform", TransformName(p.transform)},
          {"seasonality_mode",
           p.seasonality_mode == SeasonalityMode::kMultiplicative ? "multiplicative" : "additive"},
          {"growth", p.growth == Growth::kLogistic ? "logistic" : "linear"},
          {"y_scale", p.y_scale},
          {"shift", p.shift},
          {"k", p.k},
          {"m", p.m},
          {"changepoint_months", months},
          {"changepoint_t", p.changepoint_t},
          {"delta", p.delta},
          {"beta", p.beta},
          {"fourier_order", p.fourier_order},
          {"sigma", p.sigma},
          {"trend_damping", p.trend_damping},
          {"history_months", p.history_months}};
}

}  // namespace

void WriteForecastCsv(const std::string& path, const std::vector<SeriesForecast>& forecasts) {
  std::ofstream out = OpenOutput(path);
  out << "series,month,yhat,yhat_lower,yhat_upper,trend,seasonal,is_history,actual\n";
  for (const SeriesForecast& forecast : forecasts)
    for (const ForecastPoint& point : forecast.points)
      out << CsvField(forecast.series_id) << ',' << FormatMonth(point.month) << ','
          << Number(point.yhat) << ',' << Number(point.yhat_lower) << ',' << Number(point.yhat_upper)
          << ',' << Number(point.trend) << ',' << Number(point.seasonal) << ','
          << (point.is_history ? 1 : 0) << ',' << Number(point.actual) << '\n';
  Finish(out, path);
}

void WriteForecastJson(const std::string& path, const std::vector<SeriesForecast>& forecasts,
                       const ForecastOptions& options) {
  // Streamed, one line per point: a document object of every point of every series cost more
  // than the forecasts themselves (docs/benchmarks/forecasting.md), and a line per point keeps
  // the file readable.
  std::ofstream out = OpenOutput(path);
  out << "{\n \"horizon\": " << options.horizon << ",\n \"interval\": ";
  WriteJsonNumber(out, options.interval);
  out << ",\n \"samples\": " << options.samples << ",\n \"seed\": " << options.seed
      << ",\n \"series\": [";
  for (size_t index = 0; index < forecasts.size(); ++index) {
    out << (index == 0 ? "\n" : ",\n");
    WriteSeriesJson(out, forecasts[index]);
  }
  out << (forecasts.empty() ? "]\n}\n" : "\n ]\n}\n");
  Finish(out, path);
}

void WriteParametersJson(const std::string& path, const std::vector<SeriesForecast>& forecasts) {
  nlohmann::json document = nlohmann::json::object();
  for (const SeriesForecast& forecast : forecasts)
    document[forecast.series_id] = ParametersJson(forecast.parameters);
  std::ofstream out = OpenOutput(path);
  out << document.dump(1) << '\n';
  Finish(out, path);
}

int32_t SeriesSegment(const std::string& series_id) {
  if (series_id == "total") return kTotalSeries;
  if (series_id == "existing") return kExistingSeries;
  if (series_id == "new") return kNewSeries;
  const std::string prefix = "segment_";
  int32_t segment = -1;
  const char* digits = series_id.data() + prefix.size();
  const char* end = series_id.data() + series_id.size();
  if (series_id.rfind(prefix, 0) == 0 && digits != end) {
    const auto [stop, error] = std::from_chars(digits, end, segment);
    if (error == std::errc() && stop == end && segment >= 0) return segment;
  }
  throw InvalidArgument("not a forecast series of a run: '" + series_id + "'",
                        ErrorLocation{"", 0, "series", "total, existing, new or segment_<id>"});
}

std::string SeriesIdOfSegment(int32_t segment) {
  switch (segment) {
    case kTotalSeries: return "total";
    case kExistingSeries: return "existing";
    case kNewSeries: return "new";
    default: return "segment_" + std::to_string(segment);
  }
}

}  // namespace segcast
