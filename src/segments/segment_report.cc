// Segment report figures. Shares are of the population in the input; revenue shares use the sum
// of revenue as it is (returns included), so they add up to 1 even with negative customers.
#include "segcast/segment_report.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "segcast/error.h"
#include "segments/text_format.h"

namespace segcast {
namespace {

constexpr const char* kMissing = "(missing)";
constexpr const char* kOther = "(other)";

// One categorical column: its name and each customer's value, already in canonical spelling.
struct MixSource {
  std::string column;
  std::vector<std::string> values;
};

std::vector<MixSource> MixSources(const SegmentReportInput& input, const MixRules& rules) {
  std::vector<MixSource> sources;
  auto add = [&](const std::string& column, auto value_of) {
    MixSource source{column, {}};
    source.values.reserve(input.segment.size());
    for (size_t customer = 0; customer < input.segment.size(); ++customer) {
      const std::string value = rules.Canonical(column, value_of(customer));
      source.values.push_back(value.empty() ? std::string(kMissing) : value);
    }
    sources.push_back(std::move(source));
  };
  if (!input.country.empty()) add("country", [&](size_t customer) { return input.country[customer]; });
  if (!input.attributes.values.empty()) {
    for (size_t column = 0; column < input.attributes.columns.size(); ++column) {
      add(input.attributes.columns[column],
          [&](size_t customer) { return input.attributes.values[customer][column]; });
    }
  }
  return sources;
}

std::map<std::string, int64_t> CountValues(const MixSource& source,
                                           const std::vector<size_t>& members) {
  std::map<std::string, int64_t> counts;
  for (size_t customer : members) ++counts[source.values[customer]];
  return counts;
}

// Total variation distance between two distributions given as counts: half the sum of the
// absolute differences of the shares.
double TotalVariation(const std::map<std::string, int64_t>& a, int64_t a_total,
                      const std::map<std::string, int64_t>& b, int64_t b_total) {
  std::set<std::string> keys;
  for (const auto& [value, count] : a) keys.insert(value);
  for (const auto& [value, count] : b) keys.insert(value);
  double sum = 0.0;
  for (const std::string& key : keys) {
    const auto in_a = a.find(key), in_b = b.find(key);
    const double share_a = in_a == a.end() ? 0.0 : static_cast<double>(in_a->second) / a_total;
    const double share_b = in_b == b.end() ? 0.0 : static_cast<double>(in_b->second) / b_total;
    sum += std::fabs(share_a - share_b);
  }
  return 0.5 * sum;
}

// "The gender and state mixes hardly differ between segments (no segment is more than 10% away
// from all customers); wealth_segment differs most in segment 3 (24%)."
std::string MixStatement(const std::vector<MixDifference>& differences, double threshold) {
  std::vector<std::string> similar, different;
  for (const MixDifference& difference : differences) {
    (difference.differs ? different : similar).push_back(difference.column);
  }
  auto list = [](const std::vector<std::string>& columns) {
    std::string text;
    for (size_t index = 0; index < columns.size(); ++index) {
      if (index > 0) text += index + 1 == columns.size() ? " and " : ", ";
      text += columns[index];
    }
    return text;
  };
  std::string text;
  if (!similar.empty()) {
    text = "The " + list(similar) + (similar.size() > 1 ? " mixes do" : " mix does") +
           " not differ between segments (no segment's mix is more than " +
           internal::FormatShare(threshold) + " away from all customers')";
  }
  for (const MixDifference& difference : differences) {
    if (!difference.differs) continue;
    text += text.empty() ? "The " : "; the ";
    text += difference.column + " mix differs most in segment " +
            std::to_string(difference.segment_id) + " (" +
            internal::FormatShare(difference.max_distance) + " of it away from all customers')";
  }
  return text.empty() ? text : text + ".";
}

AttributeMix BuildMix(const MixSource& source, const std::vector<size_t>& members,
                      int max_values) {
  const std::string& column = source.column;
  const std::map<std::string, int64_t> counts = CountValues(source, members);
  std::vector<MixEntry> entries;
  for (const auto& [value, customers] : counts) entries.push_back({value, customers, 0.0});
  std::sort(entries.begin(), entries.end(), [](const MixEntry& a, const MixEntry& b) {
    return a.customers != b.customers ? a.customers > b.customers : a.value < b.value;
  });
  if (static_cast<int>(entries.size()) > max_values) {
    // Fold the tail into one entry so a column with 500 postcodes stays readable.
    MixEntry other{kOther, 0, 0.0};
    for (size_t index = static_cast<size_t>(max_values) - 1; index < entries.size(); ++index)
      other.customers += entries[index].customers;
    entries.resize(static_cast<size_t>(max_values) - 1);
    entries.push_back(other);
  }
  const double total = static_cast<double>(members.size());
  for (MixEntry& entry : entries) entry.share = total > 0 ? entry.customers / total : 0.0;
  return {column, std::move(entries)};
}

// Per-customer revenue, highest first.
std::vector<double> SortedRevenue(const std::vector<double>& revenue) {
  std::vector<double> sorted = revenue;
  std::sort(sorted.begin(), sorted.end(), std::greater<double>());
  return sorted;
}

// For each mix column, how far the furthest segment is from all customers, and the statement.
void CompareMixes(const std::vector<MixSource>& sources,
                  const std::map<int32_t, std::vector<size_t>>& members, const MixRules& rules,
                  SegmentReport& report) {
  if (sources.empty() || report.customers == 0) return;
  std::vector<size_t> everyone(static_cast<size_t>(report.customers));
  std::iota(everyone.begin(), everyone.end(), size_t{0});
  for (const MixSource& source : sources) {
    const std::map<std::string, int64_t> all = CountValues(source, everyone);
    MixDifference difference;
    difference.column = source.column;
    for (const auto& [segment_id, rows] : members) {
      const double distance = TotalVariation(CountValues(source, rows),
                                             static_cast<int64_t>(rows.size()), all,
                                             report.customers);
      if (distance > difference.max_distance) {
        difference.max_distance = distance;
        difference.segment_id = segment_id;
      }
    }
    difference.differs = difference.max_distance > rules.similar_distance;
    report.mix_differences.push_back(difference);
  }
  report.mix_statement = MixStatement(report.mix_differences, rules.similar_distance);
}

}  // namespace

std::string FormatPercent(double share) { return internal::FormatShare(share); }

void SegmentReportOptions::Validate() const {
  if (!(pareto_customer_share > 0.0 && pareto_customer_share < 1.0))
    throw InvalidArgument("out of range", {.field = "pareto_customer_share", .expected = "(0, 1)"});
  if (!(pareto_revenue_share > 0.0 && pareto_revenue_share < 1.0))
    throw InvalidArgument("out of range", {.field = "pareto_revenue_share", .expected = "(0, 1)"});
  if (max_mix_values < 1)
    throw InvalidArgument("out of range", {.field = "max_mix_values", .expected = ">= 1"});
}

namespace {

void CheckInputShape(const SegmentReportInput& input) {
  const size_t count = input.segment.size();
  auto check_length = [&](size_t size, const char* field, bool optional) {
    if (size == count || (optional && size == 0)) return;
    throw InvalidArgument(
        "has " + std::to_string(size) + " entries",
        {.field = field,
         .expected = std::to_string(count) + " (one per customer)" + (optional ? " or none" : "")});
  };
  check_length(input.revenue.size(), "revenue", false);
  check_length(input.lrfm.size(), "lrfm", false);
  check_length(input.country.size(), "country", true);
  check_length(input.attributes.values.size(), "attributes.values", true);
  for (size_t row = 0; row < input.attributes.values.size(); ++row) {
    if (input.attributes.values[row].size() != input.attributes.columns.size()) {
      throw InvalidArgument("attribute row has the wrong number of columns",
                            {.field = "attributes.values[" + std::to_string(row) + "]",
                             .expected = std::to_string(input.attributes.columns.size())});
    }
  }
}

// Customer rows of every segment id, ascending ids.
std::map<int32_t, std::vector<size_t>> MembersBySegment(const std::vector<int32_t>& segment) {
  std::map<int32_t, std::vector<size_t>> members;
  for (size_t customer = 0; customer < segment.size(); ++customer) {
    if (segment[customer] < 0) {
      throw InvalidArgument(
          "negative segment id",
          {.field = "segment[" + std::to_string(customer) + "]", .expected = ">= 0"});
    }
    members[segment[customer]].push_back(customer);
  }
  return members;
}

std::map<int32_t, const SegmentCentroid*> CentroidsBySegment(const std::vector<SegmentCentroid>& list) {
  std::map<int32_t, const SegmentCentroid*> centroids;
  for (const SegmentCentroid& centroid : list) {
    if (!centroids.emplace(centroid.segment_id, &centroid).second) {
      throw InvalidArgument("two centroids for segment " + std::to_string(centroid.segment_id),
                            {.field = "centroids", .expected = "at most one per segment"});
    }
  }
  return centroids;
}

double Share(double part, double whole) { return whole != 0.0 ? part / whole : 0.0; }

SegmentSummary Summarise(const SegmentReportInput& input, int32_t segment_id,
                         const std::vector<size_t>& rows, double total_revenue,
                         const SegmentCentroid* centroid, const std::vector<MixSource>& sources,
                         int max_mix_values) {
  SegmentSummary summary;
  summary.segment_id = segment_id;
  summary.customers = static_cast<int64_t>(rows.size());
  summary.customer_share = Share(static_cast<double>(rows.size()), static_cast<double>(input.segment.size()));
  for (size_t customer : rows) {
    summary.revenue += input.revenue[customer];
    for (int feature = 0; feature < 4; ++feature) summary.mean[feature] += input.lrfm[customer][feature];
  }
  for (double& mean : summary.mean) mean /= static_cast<double>(rows.size());
  summary.revenue_share = Share(summary.revenue, total_revenue);
  if (centroid) {
    summary.trajectory = centroid->trajectory;
    summary.first_month = centroid->first_month;
  }
  for (const MixSource& source : sources) summary.mixes.push_back(BuildMix(source, rows, max_mix_values));
  return summary;
}

// Segments by revenue share, largest first, with running shares and a sentence each.
std::vector<ConcentrationRow> Concentration(const std::vector<SegmentSummary>& segments) {
  std::vector<ConcentrationRow> rows;
  for (const SegmentSummary& summary : segments) {
    ConcentrationRow row;
    row.segment_id = summary.segment_id;
    row.customer_share = summary.customer_share;
    row.revenue_share = summary.revenue_share;
    row.lift = summary.customer_share > 0 ? summary.revenue_share / summary.customer_share : 0.0;
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end(), [](const ConcentrationRow& a, const ConcentrationRow& b) {
    return a.revenue_share != b.revenue_share ? a.revenue_share > b.revenue_share
                                              : a.segment_id < b.segment_id;
  });
  double cumulative_customers = 0.0, cumulative_revenue = 0.0;
  for (ConcentrationRow& row : rows) {
    cumulative_customers += row.customer_share;
    cumulative_revenue += row.revenue_share;
    row.cumulative_customer_share = cumulative_customers;
    row.cumulative_revenue_share = cumulative_revenue;
    row.statement = FormatPercent(row.customer_share) + " of customers bring " +
                    FormatPercent(row.revenue_share) + " of revenue";
  }
  return rows;
}

// Pareto figures from per-customer revenue. The top share is a whole number of customers:
// ceil(share * n), so "the top 20%" of 7 customers is 2 of them (28.6%), stated as such.
void AddPareto(const std::vector<double>& revenue, const SegmentReportOptions& options,
               SegmentReport& report) {
  const size_t count = revenue.size();
  if (count == 0 || report.revenue <= 0.0) return;
  const std::vector<double> sorted = SortedRevenue(revenue);
  const size_t top = std::max<size_t>(
      1, static_cast<size_t>(std::ceil(options.pareto_customer_share * count - 1e-9)));
  const double top_revenue = std::accumulate(sorted.begin(), sorted.begin() + top, 0.0);
  report.top_customers_revenue_share = top_revenue / report.revenue;
  const double target = options.pareto_revenue_share * report.revenue;
  double running = 0.0;
  size_t needed = count;
  for (size_t index = 0; index < count; ++index) {
    running += sorted[index];
    if (running >= target - 1e-9 * std::fabs(report.revenue)) {
      needed = index + 1;
      break;
    }
  }
  report.customers_for_revenue_share = static_cast<double>(needed) / count;
  report.pareto_statement =
      "the top " + FormatPercent(static_cast<double>(top) / count) + " of customers bring " +
      FormatPercent(report.top_customers_revenue_share) + " of revenue; " +
      FormatPercent(report.customers_for_revenue_share) + " of customers bring " +
      FormatPercent(options.pareto_revenue_share) + " of revenue";
}

}  // namespace

SegmentReport BuildSegmentReport(const SegmentReportInput& input,
                                 const SegmentReportOptions& options) {
  options.Validate();
  CheckInputShape(input);
  const std::map<int32_t, std::vector<size_t>> members = MembersBySegment(input.segment);
  const std::map<int32_t, const SegmentCentroid*> centroids = CentroidsBySegment(input.centroids);
  const size_t count = input.segment.size();
  SegmentReport report;
  report.customers = static_cast<int64_t>(count);
  report.revenue = std::accumulate(input.revenue.begin(), input.revenue.end(), 0.0);
  for (size_t customer = 0; customer < count; ++customer)
    for (int feature = 0; feature < 4; ++feature)
      report.population_mean[feature] += input.lrfm[customer][feature];
  if (count > 0)
    for (double& mean : report.population_mean) mean /= static_cast<double>(count);

  const std::vector<MixSource> sources = MixSources(input, options.mix);
  for (const auto& [segment_id, rows] : members) {
    const auto centroid = centroids.find(segment_id);
    report.segments.push_back(Summarise(input, segment_id, rows, report.revenue,
                                        centroid != centroids.end() ? centroid->second : nullptr,
                                        sources, options.max_mix_values));
  }
  CompareMixes(sources, members, options.mix, report);
  report.concentration = Concentration(report.segments);
  AddPareto(input.revenue, options, report);
  return report;
}

std::vector<SegmentProfile> SegmentReport::Profiles() const {
  std::vector<SegmentProfile> profiles;
  for (const SegmentSummary& summary : segments) {
    SegmentProfile profile;
    profile.segment_id = summary.segment_id;
    profile.customers = summary.customers;
    profile.revenue = summary.revenue;
    profile.mean = summary.mean;
    profile.trajectory = summary.trajectory;
    profile.first_month = summary.first_month;
    profiles.push_back(std::move(profile));
  }
  return profiles;
}

PopulationProfile SegmentReport::Population() const {
  return {population_mean, customers, revenue};
}

}  // namespace segcast
