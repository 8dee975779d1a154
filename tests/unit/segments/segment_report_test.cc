#include "segcast/segment_report.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "segcast/error.h"

using namespace segcast;

namespace {

// Ten customers in three segments; revenue chosen so shares are easy to check by hand.
SegmentReportInput TenCustomers() {
  SegmentReportInput input;
  input.segment = {0, 0, 1, 1, 1, 2, 2, 2, 2, 2};
  input.revenue = {500, 300, 60, 40, 50, 10, 10, 10, 10, 10};  // total 1000
  for (size_t customer = 0; customer < input.segment.size(); ++customer)
    input.lrfm.push_back({100.0 + customer, 10.0 * customer, 1.0, input.revenue[customer] / 10});
  input.country = {"United Kingdom", "France",  "United Kingdom", "",
                   "United Kingdom", "Germany", "Germany",        "France",
                   "United Kingdom", "Germany"};
  input.attributes.columns = {"gender", "wealth_segment"};
  input.attributes.values = {{"F", "Mass Customer"},     {"M", "Affluent Customer"},
                             {"F", "Mass Customer"},     {"F", "Mass Customer"},
                             {"M", "High Net Worth"},    {"", "Mass Customer"},
                             {"F", "Mass Customer"},     {"M", "Mass Customer"},
                             {"F", "Affluent Customer"}, {"M", "Mass Customer"}};
  input.centroids = {{1, MakeMonth(2011, 9), {{1, 2, 3, 4}, {5, 6, 7, 8}}}};
  return input;
}

}  // namespace

TEST_CASE("segment summaries: counts, shares, means, trajectories", "[segments][report]") {
  SegmentReport report = BuildSegmentReport(TenCustomers(), {});
  CHECK(report.customers == 10);
  CHECK(report.revenue == Approx(1000));
  CHECK(report.population_mean[kRecency] == Approx(45.0));  // mean of 0, 10, ..., 90
  REQUIRE(report.segments.size() == 3);
  const SegmentSummary& top = report.segments[0];
  CHECK(top.segment_id == 0);
  CHECK(top.customers == 2);
  CHECK(top.customer_share == Approx(0.2));
  CHECK(top.revenue == Approx(800));
  CHECK(top.revenue_share == Approx(0.8));
  CHECK(top.mean[kLength] == Approx(100.5));
  CHECK(top.mean[kMonetary] == Approx(40));
  CHECK(top.trajectory.empty());
  const SegmentSummary& middle = report.segments[1];
  CHECK(middle.revenue_share == Approx(0.15));
  REQUIRE(middle.trajectory.size() == 2);
  CHECK(middle.trajectory[1][kMonetary] == 8);
  CHECK(middle.first_month == MakeMonth(2011, 9));
  double customer_shares = 0, revenue_shares = 0;
  for (const SegmentSummary& summary : report.segments) {
    customer_shares += summary.customer_share;
    revenue_shares += summary.revenue_share;
  }
  CHECK(customer_shares == Approx(1.0));
  CHECK(revenue_shares == Approx(1.0));
}

TEST_CASE("country and attribute mixes per segment", "[segments][report]") {
  SegmentReport report = BuildSegmentReport(TenCustomers(), {});
  const SegmentSummary& last = report.segments[2];  // customers 5..9
  REQUIRE(last.mixes.size() == 3);
  CHECK(last.mixes[0].column == "country");
  REQUIRE(last.mixes[0].entries.size() == 3);
  CHECK(last.mixes[0].entries[0].value == "Germany");
  CHECK(last.mixes[0].entries[0].customers == 3);
  CHECK(last.mixes[0].entries[0].share == Approx(0.6));
  CHECK(last.mixes[0].entries[1].value == "France");  // 1 each: alphabetical
  CHECK(last.mixes[0].entries[2].value == "United Kingdom");
  CHECK(last.mixes[1].column == "gender");
  REQUIRE(last.mixes[1].entries.size() == 3);
  CHECK(last.mixes[1].entries[0].value == "F");  // 2 each: alphabetical
  CHECK(last.mixes[1].entries[0].customers == 2);
  CHECK(last.mixes[1].entries[1].value == "M");
  CHECK(last.mixes[1].entries[2].value == "(missing)");
  const SegmentSummary& middle = report.segments[1];
  CHECK(middle.mixes[0].entries[0].value == "United Kingdom");
  CHECK(middle.mixes[0].entries[1].value == "(missing)");

  SegmentReportOptions folded;
  folded.max_mix_values = 2;
  SegmentReport small = BuildSegmentReport(TenCustomers(), folded);
  const auto& countries = small.segments[2].mixes[0].entries;
  REQUIRE(countries.size() == 2);
  CHECK(countries[0].value == "Germany");
  CHECK(countries[1].value == "(other)");
  CHECK(countries[1].customers == 2);
}

