#include <algorithm>
#include <unordered_map>

#include "segcast/error.h"
#include "segcast/series.h"

namespace segcast {

int TimeSeriesSet::MaxLength() const {
  int longest = 0;
  for (int series = 0; series < size(); ++series) longest = std::max(longest, Length(series));
  return longest;
}

int TimeSeriesSet::MinLength() const {
  if (size() == 0) return 0;
  int shortest = Length(0);
  for (int series = 1; series < size(); ++series) shortest = std::min(shortest, Length(series));
  return shortest;
}

void TimeSeriesSet::Add(const std::string& id, const double* data, int length) {
  if (length < 1) {
    throw InvalidArgument("a series needs at least one step", {"", 0, id, "length >= 1"});
  }
  ids.push_back(id);
  values.insert(values.end(), data, data + static_cast<int64_t>(length) * dims);
  offsets.push_back(offsets.back() + length);
}

TimeSeriesSet Concatenate(const TimeSeriesSet& first, const TimeSeriesSet& second) {
  if (first.dims != second.dims) {
    throw InvalidArgument("cannot concatenate series sets of different dimensions",
                          {"", 0, "dims", std::to_string(first.dims)});
  }
  TimeSeriesSet joined = first;
  for (int series = 0; series < second.size(); ++series) {
    joined.Add(second.ids[series], second.Data(series), second.Length(series));
  }
  if (!first.labels.empty() && !second.labels.empty()) {
    joined.labels.insert(joined.labels.end(), second.labels.begin(), second.labels.end());
  } else {
    joined.labels.clear();
  }
  return joined;
}

std::vector<int> EncodeLabels(const std::vector<std::string>& labels, int* class_count) {
  std::unordered_map<std::string, int> codes;
  std::vector<int> encoded;
  encoded.reserve(labels.size());
  for (const auto& label : labels) {
    auto [it, inserted] = codes.emplace(label, static_cast<int>(codes.size()));
    encoded.push_back(it->second);
  }
  if (class_count != nullptr) *class_count = static_cast<int>(codes.size());
  return encoded;
}

TimeSeriesSet ReadSeriesFile(const std::string& path) {
  auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".ts") || ends_with(".ts.gz")) return ReadUcrTsFile(path);
  return ReadLongCsvFile(path);
}

}  // namespace segcast
