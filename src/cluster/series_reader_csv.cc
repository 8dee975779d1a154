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


}  // namespace

TimeSeriesSet ReadLongCsvFile(const std::string& path) {
  internal::TextLineReader reader(path);
  std::string line;
  std::vector<std::string> fields;
  if (!reader.Next(line)) throw InputError("empty series file", {path, 1, "", "a header row"});
  internal::SplitCsvRecord(line, fields);
  if (fields.size() < 3) {
    throw InputError("the header needs id, step and at least one dimension column",
                     {path, 1, "", "id,step,<dim>..."});
  }
  TimeSeriesSet set;
  set.dims = static_cast<int>(fields.size()) - 2;
  set.dim_names.assign(fields.begin() + 2, fields.end());

  struct Row {
    int64_t step;
    int64_t line;
    size_t first_value;
  };
  std::unordered_map<std::string, int> index_of;
  std::vector<std::string> ids;
  std::vector<std::vector<Row>> rows;
  std::vector<double> values;
  while (reader.Next(line)) {
    if (line.empty()) continue;
    internal::SplitCsvRecord(line, fields);
    auto fail = [&](const std::string& field, const std::string& message,
                    const std::string& expected) {
      throw InputError(message, {path, reader.line_number(), field, expected});
    };
    if (static_cast<int>(fields.size()) != set.dims + 2) {
      fail("", "the row has " + std::to_string(fields.size()) + " fields",
           std::to_string(set.dims + 2) + " fields like the header");
    }
    // An empty id cannot name a series in assignments.csv, and such rows would pool into one.
    if (fields[0].empty()) fail("id", "empty series id", "a non-empty id");
    int64_t step = 0;
    {
      const std::string& text = fields[1];
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), step);
      if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        fail("step", "step '" + text + "' is not an integer", "an integer");
      }
    }
    const size_t first_value = values.size();
    for (int dim = 0; dim < set.dims; ++dim) {
      const std::string& text = fields[2 + dim];
      double value = 0.0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
          !std::isfinite(value)) {
        fail(set.dim_names[dim], "'" + text + "' is not a finite number", "a finite number");
      }
      values.push_back(value);
    }
    auto [it, inserted] = index_of.emplace(fields[0], static_cast<int>(ids.size()));
    if (inserted) {
      ids.push_back(fields[0]);
      rows.emplace_back();
    }
    rows[it->second].push_back({step, reader.line_number(), first_value});
  }
  if (ids.empty()) throw InputError("no series rows", {path, 2, "", "at least one data row"});
  std::vector<double> steps;
  for (size_t series = 0; series < ids.size(); ++series) {
    auto& list = rows[series];
    std::stable_sort(list.begin(), list.end(),
                     [](const Row& a, const Row& b) { return a.step < b.step; });
    steps.clear();
    for (size_t position = 0; position < list.size(); ++position) {
      if (position > 0 && list[position].step == list[position - 1].step) {
        throw InputError("series '" + ids[series] + "' repeats step " +
                             std::to_string(list[position].step),
                         {path, list[position].line, "step", "distinct steps within a series"});
      }
      steps.insert(steps.end(), values.begin() + list[position].first_value,
                   values.begin() + list[position].first_value + set.dims);
    }
    set.Add(ids[series], steps.data(), static_cast<int>(list.size()));
  }
  return set;
}

}  // namespace segcast