TEST_CASE("revenue concentration table and Pareto statements", "[segments][report]") {
  SegmentReport report = BuildSegmentReport(TenCustomers(), {});
  REQUIRE(report.concentration.size() == 3);
  CHECK(report.concentration[0].segment_id == 0);
  CHECK(report.concentration[0].lift == Approx(4.0));
  CHECK(report.concentration[0].statement == "20.0% of customers bring 80.0% of revenue");
  CHECK(report.concentration[1].segment_id == 1);
  CHECK(report.concentration[1].cumulative_customer_share == Approx(0.5));
  CHECK(report.concentration[1].cumulative_revenue_share == Approx(0.95));
  CHECK(report.concentration[2].cumulative_revenue_share == Approx(1.0));
  // Top 20% = the two best customers: 800 of 1000. 80% of revenue needs exactly those two.
  CHECK(report.top_customers_revenue_share == Approx(0.8));
  CHECK(report.customers_for_revenue_share == Approx(0.2));
  CHECK(report.pareto_statement ==
        "the top 20.0% of customers bring 80.0% of revenue; "
        "20.0% of customers bring 80.0% of revenue");
}

TEST_CASE("Pareto figures agree with a direct count on uneven data", "[segments][report]") {
  SegmentReportInput input;
  // Revenue 1..37 in a scrambled order, with a return (negative revenue).
  for (int customer = 0; customer < 37; ++customer) {
    input.segment.push_back(customer % 4);
    input.revenue.push_back(static_cast<double>((customer * 17) % 37 + 1));
    input.lrfm.push_back({1, 1, 1, 1});
  }
  input.revenue[5] = -20;
  SegmentReportOptions options;
  options.pareto_customer_share = 0.1;
  options.pareto_revenue_share = 0.5;
  SegmentReport report = BuildSegmentReport(input, options);
  std::vector<double> sorted = input.revenue;
  std::sort(sorted.rbegin(), sorted.rend());
  const double total = std::accumulate(sorted.begin(), sorted.end(), 0.0);
  // ceil(0.1 * 37) = 4 customers.
  CHECK(report.top_customers_revenue_share ==
        Approx((sorted[0] + sorted[1] + sorted[2] + sorted[3]) / total));
  int needed = 0;
  for (double running = 0; running < 0.5 * total; ++needed) running += sorted[needed];
  CHECK(report.customers_for_revenue_share == Approx(needed / 37.0));
}

TEST_CASE("profiles carry what personas need", "[segments][report]") {
  SegmentReport report = BuildSegmentReport(TenCustomers(), {});
  auto profiles = report.Profiles();
  REQUIRE(profiles.size() == 3);
  CHECK(profiles[1].segment_id == 1);
  CHECK(profiles[1].customers == 3);
  CHECK(profiles[1].revenue == Approx(150));
  CHECK(profiles[1].trajectory.size() == 2);
  PopulationProfile population = report.Population();
  CHECK(population.customers == 10);
  CHECK(population.mean[kMonetary] == Approx(10.0));
}

TEST_CASE("inconsistent report input is refused", "[segments][report]") {
  SegmentReportInput input = TenCustomers();
  input.revenue.pop_back();
  CHECK_THROWS_AS(BuildSegmentReport(input, {}), InvalidArgument);
  input = TenCustomers();
  input.segment[0] = -1;
  CHECK_THROWS_AS(BuildSegmentReport(input, {}), InvalidArgument);
  input = TenCustomers();
  input.attributes.values[3].pop_back();
  CHECK_THROWS_AS(BuildSegmentReport(input, {}), InvalidArgument);
  SegmentReportOptions options;
  options.pareto_customer_share = 1.0;
  CHECK_THROWS_AS(BuildSegmentReport(TenCustomers(), options), InvalidArgument);
  CHECK(FormatPercent(0.134) == "13.4%");
}

TEST_CASE("the report renders as Markdown with names, evidence and tables", "[segments][report]") {
  SegmentReport report = BuildSegmentReport(TenCustomers(), {});
  Persona top;
  top.segment_id = 0;
  top.name = "Champions";
  top.description = "Buy often.";
  top.evidence = "M is high: 40 vs 10 (4.0x)";
  Persona piped;
  piped.segment_id = 2;
  piped.name = "A|B";
  const std::string markdown = RenderSegmentReportMarkdown(report, {top, piped}, 2);
  auto contains = [&](const std::string& text) {
    INFO(text);
    CHECK(markdown.find(text) != std::string::npos);
  };
  contains("10 customers, revenue 1,000.00.");
  contains("| 0 | Champions | 2 | 20.0% | 80.0% | 100 | 5 | 1.0 | 40.00 |");
  contains("| 1 | Segment 1 | 3 | 30.0% | 15.0% |");
  contains("| 2 | A\\|B | 5 | 50.0% | 5.0% |");
  contains("### 0. Champions\n\nBuy often.\n\nEvidence: M is high: 40 vs 10 (4.0x)");
  contains("| 2011-10 | 5 | 6 | 7.0 | 8.00 |");
  contains("- country: Germany 60.0%, France 20.0%, ...");
  contains("- wealth_segment: Mass Customer 80.0%, Affluent Customer 20.0%\n");
  contains("| Champions | 20.0% | 80.0% | 4.00 | 20.0% | 80.0% |");
  contains("Champions: 20.0% of customers bring 80.0% of revenue.");
  contains(
      "Across customers: the top 20.0% of customers bring 80.0% of revenue; 20.0% of "
      "customers bring 80.0% of revenue.");
  CHECK_THROWS_AS(RenderSegmentReportMarkdown(report, {}, 0), InvalidArgument);
}

