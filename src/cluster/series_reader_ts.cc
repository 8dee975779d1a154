// The sktime / UCR / UEA `.ts` text format (equal or unequal lengths, uni- or multivariate).
#include <cctype>
#include <charconv>
#include <cmath>
#include <string_view>

#include "core/text_lines.h"
#include "segcast/error.h"
#include "segcast/series.h"

namespace segcast {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

TimeSeriesSet ReadUcrTsFile(const std::string& path) {
  internal::TextLineReader reader(path);
  TimeSeriesSet set;
  bool in_data = false;
  bool class_label = false;
  int declared_dims = -1;
  std::string line;
  std::vector<double> steps;           // one case, step-major
  std::vector<std::vector<double>> dimension_values;
  auto fail = [&](const std::string& message, const std::string& expected) {
    throw InputError(message, {path, reader.line_number(), "", expected});
  };
  while (reader.Next(line)) {
    std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    if (!in_data) {
      if (text.front() != '@') fail("unexpected text before @data", "a header line starting with @");
      const size_t space = text.find_first_of(" \t");
      const std::string key = Lower(text.substr(0, space));
      const std::string value =
          space == std::string_view::npos ? "" : Lower(Trim(text.substr(space)));
      if (key == "@data") {
        in_data = true;
      } else if (key == "@classlabel") {
        class_label = value.rfind("true", 0) == 0;
      } else if (key == "@dimensions") {
        declared_dims = std::atoi(value.c_str());
      } else if (key == "@univariate" && value == "true") {
        declared_dims = 1;
      } else if (key == "@timestamps" && value == "true") {
        fail("timestamped .ts files are not supported", "@timestamps false");
      }
      continue;
    }
    // One case: dimensions separated by ':', values by ','; the class label last.
    std::vector<std::string_view> fields;
    size_t begin = 0;
    while (true) {
      const size_t colon = text.find(':', begin);
      fields.push_back(text.substr(begin, colon == std::string_view::npos ? colon : colon - begin));
      if (colon == std::string_view::npos) break;
      begin = colon + 1;
    }
    std::string label;
    if (class_label) {
      if (fields.size() < 2) fail("a case needs values and a class label", "values:label");
      label = std::string(Trim(fields.back()));
      fields.pop_back();
    }
    const int dims = static_cast<int>(fields.size());
    if (set.ids.empty()) {
      if (declared_dims > 0 && declared_dims != dims) {
        fail("the case has " + std::to_string(dims) + " dimensions, the header says " +
                 std::to_string(declared_dims),
             std::to_string(declared_dims) + " dimensions");
      }
      set.dims = dims;
      for (int dim = 0; dim < dims; ++dim) set.dim_names.push_back("dim_" + std::to_string(dim));
    } else if (dims != set.dims) {
      fail("the case has " + std::to_string(dims) + " dimensions, earlier cases " +
               std::to_string(set.dims),
           std::to_string(set.dims) + " dimensions");
    }
    dimension_values.assign(dims, {});
    for (int dim = 0; dim < dims; ++dim) {
      std::string_view values = fields[dim];
      size_t start = 0;
      while (start <= values.size()) {
        const size_t comma = values.find(',', start);
        std::string_view token =
            Trim(values.substr(start, comma == std::string_view::npos ? comma : comma - start));
        double value = 0.0;
        const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
        if (token.empty() || error != std::errc() || end != token.data() + token.size() ||
            !std::isfinite(value)) {
          fail("value '" + std::string(token) + "' of dimension " + std::to_string(dim) +
                   " is not a finite number",
               "finite numbers (missing values are not supported by DTW)");
        }
        dimension_values[dim].push_back(value);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      if (dimension_values[dim].size() != dimension_values[0].size()) {
        fail("the dimensions of one case have different lengths", "equal lengths within a case");
      }
    }
    const int length = static_cast<int>(dimension_values[0].size());
    steps.resize(static_cast<size_t>(length) * dims);
    for (int step = 0; step < length; ++step) {
      for (int dim = 0; dim < dims; ++dim) steps[step * dims + dim] = dimension_values[dim][step];
    }
    set.Add(std::to_string(set.size()), steps.data(), length);
    if (class_label) set.labels.push_back(label);
  }
  if (!in_data) throw InputError("no @data section", {path, 0, "", "a .ts file with @data"});
  if (set.size() == 0) throw InputError("no series after @data", {path, 0, "", "at least one case"});
  return set;
}

}  // namespace segcast
