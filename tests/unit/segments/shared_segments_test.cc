// The [shared] tier: the segment report, personas and migration on the real logs of
// ../shared/data. Segments here are recency tertiles of the static RFM table, a stand-in for the
// clustering that keeps this stage's tests independent of it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "segcast/ingest.h"
#include "segcast/migration.h"
#include "segcast/personas.h"
#include "segcast/rfm.h"
#include "segcast/segment_report.h"
#include "support/shared_data.h"

using namespace segcast;
using segcast::testing::SharedDataPath;

namespace {

// Segment 0, 1, 2 = recency tertile (most recent first); ties go to the lower tertile.
std::vector<int32_t> RecencyTertiles(const RfmTable& rfm) {
  std::vector<int32_t> sorted = rfm.recency;
  std::sort(sorted.begin(), sorted.end());
  const int32_t first = sorted[sorted.size() / 3], second = sorted[2 * sorted.size() / 3];
  std::vector<int32_t> labels;
  for (int32_t recency : rfm.recency)
    labels.push_back(recency <= first ? 0 : recency <= second ? 1 : 2);
  return labels;
}

SegmentReportInput ReportInput(const Transactions& transactions, const RfmTable& rfm) {
  SegmentReportInput input;
  input.segment = RecencyTertiles(rfm);
  input.revenue = rfm.monetary;
  input.country = rfm.country;
  for (size_t customer = 0; customer < rfm.size(); ++customer) {
    input.lrfm.push_back({static_cast<double>(rfm.as_of - rfm.first_purchase[customer]),
                          static_cast<double>(rfm.recency[customer]),
                          static_cast<double>(rfm.frequency[customer]), rfm.monetary[customer]});
  }
  if (!transactions.attributes.columns.empty()) {
    input.attributes.columns = transactions.attributes.columns;
    for (int32_t index : rfm.customer_index)
      input.attributes.values.push_back(transactions.attributes.values[index]);
  }
  return input;
}

}  // namespace

TEST_CASE("KPMG: demographic and state mix per segment", "[shared][segments]") {
  IngestOptions options;
  options.path = SharedDataPath("kpmg_transactions.csv.gz").string();
  options.demographics_path = SharedDataPath("kpmg_customer_demographic.csv.gz").string();
  options.addresses_path = SharedDataPath("kpmg_customer_address.csv.gz").string();
  const Transactions transactions = Ingest(options).transactions;
  const RfmTable rfm = ComputeRfm(transactions, {});
  const SegmentReportInput input = ReportInput(transactions, rfm);
  const SegmentReport report = BuildSegmentReport(input, {});
  REQUIRE(report.segments.size() == 3);
  CHECK(report.customers == static_cast<int64_t>(rfm.size()));

  const auto& columns = transactions.attributes.columns;
  const size_t wealth =
      std::find(columns.begin(), columns.end(), "wealth_segment") - columns.begin();
  REQUIRE(wealth < columns.size());
  for (const SegmentSummary& segment : report.segments) {
    std::set<std::string> names;
    for (const AttributeMix& mix : segment.mixes) {
      names.insert(mix.column);
      int64_t total = 0;
      double share = 0;
      for (const MixEntry& entry : mix.entries) {
        total += entry.customers;
        share += entry.share;
      }
      CHECK(total == segment.customers);
      CHECK(share == Approx(1.0));
    }
    CHECK(names.count("country"));
    CHECK(names.count("gender"));
    CHECK(names.count("wealth_segment"));
    CHECK(names.count("state"));
    // Independent recount of the wealth segments of this segment's members.
    std::map<std::string, int64_t> recount;
    for (size_t customer = 0; customer < input.segment.size(); ++customer) {
      if (input.segment[customer] != segment.segment_id) continue;
      const std::string& value = input.attributes.values[customer][wealth];
      ++recount[value.empty() ? "(missing)" : value];
    }
    const AttributeMix& mix =
        *std::find_if(segment.mixes.begin(), segment.mixes.end(),
                      [](const AttributeMix& m) { return m.column == "wealth_segment"; });
    for (const MixEntry& entry : mix.entries) CHECK(recount[entry.value] == entry.customers);
  }

  // The Pareto figure against a direct computation.
  std::vector<double> revenue = rfm.monetary;
  std::sort(revenue.rbegin(), revenue.rend());
  const size_t top = static_cast<size_t>(std::ceil(0.2 * revenue.size() - 1e-9));
  const double total = std::accumulate(revenue.begin(), revenue.end(), 0.0);
  CHECK(report.top_customers_revenue_share ==
        Approx(std::accumulate(revenue.begin(), revenue.begin() + top, 0.0) / total));

  const auto personas =
      AssignPersonas(report.Profiles(), report.Population(), DefaultPersonaRules());
  std::set<std::string> names;
  for (const Persona& persona : personas) names.insert(persona.name);
  CHECK(names.size() == personas.size());
  const std::string markdown = RenderSegmentReportMarkdown(report, personas);
  CHECK(markdown.find("- state: ") != std::string::npos);
  CHECK(markdown.find("- wealth_segment: ") != std::string::npos);
}

TEST_CASE("Online Retail: migration from June to December sums to the customer counts",
          "[shared][segments]") {
  IngestOptions options;
  options.path = SharedDataPath("online_retail.csv.gz").string();
  const Transactions transactions = Ingest(options).transactions;
  RfmOptions june_options;
  june_options.as_of = DayFromCivil(2011, 7, 1);
  const RfmTable june = ComputeRfm(transactions, june_options);
  const RfmTable december = ComputeRfm(transactions, {});
  const RunAssignments previous{june.customer_ids, RecencyTertiles(june), june.monetary};
  const RunAssignments current{december.customer_ids, RecencyTertiles(december), december.monetary};
  const MigrationResult migration = BuildMigration(previous, current);
  std::map<int32_t, int64_t> from, to, previous_counts, current_counts;
  for (int32_t label : previous.segment) ++previous_counts[label];
  for (int32_t label : current.segment) ++current_counts[label];
  for (const MigrationCell& cell : migration.matrix) {
    if (cell.from_segment != kNoSegment) from[cell.from_segment] += cell.customers;
    if (cell.to_segment != kNoSegment) to[cell.to_segment] += cell.customers;
  }
  CHECK(from == previous_counts);
  CHECK(to == current_counts);
  // Every customer who bought by June is still a customer in December.
  CHECK(migration.gone == 0);
  CHECK(migration.new_customers ==
        static_cast<int64_t>(december.size()) - static_cast<int64_t>(june.size()));
  CHECK(migration.stayed + migration.moved == static_cast<int64_t>(june.size()));
}
