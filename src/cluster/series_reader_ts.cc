// The sktime / UCR / UEA `.ts` text format (equal or unequal lengths, uni- or multivariate).
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
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

// Every error names the file and the line being read.
class TsLineErrors {
 public:
  TsLineErrors(const std::string& path, const internal::TextLineReader& reader)
      : path_(path), reader_(reader) {}
  [[noreturn]] void Fail(const std::string& message, const std::string& expected) const {
    throw InputError(message, {path_, reader_.line_number(), "", expected});
  }

 private:
  const std::string& path_;
  const internal::TextLineReader& reader_;
};

// What the lines before @data declared.
struct TsHeader {
  bool in_data = false;
  bool class_label = false;
  int declared_dims = -1;
};

// Keys the reader does not use (@problemname, @equallength, ...) are skipped.
void ReadHeaderLine(std::string_view text, const TsLineErrors& errors, TsHeader& header) {
  if (text.front() != '@') {
    errors.Fail("unexpected text before @data", "a header line starting with @");
  }
  const size_t space = text.find_first_of(" \t");
  const std::string key = Lower(text.substr(0, space));
  const std::string value = space == std::string_view::npos ? "" : Lower(Trim(text.substr(space)));
  if (key == "@data") {
    header.in_data = true;
  } else if (key == "@classlabel") {
    header.class_label = value.rfind("true", 0) == 0;
  } else if (key == "@dimensions") {
    header.declared_dims = std::atoi(value.c_str());
  } else if (key == "@univariate" && value == "true") {
    header.declared_dims = 1;
  } else if (key == "@timestamps" && value == "true") {
    errors.Fail("timestamped .ts files are not supported", "@timestamps false");
  }
}

std::vector<std::string_view> SplitAtColons(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t begin = 0;
  while (true) {
    const size_t colon = text.find(':', begin);
    fields.push_back(text.substr(begin, colon == std::string_view::npos ? colon : colon - begin));
    if (colon == std::string_view::npos) break;
    begin = colon + 1;
  }
  return fields;
}

// The first case fixes the set's dimensions (checked against @dimensions); every later case must
// have as many.
void SetOrCheckDimensions(int dims, int declared_dims, const TsLineErrors& errors,
                          TimeSeriesSet& set) {
  if (set.ids.empty()) {
    if (declared_dims > 0 && declared_dims != dims) {
      errors.Fail("the case has " + std::to_string(dims) + " dimensions, the header says " +
                      std::to_string(declared_dims),
                  std::to_string(declared_dims) + " dimensions");
    }
    set.dims = dims;
    for (int dim = 0; dim < dims; ++dim) set.dim_names.push_back("dim_" + std::to_string(dim));
  } else if (dims != set.dims) {
    errors.Fail("the case has " + std::to_string(dims) + " dimensions, earlier cases " +
                    std::to_string(set.dims),
                std::to_string(set.dims) + " dimensions");
  }
}

// Appends the comma-separated values of one dimension of a case.
void ParseValues(std::string_view values, int dim, const TsLineErrors& errors,
                 std::vector<double>& out) {
  size_t start = 0;
  while (start <= values.size()) {
    const size_t comma = values.find(',', start);
    std::string_view token =
        Trim(values.substr(start, comma == std::string_view::npos ? comma : comma - start));
    double value = 0.0;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (token.empty() || error != std::errc() || end != token.data() + token.size() ||
        !std::isfinite(value)) {
      errors.Fail("value '" + std::string(token) + "' of dimension " + std::to_string(dim) +
                      " is not a finite number",
                  "finite numbers (missing values are not supported by DTW)");
    }
    out.push_back(value);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

void ParseDimensions(const std::vector<std::string_view>& fields, const TsLineErrors& errors,
                     std::vector<std::vector<double>>& dimension_values) {
  const int dims = static_cast<int>(fields.size());
  dimension_values.assign(dims, {});
  for (int dim = 0; dim < dims; ++dim) {
    ParseValues(fields[dim], dim, errors, dimension_values[dim]);
    if (dimension_values[dim].size() != dimension_values[0].size()) {
      errors.Fail("the dimensions of one case have different lengths",
                  "equal lengths within a case");
    }
  }
}

// The file lists a case dimension by dimension; TimeSeriesSet holds it step-major.
void AddCase(const std::vector<std::vector<double>>& dimension_values, std::vector<double>& steps,
             TimeSeriesSet& set) {
  const int dims = static_cast<int>(dimension_values.size());
  const int length = static_cast<int>(dimension_values[0].size());
  steps.resize(static_cast<size_t>(length) * dims);
  for (int step = 0; step < length; ++step) {
    for (int dim = 0; dim < dims; ++dim) steps[step * dims + dim] = dimension_values[dim][step];
  }
  set.Add(std::to_string(set.size()), steps.data(), length);
}

// Buffers reused from one case to the next.
struct CaseScratch {
  std::vector<std::vector<double>> dimension_values;
  std::vector<double> steps;  // one case, step-major
};

// One case: dimensions separated by ':', values by ','; the class label last.
void ReadCase(std::string_view text, const TsHeader& header, const TsLineErrors& errors,
              CaseScratch& scratch, TimeSeriesSet& set) {
  std::vector<std::string_view> fields = SplitAtColons(text);
  std::string label;
  if (header.class_label) {
    if (fields.size() < 2) errors.Fail("a case needs values and a class label", "values:label");
    label = std::string(Trim(fields.back()));
    fields.pop_back();
  }
  SetOrCheckDimensions(static_cast<int>(fields.size()), header.declared_dims, errors, set);
  ParseDimensions(fields, errors, scratch.dimension_values);
  AddCase(scratch.dimension_values, scratch.steps, set);
  if (header.class_label) set.labels.push_back(label);
}

}  // namespace

TimeSeriesSet ReadUcrTsFile(const std::string& path) {
  internal::TextLineReader reader(path);
  const TsLineErrors errors(path, reader);
  TimeSeriesSet set;
  TsHeader header;
  CaseScratch scratch;
  std::string line;
  while (reader.Next(line)) {
    const std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    if (header.in_data) {
      ReadCase(text, header, errors, scratch, set);
    } else {
      ReadHeaderLine(text, errors, header);
    }
  }
  if (!header.in_data) throw InputError("no @data section", {path, 0, "", "a .ts file with @data"});
  if (set.size() == 0) throw InputError("no series after @data", {path, 0, "", "at least one case"});
  return set;
}

}  // namespace segcast