TEST_CASE("category variants are merged and mixes that do not differ are said so",
          "[segments][report][mix]") {
  SegmentReportInput input;
  input.segment = {0, 0, 1, 1};
  input.revenue = {10, 10, 10, 10};
  input.lrfm.assign(4, {100.0, 10.0, 1.0, 10.0});
  input.attributes.columns = {"Gender", "state"};
  input.attributes.values = {
      {"F", "NSW"}, {"Femal", "Victoria"}, {"Male", "New South Wales"}, {" m ", "VIC"}};
  SegmentReportOptions options;
  options.mix = ParsePersonaRules(
                    "[mix]\nsimilar_distance = 0.1\n"
                    "[mix.values.gender]\nF = \"Female\"\nFemal = \"Female\"\nM = \"Male\"\n"
                    "[mix.values.STATE]\nnsw = \"New South Wales\"\nVIC = \"Victoria\"\n"
                    "[[persona]]\nname = \"Everyone\"\n",
                    "inline.toml")
                    .mix;
  SegmentReport report = BuildSegmentReport(input, options);
  REQUIRE(report.segments.size() == 2);
  const AttributeMix& gender = report.segments[0].mixes[0];
  REQUIRE(gender.entries.size() == 1);
  CHECK(gender.entries[0].value == "Female");
  CHECK(gender.entries[0].customers == 2);
  CHECK(report.segments[1].mixes[0].entries[0].value == "Male");
  // Both segments hold one New South Wales and one Victoria customer once the spellings merge.
  const AttributeMix& state = report.segments[1].mixes[1];
  REQUIRE(state.entries.size() == 2);
  CHECK(state.entries[0].value == "New South Wales");
  CHECK(state.entries[1].value == "Victoria");

  // Gender: each segment is all one value against a 50/50 population, a distance of
  // 0.5 x (|1 - 0.5| + |0 - 0.5|) = 0.5. State: identical mixes, distance 0.
  REQUIRE(report.mix_differences.size() == 2);
  CHECK(report.mix_differences[0].column == "Gender");
  CHECK(report.mix_differences[0].max_distance == Approx(0.5));
  CHECK(report.mix_differences[0].segment_id == 0);
  CHECK(report.mix_differences[0].differs);
  CHECK(report.mix_differences[1].max_distance == 0.0);
  CHECK_FALSE(report.mix_differences[1].differs);
  CHECK(report.mix_statement ==
        "The state mix does not differ between segments (no segment's mix is more than 10.0% "
        "away from all customers'); the Gender mix differs most in segment 0 (50.0% of it away "
        "from all customers').");

  // Without the mapping the spellings look like different states: a spurious 50% difference.
  SegmentReport raw = BuildSegmentReport(input, {});
  CHECK(raw.mix_differences[1].max_distance == Approx(0.5));
  CHECK(raw.segments[0].mixes[0].entries.size() == 2);
}

TEST_CASE("the shipped mix rules merge KPMG's spellings and leave out record flags",
          "[segments][report][mix]") {
  const MixRules mix =
      LoadPersonaRules(std::string(SEGCAST_SOURCE_DIR) + "/models/personas.toml").mix;
  CHECK(mix.Canonical("gender", "Femal") == "Female");
  CHECK(mix.Canonical("gender", "F") == "Female");
  CHECK(mix.Canonical("gender", "U") == "Unknown");
  CHECK(mix.Canonical("state", "NSW") == "New South Wales");
  CHECK(mix.Canonical("state", "Victoria") == "Victoria");
  CHECK(mix.Canonical("job_industry_category", "n/a").empty());
  CHECK(mix.Canonical("wealth_segment", "Mass Customer") == "Mass Customer");
  CHECK(mix.Excluded("deceased_indicator"));
  CHECK(mix.Excluded("First_Name"));
  CHECK_FALSE(mix.Excluded("wealth_segment"));
  CHECK(mix.similar_distance == Approx(0.1));
}
