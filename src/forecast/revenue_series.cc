// Monthly revenue series of an LRFM panel: the total and one per segment.
#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>

#include "core/text_lines.h"
#include "segcast/error.h"
#include "segcast/monthly_series.h"

namespace segcast {

std::vector<MonthlySeries> RevenueSeriesFromPanel(const LrfmPanel& panel,
                                                  const std::vector<int>& labels,
                                                  const std::string& segment_prefix) {
  if (!labels.empty() && labels.size() != panel.customer_ids.size())
    throw InvalidArgument("one segment label per panel customer is needed (got " +
                              std::to_string(labels.size()) + " labels for " +
                              std::to_string(panel.customer_ids.size()) + " customers)",
                          ErrorLocation{"", 0, "labels", "labels.size() == customer_count()"});
  const int months = panel.month_count;
  std::map<int, std::vector<double>> by_label;
  std::vector<double> total(months, 0.0);
  for (int customer = 0; customer < panel.customer_count(); ++customer) {
    std::vector<double>* segment = nullptr;
    if (!labels.empty() && labels[customer] >= 0) {
      auto [entry, inserted] = by_label.try_emplace(labels[customer]);
      if (inserted) entry->second.assign(months, 0.0);
      segment = &entry->second;
    }
    for (int month = panel.start[customer]; month < months; ++month) {
      const double revenue = panel.At(customer, month, kMonetary);
      total[month] += revenue;
      if (segment != nullptr) (*segment)[month] += revenue;
    }
  }
  // The as-of date cuts the last month short unless it is the first day of the next month.
  std::optional<PartialMonth> partial;
  if (months > 0) {
    const MonthIndex last = panel.first_month + months - 1;
    const Day month_start = FirstDayOfMonth(last);
    const Day month_end = FirstDayOfMonth(last + 1);
    if (panel.as_of < month_end) {
      partial = PartialMonth{last, 0.0, static_cast<int>(panel.as_of - month_start),
                             static_cast<int>(month_end - month_start)};
    }
  }
  auto make = [&](const std::string& id, const std::vector<double>& values) {
    MonthlySeries series;
    series.id = id;
    series.first_month = panel.first_month;
    series.values = values;
    if (partial) {
      series.partial = partial;
      series.partial->actual_to_date = series.values.back();
      series.values.pop_back();
    }
    return series;
  };
  std::vector<MonthlySeries> result;
  result.push_back(make("total", total));
  for (const auto& [label, values] : by_label)
    result.push_back(make(segment_prefix + std::to_string(label), values));
  return result;
}

PanelLabels ReadPanelLabels(const std::string& path, const LrfmPanel& panel) {
  internal::TextLineReader reader(path);
  std::string line;
  if (!reader.Next(line))
    throw InputError("empty assignments file", ErrorLocation{path, 1, "", "header id,segment,..."});
  const std::vector<std::string> header = internal::SplitCsvRecord(line);
  auto column = [&](const std::string& name) {
    auto found = std::find(header.begin(), header.end(), name);
    if (found == header.end())
      throw InputError("missing column '" + name + "'", ErrorLocation{path, 1, name, "header id,segment,..."});
    return static_cast<size_t>(found - header.begin());
  };
  const size_t id_column = column("id"), segment_column = column("segment");
  std::unordered_map<std::string, int> index;
  for (int customer = 0; customer < panel.customer_count(); ++customer)
    index.emplace(panel.customer_ids[customer], customer);
  PanelLabels result;
  result.labels.assign(panel.customer_count(), -1);
  while (reader.Next(line)) {
    if (line.empty()) continue;
    ++result.rows_read;
    const std::vector<std::string> fields = internal::SplitCsvRecord(line);
    int label = -1;
    if (fields.size() <= std::max(id_column, segment_column)) {
      ++result.rows_rejected;
      continue;
    }
    const std::string& text = fields[segment_column];
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), label);
    if (error != std::errc() || end != text.data() + text.size() || label < 0) {
      ++result.rows_rejected;
      continue;
    }
    auto found = index.find(fields[id_column]);
    if (found == index.end()) {
      ++result.rows_unmatched;
      continue;
    }
    result.labels[found->second] = label;
  }
  result.customers_unassigned = std::count(result.labels.begin(), result.labels.end(), -1);
  return result;
}

}  // namespace segcast
