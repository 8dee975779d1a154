// Long CSV series: id, step, one column per dimension; one row per (series, step).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "core/text_lines.h"
#include "segcast/error.h"
#include "segcast/series.h"

namespace segcast {
namespace {

// Every error names the file, the line being read and the field.
class CsvRowErrors {
 public:
  CsvRowErrors(const std::string& path, const internal::TextLineReader& reader)
      : path_(path), reader_(reader) {}
  [[noreturn]] void Fail(const std::string& field, const std::string& message,
                         const std::string& expected) const {
    throw InputError(message, {path_, reader_.line_number(), field, expected});
  }

 private:
  const std::string& path_;
  const internal::TextLineReader& reader_;
};

// The header names the dimensions: id, step, then one column per dimension.
TimeSeriesSet EmptySetFromHeader(internal::TextLineReader& reader, const std::string& path) {
  std::string line;
  if (!reader.Next(line)) throw InputError("empty series file", {path, 1, "", "a header row"});
  const std::vector<std::string> fields = internal::SplitCsvRecord(line);
  if (fields.size() < 3) {
    throw InputError("the header needs id, step and at least one dimension column",
                     {path, 1, "", "id,step,<dim>..."});
  }
  TimeSeriesSet set;
  set.dims = static_cast<int>(fields.size()) - 2;
  set.dim_names.assign(fields.begin() + 2, fields.end());
  return set;
}

struct Row {
  int64_t step;
  int64_t line;
  size_t first_value;  // index of its dims values in LongRows::values
};

// The rows of every series in file order, series in order of first appearance.
struct LongRows {
  std::unordered_map<std::string, int> index_of;
  std::vector<std::string> ids;
  std::vector<std::vector<Row>> rows;  // per series
  std::vector<double> values;
};

int64_t ParseStep(const std::string& text, const CsvRowErrors& errors) {
  int64_t step = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), step);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    errors.Fail("step", "step '" + text + "' is not an integer", "an integer");
  }
  return step;
}

void AppendValues(const std::vector<std::string>& fields, const TimeSeriesSet& set,
                  const CsvRowErrors& errors, std::vector<double>& values) {
  for (int dim = 0; dim < set.dims; ++dim) {
    const std::string& text = fields[2 + dim];
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value)) {
      errors.Fail(set.dim_names[dim], "'" + text + "' is not a finite number", "a finite number");
    }
    values.push_back(value);
  }
}

void ReadRow(const std::vector<std::string>& fields, const TimeSeriesSet& set, int64_t line,
             const CsvRowErrors& errors, LongRows& rows) {
  if (static_cast<int>(fields.size()) != set.dims + 2) {
    errors.Fail("", "the row has " + std::to_string(fields.size()) + " fields",
                std::to_string(set.dims + 2) + " fields like the header");
  }
  // An empty id cannot name a series in assignments.csv, and such rows would pool into one.
  if (fields[0].empty()) errors.Fail("id", "empty series id", "a non-empty id");
  const int64_t step = ParseStep(fields[1], errors);
  const size_t first_value = rows.values.size();
  AppendValues(fields, set, errors, rows.values);
  auto [it, inserted] = rows.index_of.emplace(fields[0], static_cast<int>(rows.ids.size()));
  if (inserted) {
    rows.ids.push_back(fields[0]);
    rows.rows.emplace_back();
  }
  rows.rows[it->second].push_back({step, line, first_value});
}

LongRows ReadRows(internal::TextLineReader& reader, const std::string& path,
                  const TimeSeriesSet& set) {
  const CsvRowErrors errors(path, reader);
  LongRows rows;
  std::string line;
  std::vector<std::string> fields;
  while (reader.Next(line)) {
    if (line.empty()) continue;
    internal::SplitCsvRecord(line, fields);
    ReadRow(fields, set, reader.line_number(), errors, rows);
  }
  return rows;
}

// Rows may come in any order: each series is sorted by step (stably, so a repeated step is
// reported at its later line).
void AddSeriesInStepOrder(LongRows& rows, const std::string& path, TimeSeriesSet& set) {
  std::vector<double> steps;
  for (size_t series = 0; series < rows.ids.size(); ++series) {
    auto& list = rows.rows[series];
    std::stable_sort(list.begin(), list.end(),
                     [](const Row& a, const Row& b) { return a.step < b.step; });
    steps.clear();
    for (size_t position = 0; position < list.size(); ++position) {
      if (position > 0 && list[position].step == list[position - 1].step) {
        throw InputError("series '" + rows.ids[series] + "' repeats step " +
                             std::to_string(list[position].step),
                         {path, list[position].line, "step", "distinct steps within a series"});
      }
      steps.insert(steps.end(), rows.values.begin() + list[position].first_value,
                   rows.values.begin() + list[position].first_value + set.dims);
    }
    set.Add(rows.ids[series], steps.data(), static_cast<int>(list.size()));
  }
}

}  // namespace

TimeSeriesSet ReadLongCsvFile(const std::string& path) {
  internal::TextLineReader reader(path);
  TimeSeriesSet set = EmptySetFromHeader(reader, path);
  LongRows rows = ReadRows(reader, path, set);
  if (rows.ids.empty()) throw InputError("no series rows", {path, 2, "", "at least one data row"});
  AddSeriesInStepOrder(rows, path, set);
  return set;
}

}  // namespace segcast
