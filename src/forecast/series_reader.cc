// Readers of the forecasting CSVs (long series files and the tourism competition's wide file).
// zlib's gz reader also passes plain files through, so one code path reads both.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/text_lines.h"
#include "segcast/error.h"
#include "segcast/monthly_series.h"

namespace segcast {
namespace {

using internal::TextLineReader;
using internal::SplitCsvRecord;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kMaxRejectExamples = 20;

bool ParseDouble(std::string_view text, double& value) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

bool ParseInt(std::string_view text, int& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

int Column(const std::vector<std::string>& header, const std::string& name, const std::string& path) {
  auto found = std::find(header.begin(), header.end(), name);
  if (found == header.end())
    throw InputError("missing column '" + name + "'",
                     ErrorLocation{path, 1, name, "a header naming it"});
  return static_cast<int>(found - header.begin());
}

void Reject(MonthlySeriesSet& set, int64_t line, const std::string& reason) {
  ++set.rows_rejected;
  if (set.reject_examples.size() < kMaxRejectExamples)
    set.reject_examples.push_back("line " + std::to_string(line) + ": " + reason);
}

// Why a month field does not parse: a well-formed month outside the calendar's years says so,
// naming the year, rather than claiming the text is not YYYY-MM.
std::string MonthProblem(const std::string& text) {
  int year = 0, month = 0;
  const bool shaped = text.size() >= 7 && text[4] == '-' && ParseInt(text.substr(0, 4), year) &&
                      ParseInt(text.substr(5, 2), month) && month >= 1 && month <= 12;
  if (shaped && (year < kFirstCalendarYear || year > kLastCalendarYear)) {
    return "month '" + text + "': year " + std::to_string(year) + " is outside the supported range " +
           std::to_string(kFirstCalendarYear) + "-" + std::to_string(kLastCalendarYear);
  }
  return "month '" + text + "' is not YYYY-MM";
}

}  // namespace

MonthlySeriesSet ReadLongSeriesCsv(const std::string& path) {
  TextLineReader reader(path);
  std::string line;
  if (!reader.Next(line))
    throw InputError("empty series file", ErrorLocation{path, 0, "", "header series_id,month,value"});
  std::vector<std::string> header = SplitCsvRecord(line);
  if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);
  const int id_column = Column(header, "series_id", path);
  const int month_column = Column(header, "month", path);
  const int value_column = Column(header, "value", path);
  const size_t needed = static_cast<size_t>(std::max({id_column, month_column, value_column})) + 1;

  MonthlySeriesSet set;
  std::vector<std::string> order;
  std::map<std::string, std::map<MonthIndex, double>> by_series;
  while (reader.Next(line)) {
    if (line.empty()) continue;
    ++set.rows_read;
    std::vector<std::string> fields = SplitCsvRecord(line);
    if (fields.size() < needed) {
      Reject(set, reader.line_number(), "too few fields");
      continue;
    }
    if (fields[id_column].empty()) {
      // An empty id cannot name a series in forecast.csv, and every such row would pool into one.
      Reject(set, reader.line_number(), "empty series_id");
      continue;
    }
    const std::string& text = fields[month_column];
    std::optional<MonthIndex> month = ParseIsoMonth(text.substr(0, 7));
    if (!month || (text.size() != 7 && !ParseIsoDay(text))) {
      Reject(set, reader.line_number(), MonthProblem(text));
      continue;
    }
    double value = kNaN;
    if (!fields[value_column].empty() && !ParseDouble(fields[value_column], value)) {
      Reject(set, reader.line_number(), "value '" + fields[value_column] + "' is not a number");
      continue;
    }
    auto [series, inserted_series] = by_series.try_emplace(fields[id_column]);
    if (inserted_series) order.push_back(fields[id_column]);
    if (!series->second.emplace(*month, value).second)
      Reject(set, reader.line_number(), "duplicate month " + text + " for series " + fields[id_column]);
  }
  for (const std::string& id : order) {
    const auto& months = by_series[id];
    MonthlySeries series;
    series.id = id;
    series.first_month = months.begin()->first;
    series.values.assign(months.rbegin()->first - series.first_month + 1, kNaN);
    for (const auto& [month, value] : months) series.values[month - series.first_month] = value;
    set.missing_months += static_cast<int64_t>(series.values.size() - months.size());
    set.series.push_back(std::move(series));
  }
  return set;
}

MonthlySeriesSet ReadTourismCsv(const std::string& path, bool hold_out_test) {
  TextLineReader reader(path);
  std::string line;
  if (!reader.Next(line)) throw InputError("empty tourism file", ErrorLocation{path, 0, "", ""});
  const std::vector<std::string> header = SplitCsvRecord(line);
  const int id_column = Column(header, "series_id", path);
  const int n_column = Column(header, "n", path);
  const int horizon_column = Column(header, "horizon", path);
  const int year_column = Column(header, "start_year", path);
  const int month_column = Column(header, "start_month", path);
  const int first_value = Column(header, "v1", path);
  // A row must reach every fixed column, wherever the header puts it (v1 may come first).
  const size_t needed_fields = static_cast<size_t>(
      std::max({id_column, n_column, horizon_column, year_column, month_column, first_value})) + 1;
  MonthlySeriesSet set;
  while (reader.Next(line)) {
    if (line.empty()) continue;
    ++set.rows_read;
    const std::vector<std::string> fields = SplitCsvRecord(line);
    int n = 0, horizon = 0, year = 0, month = 0;
    if (fields.size() < needed_fields || !ParseInt(fields[n_column], n) ||
        !ParseInt(fields[horizon_column], horizon) || !ParseInt(fields[year_column], year) ||
        !ParseInt(fields[month_column], month) || month < 1 || month > 12 || n < 1 ||
        year < 1400 || year > 9999 ||  // the calendar's range; MakeMonth would overflow beyond
        fields.size() - static_cast<size_t>(first_value) < static_cast<size_t>(n) || horizon < 0 ||
        horizon >= n) {
      Reject(set, reader.line_number(), "malformed header fields or fewer than n values");
      continue;
    }
    MonthlySeries series;
    series.id = fields[id_column];
    series.first_month = MakeMonth(year, month);
    std::vector<double> values(n);
    for (int index = 0; index < n; ++index)
      if (!ParseDouble(fields[first_value + index], values[index])) values[index] = kNaN;
    const int train = hold_out_test ? n - horizon : n;
    series.values.assign(values.begin(), values.begin() + train);
    series.future.assign(values.begin() + train, values.end());
    set.series.push_back(std::move(series));
  }
  return set;
}

}  // namespace segcast
