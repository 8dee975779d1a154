// The dashboard API called directly (no HTTP): every answer checked against the run files.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "segcast/dashboard.h"
#include "segcast/error.h"
#include "segcast/dtw.h"
#include "segcast/quality.h"
#include "unit/web/web_fixture.h"

namespace segcast {
namespace {

using testing::ParseCsvText;
using testing::ParseJson;
using testing::ReadCsvRows;
using testing::SampleRuns;

const Dashboard& SampleDashboard() {
  static const Dashboard dashboard([] {
    DashboardOptions options;
    options.output_dir = SampleRuns().output_dir.string();
    options.threads = 2;
    return options;
  }());
  return dashboard;
}

nlohmann::json GetJson(const std::string& path, const std::multimap<std::string, std::string>& query = {},
                       int expected_status = 200) {
  const ApiResponse answer = SampleDashboard().Get(path, query);
  INFO(path << " -> " << answer.body.substr(0, 300));
  REQUIRE(answer.status == expected_status);
  REQUIRE(answer.content_type == "application/json; charset=utf-8");
  return ParseJson(answer.body);
}

std::filesystem::path RunDir(const std::string& run) { return SampleRuns().output_dir / "runs" / run; }

}  // namespace

TEST_CASE("health and the run list name both runs, newest first", "[web]") {
  const auto& runs = SampleRuns();
  const auto health = GetJson("/api/health");
  CHECK(health["status"] == "ok");
  CHECK(health["runs"] == 2);
  const auto list = GetJson("/api/runs")["runs"];
  REQUIRE(list.size() == 2);
  CHECK(list[0]["run_id"] == runs.second_run);
  CHECK(list[1]["run_id"] == runs.first_run);
  CHECK(list[0]["previous_run_id"] == runs.first_run);
  CHECK(list[1]["previous_run_id"].is_null());
  CHECK(list[0]["k"] == 3);
  CHECK(list[0]["customers"] == static_cast<int64_t>(ReadCsvRows(RunDir(runs.second_run) / "assignments.csv").size()));
}

TEST_CASE("KPIs equal sums over the run's CSV files", "[web]") {
  const std::string run = SampleRuns().second_run;
  const auto assignments = ReadCsvRows(RunDir(run) / "assignments.csv");
  double revenue = 0;
  std::set<std::string> months;
  for (const auto& row : ReadCsvRows(RunDir(run) / "lrfm.csv")) {
    revenue += std::stod(row.at("M"));
    months.insert(row.at("month"));
  }
  double rfm_monetary = 0;
  for (const auto& row : ReadCsvRows(RunDir(run) / "rfm.csv")) rfm_monetary += std::stod(row.at("monetary"));
  for (const std::string& name : {std::string("latest"), run}) {
    const auto kpis = GetJson("/api/runs/" + name + "/kpis");
    CHECK(kpis["run_id"] == run);
    CHECK(kpis["customers"] == static_cast<int64_t>(assignments.size()));
    CHECK(kpis["total_revenue"].get<double>() == Approx(revenue).epsilon(1e-9));
    // With no window, the panel's revenue is every purchase before the as-of date: rfm.csv's too.
    CHECK(kpis["total_revenue"].get<double>() == Approx(rfm_monetary).epsilon(1e-9));
    CHECK(kpis["avg_revenue_per_customer"].get<double>() == Approx(revenue / assignments.size()));
    CHECK(kpis["segments"] == 3);
    CHECK(kpis["months"] == static_cast<int>(months.size()));
    CHECK(kpis["first_month"] == *months.begin());
    CHECK(kpis["last_month"] == *months.rbegin());
    CHECK(kpis["metric"] == "dtw");
  }
}

TEST_CASE("the run's own segments add up to its customers and revenue", "[web]") {
  const std::string run = SampleRuns().second_run;
  const auto assignments = ReadCsvRows(RunDir(run) / "assignments.csv");
  std::map<int, int64_t> sizes;
  for (const auto& row : assignments) ++sizes[std::stoi(row.at("segment"))];
  const auto answer = GetJson("/api/runs/latest/segments");
  CHECK(answer["source"] == "run");
  CHECK(answer["k"] == 3);
  REQUIRE(answer["segments"].size() == 3);
  int64_t customers = 0;
  double share = 0, revenue_share = 0;
  for (const auto& segment : answer["segments"]) {
    CHECK(segment["customers"] == sizes[segment["segment_id"].get<int>()]);
    CHECK(!segment["name"].get<std::string>().empty());
    CHECK(segment["mix"].contains("country"));
    CHECK(!segment["trajectory"].empty());
    CHECK(segment["trajectory"][0]["month"].is_string());
    customers += segment["customers"].get<int64_t>();
    share += segment["customer_share"].get<double>();
    revenue_share += segment["revenue_share"].get<double>();
    int64_t mix_total = 0;
    for (const auto& entry : segment["mix"]["country"]) mix_total += entry["customers"].get<int64_t>();
    CHECK(mix_total == segment["customers"].get<int64_t>());
  }
  CHECK(customers == static_cast<int64_t>(assignments.size()));
  CHECK(share == Approx(1.0));
  CHECK(revenue_share == Approx(1.0));
}

TEST_CASE("re-clustering at the run's own k and metric reproduces the run's segments", "[web]") {
  const std::string run = SampleRuns().second_run;
  const auto own = GetJson("/api/runs/" + run + "/segments");
  const auto again = GetJson("/api/runs/" + run + "/segments", {{"k", "3"}, {"metric", "dtw"}});
  CHECK(again["source"] == "recluster");
  CHECK(again["cached"] == false);
  CHECK(again["silhouette"].is_number());
  // Same partition: each run segment maps to exactly one re-clustered segment, with every member.
  std::multiset<int64_t> own_sizes, new_sizes;
  for (const auto& segment : own["segments"]) own_sizes.insert(segment["customers"].get<int64_t>());
  for (const auto& segment : again["segments"]) new_sizes.insert(segment["customers"].get<int64_t>());
  CHECK(own_sizes == new_sizes);
  std::map<int, int> mapping;
  for (const auto& row : ReadCsvRows(RunDir(run) / "assignments.csv")) {
    const auto customer = GetJson("/api/runs/" + run + "/customers/" + row.at("customer_id"),
                                  {{"k", "3"}, {"metric", "dtw"}});
    const int run_segment = std::stoi(row.at("segment"));
    const int new_segment = customer["segment_id"].get<int>();
    const auto [where, inserted] = mapping.emplace(run_segment, new_segment);
    REQUIRE(where->second == new_segment);
    CHECK(customer["distance"].get<double>() == Approx(std::stod(row.at("distance"))).epsilon(1e-9));
  }
  CHECK(mapping.size() == 3);
  std::set<int> targets;
  for (const auto& [from, to] : mapping) targets.insert(to);
  CHECK(targets.size() == 3);
  // Same configuration again: served from the cache, byte for byte the same segments.
  const auto cached = GetJson("/api/runs/" + run + "/segments", {{"k", "3"}, {"metric", "dtw"}});
  CHECK(cached["cached"] == true);
  CHECK(cached["segments"] == again["segments"]);
}

TEST_CASE("re-clustering with another k and metric covers every customer", "[web]") {
  for (const char* metric : {"dtw", "euclidean"}) {
    for (int k : {2, 5}) {
      const auto answer = GetJson("/api/runs/latest/segments", {{"k", std::to_string(k)}, {"metric", metric}});
      CHECK(answer["k"] == k);
      CHECK(answer["metric"] == metric);
      REQUIRE(answer["segments"].size() == static_cast<size_t>(k));
      int64_t customers = 0;
      for (const auto& segment : answer["segments"]) customers += segment["customers"].get<int64_t>();
      CHECK(customers == GetJson("/api/runs/latest/kpis")["customers"].get<int64_t>());
      const double silhouette = answer["silhouette"].get<double>();
      CHECK(silhouette >= -1.0);
      CHECK(silhouette <= 1.0);
    }
  }
}

TEST_CASE("bad parameters give 400 with the field, unknown things 404", "[web]") {
  const auto k9 = GetJson("/api/runs/latest/segments", {{"k", "9"}}, 400);
  CHECK(k9["error"]["status"] == 400);
  CHECK(k9["error"]["field"] == "k");
  CHECK(k9["error"]["message"] == "k must be an integer in 2..8");
  CHECK(GetJson("/api/runs/latest/segments", {{"k", "3x"}}, 400)["error"]["field"] == "k");
  CHECK(GetJson("/api/runs/latest/segments", {{"metric", "cosine"}}, 400)["error"]["field"] == "metric");
  CHECK(GetJson("/api/runs/latest/segments/0/customers", {{"page_size", "501"}}, 400)["error"]["field"] ==
        "page_size");
  CHECK(GetJson("/api/runs/latest/segments/0/customers", {{"page", "0"}}, 400)["error"]["field"] == "page");
  CHECK(GetJson("/api/runs/latest/customers/x/neighbours", {{"n", "51"}}, 404)["error"]["field"] == "customer");
  GetJson("/api/runs/1999-01-01/kpis", {}, 404);
  GetJson("/api/runs/..%2f/kpis", {}, 400);
  GetJson("/api/runs/latest/segments/7/customers", {}, 404);
  GetJson("/api/runs/latest/customers/no-such-customer", {}, 404);
  GetJson("/api/nothing", {}, 404);
  const auto none = GetJson("/api/runs/" + SampleRuns().first_run + "/migration", {}, 404);
  CHECK(none["error"]["message"].get<std::string>().find("no previous run") != std::string::npos);
}

TEST_CASE("customer pages: totals, order, search and the CSV export agree", "[web]") {
  const std::string run = SampleRuns().second_run;
  std::map<std::string, std::map<std::string, std::string>> rfm;
  for (auto& row : ReadCsvRows(RunDir(run) / "rfm.csv")) rfm[row.at("customer_id")] = row;
  const auto segments = GetJson("/api/runs/latest/segments")["segments"];
  for (const auto& segment : segments) {
    const std::string id = std::to_string(segment["segment_id"].get<int>());
    const auto first = GetJson("/api/runs/latest/segments/" + id + "/customers", {{"page_size", "7"}});
    CHECK(first["total"] == segment["customers"]);
    CHECK(first["page"] == 1);
    CHECK(first["customers"].size() == std::min<size_t>(7, segment["customers"].get<size_t>()));
    // Walk every page: each customer once, monetary descending.
    std::set<std::string> seen;
    double previous = INFINITY;
    const int64_t total = first["total"].get<int64_t>();
    for (int page = 1; page <= (total + 6) / 7; ++page) {
      const auto answer = GetJson("/api/runs/latest/segments/" + id + "/customers",
                                  {{"page_size", "7"}, {"page", std::to_string(page)}});
      for (const auto& customer : answer["customers"]) {
        const std::string customer_id = customer["customer_id"];
        CHECK(seen.insert(customer_id).second);
        CHECK(customer["monetary"].get<double>() <= previous);
        previous = customer["monetary"].get<double>();
        CHECK(customer["monetary"].get<double>() == Approx(std::stod(rfm.at(customer_id).at("monetary"))));
        CHECK(customer["country"] == rfm.at(customer_id).at("country"));
      }
    }
    CHECK(static_cast<int64_t>(seen.size()) == total);
    const ApiResponse csv = SampleDashboard().Get("/api/runs/latest/segments/" + id + "/customers.csv", {});
    REQUIRE(csv.status == 200);
    CHECK(csv.content_type.rfind("text/csv", 0) == 0);
    CHECK(csv.body.rfind("customer_id,country,recency,frequency,monetary,distance,p_alive,expected_revenue,clv\n", 0) ==
          0);
    const auto rows = ParseCsvText(csv.body);
    CHECK(static_cast<int64_t>(rows.size()) == total);
    for (const auto& row : rows) CHECK(seen.count(row.at("customer_id")) == 1);
    REQUIRE(csv.headers.size() == 1);
    CHECK(csv.headers[0].second == "attachment; filename=\"segment-" + id + ".csv\"");
  }
  // Search: a country filter keeps exactly that country's members of the segment.
  const auto united = GetJson("/api/runs/latest/segments/0/customers", {{"q", "UNITED kingdom"}, {"page_size", "500"}});
  int64_t expected = 0;
  for (const auto& row : ReadCsvRows(RunDir(run) / "assignments.csv")) {
    if (row.at("segment") == "0" && rfm.at(row.at("customer_id")).at("country") == "United Kingdom") ++expected;
  }
  CHECK(united["total"] == expected);
  CHECK(expected > 0);
}

TEST_CASE("one customer: RFM, segment and trajectory from the run files", "[web]") {
  const std::string run = SampleRuns().second_run;
  const auto assignments = ReadCsvRows(RunDir(run) / "assignments.csv");
  const auto& row = assignments.at(assignments.size() / 2);
  const std::string id = row.at("customer_id");
  const auto customer = GetJson("/api/runs/latest/customers/" + id);
  CHECK(customer["segment_id"] == std::stoi(row.at("segment")));
  CHECK(customer["segment_name"] == row.at("name"));
  std::vector<std::map<std::string, std::string>> months;
  for (auto& month : ReadCsvRows(RunDir(run) / "lrfm.csv")) {
    if (month.at("customer_id") == id) months.push_back(month);
  }
  REQUIRE(customer["trajectory"].size() == months.size());
  for (size_t step = 0; step < months.size(); ++step) {
    CHECK(customer["trajectory"][step]["month"] == months[step].at("month"));
    CHECK(customer["trajectory"][step]["monetary"].get<double>() == Approx(std::stod(months[step].at("M"))));
  }
}

TEST_CASE("neighbours: n nearest by DTW, ascending, without the customer itself", "[web]") {
  const std::string id = ReadCsvRows(RunDir(SampleRuns().second_run) / "assignments.csv").at(3).at("customer_id");
  const auto answer = GetJson("/api/runs/latest/customers/" + id + "/neighbours", {{"n", "6"}});
  REQUIRE(answer["neighbours"].size() == 6);
  double previous = 0;
  for (const auto& neighbour : answer["neighbours"]) {
    CHECK(neighbour["customer_id"] != id);
    CHECK(neighbour["distance"].get<double>() >= previous);
    previous = neighbour["distance"].get<double>();
    CHECK(!neighbour["trajectory"].empty());
  }
  const auto one = GetJson("/api/runs/latest/customers/" + id + "/neighbours", {{"n", "1"}});
  REQUIRE(one["neighbours"].size() == 1);
  CHECK(one["neighbours"][0] == answer["neighbours"][0]);
}

TEST_CASE("forecasts and migration follow the run files", "[web]") {
  const auto& runs = SampleRuns();
  const auto forecasts = GetJson("/api/runs/latest/forecasts");
  const nlohmann::json file = ParseJson([&] {
    std::ifstream in(RunDir(runs.second_run) / "forecast.json");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }());
  REQUIRE(forecasts["series"].size() == 6);  // total, existing, new + 3 segments
  REQUIRE(file["series"].size() == 6);
  const auto& total = forecasts["series"][0];
  const auto& existing = forecasts["series"][1];
  const auto& fresh = forecasts["series"][2];
  CHECK(total["series"] == "total");
  CHECK(total["segment_id"] == -1);
  CHECK(total["name"] == "Total");
  CHECK(existing["series"] == "existing");
  CHECK(existing["segment_id"] == -2);
  CHECK(existing["name"] == "Existing customers");
  CHECK(fresh["series"] == "new");
  CHECK(fresh["segment_id"] == -3);
  CHECK(fresh["name"] == "Customers not yet acquired");
  CHECK(forecasts["series"][3]["series"] == "segment 0");
  CHECK(forecasts["series"][3]["segment_id"] == 0);
  CHECK(forecasts["interval"].get<double>() == Approx(0.8));
  CHECK(forecasts["horizon"] == 6);
  const auto own = GetJson("/api/runs/latest/segments");
  for (size_t index = 3; index < 6; ++index) {
    CHECK(forecasts["series"][index]["name"] == own["segments"][index - 3]["name"]);
  }
  for (size_t index = 0; index < 6; ++index) {
    const auto& series = forecasts["series"][index];
    const auto& written = file["series"][index];
    INFO("series " << series["series"]);
    // Every point of forecast.json, as written: actuals over history, no fitted value there (the
    // customer-base model fits nothing to the history), the forecast with its interval after.
    REQUIRE(series["points"].size() == written["points"].size());
    int future = 0;
    for (size_t step = 0; step < series["points"].size(); ++step) {
      const auto& point = series["points"][step];
      const auto& source = written["points"][step];
      CHECK(point["month"] == source["month"]);
      CHECK(point["is_history"] == source["is_history"]);
      if (point["is_history"].get<bool>()) {
        CHECK(point["yhat"].is_null());
        CHECK(point["lower"].is_null());
        CHECK(point["actual"].get<double>() == source["actual"].get<double>());
        continue;
      }
      ++future;
      CHECK(point["actual"].is_null());
      CHECK(point["yhat"].get<double>() == source["yhat"].get<double>());
      CHECK(point["lower"].get<double>() <= point["yhat"].get<double>());
      CHECK(point["yhat"].get<double>() <= point["upper"].get<double>());
    }
    CHECK(future == 6);
    // The as-of date (2011-12-10) cuts December: its first 9 days are observed.
    REQUIRE(series["partial_month"].is_object());
    CHECK(series["partial_month"]["month"] == "2011-12");
    CHECK(series["partial_month"]["days_observed"] == 9);
    CHECK(series["partial_month"]["days_in_month"] == 31);
    CHECK(series["partial_month"]["actual_to_date"].get<double>() ==
          written["partial_month"]["actual_to_date"].get<double>());
  }
  // Customers not yet acquired have no history; existing customers have all of it.
  for (const auto& point : fresh["points"]) CHECK_FALSE(point["is_history"].get<bool>());
  CHECK(fresh["points"].size() == 6);
  CHECK(existing["points"].size() == total["points"].size());
  CHECK(fresh["partial_month"]["actual_to_date"].get<double>() == 0.0);
  // total = existing + new, and the segments add up to existing, month by month.
  std::map<std::string, double> existing_by_month, new_by_month, segments_by_month;
  for (const auto& point : existing["points"])
    if (!point["is_history"].get<bool>()) existing_by_month[point["month"]] = point["yhat"].get<double>();
  for (const auto& point : fresh["points"]) new_by_month[point["month"]] = point["yhat"].get<double>();
  for (size_t index = 3; index < 6; ++index) {
    for (const auto& point : forecasts["series"][index]["points"])
      if (!point["is_history"].get<bool>()) segments_by_month[point["month"]] += point["yhat"].get<double>();
  }
  int checked = 0;
  for (const auto& point : total["points"]) {
    if (point["is_history"].get<bool>()) {
      // Before the as-of date every customer is an existing one.
      CHECK(point["actual"].get<double>() == Approx(existing["points"][checked]["actual"].get<double>()));
      ++checked;
      continue;
    }
    const std::string month = point["month"];
    CHECK(point["yhat"].get<double>() ==
          Approx(existing_by_month.at(month) + new_by_month.at(month)).epsilon(1e-9));
    CHECK(segments_by_month.at(month) == Approx(existing_by_month.at(month)).epsilon(1e-9));
  }
  CHECK(checked == 12);
  // The run's cohort backtest comes with the forecasts: its scores as cohort_backtest_scores.csv.
  const auto& backtest = forecasts["cohort_backtest"];
  REQUIRE(backtest.is_object());
  const auto scores = ReadCsvRows(RunDir(runs.second_run) / "cohort_backtest_scores.csv");
  REQUIRE(backtest["scores"].size() == scores.size());
  for (size_t row = 0; row < scores.size(); ++row) {
    CHECK(backtest["scores"][row]["origin"] == scores[row].at("origin"));
    CHECK(backtest["scores"][row]["wape"].get<double>() == Approx(std::stod(scores[row].at("wape"))));
    CHECK(backtest["scores"][row]["coverage"].get<double>() == Approx(std::stod(scores[row].at("coverage"))));
  }
  const auto& pooled = backtest["scores"].back();
  CHECK(backtest["beats_naive"] == (pooled["ratio"].get<double>() < 1));
  const auto migration = GetJson("/api/runs/latest/migration");
  CHECK(migration["from_run"] == runs.first_run);
  CHECK(migration["to_run"] == runs.second_run);
  const auto explicit_from = GetJson("/api/runs/latest/migration", {{"from", runs.first_run}});
  CHECK(explicit_from == migration);
  // Rows sum to the first run's customers, columns to the second's.
  int64_t from_total = 0, to_total = 0;
  for (const auto& cell : migration["cells"]) {
    if (cell["from"] != -1) from_total += cell["customers"].get<int64_t>();
    if (cell["to"] != -1) to_total += cell["customers"].get<int64_t>();
  }
  CHECK(from_total == static_cast<int64_t>(ReadCsvRows(RunDir(runs.first_run) / "assignments.csv").size()));
  CHECK(to_total == static_cast<int64_t>(ReadCsvRows(RunDir(runs.second_run) / "assignments.csv").size()));
}

TEST_CASE("dashboard options are validated by field", "[web]") {
  DashboardOptions options;
  CHECK_THROWS_WITH(options.Validate(), Catch::Contains("output_dir"));
  options.store = "sqlite:x.db";
  CHECK_NOTHROW(options.Validate());  // a store alone will do
  options.store.clear();
  options.output_dir = std::string("x");  // not = "x": GCC 12 warns falsely (-Wrestrict)
  options.cache_entries = 0;
  CHECK_THROWS_WITH(options.Validate(), Catch::Contains("cache_entries"));
  options.cache_entries = 1;
  options.silhouette_sample = -1;
  CHECK_THROWS_WITH(options.Validate(), Catch::Contains("silhouette_sample"));
  options.silhouette_sample = 0;
  options.output_dir = "/no/such/folder/anywhere";
  CHECK_THROWS_AS(Dashboard(options), InputError);
}

namespace {

// clv.csv of a run, by customer id.
std::map<std::string, std::map<std::string, std::string>> ClvRows(const std::string& run) {
  std::map<std::string, std::map<std::string, std::string>> rows;
  for (auto& row : ReadCsvRows(RunDir(run) / "clv.csv")) rows[row.at("customer_id")] = row;
  return rows;
}

// A figure the API answered against clv.csv's text: the same double (both are shortest round-trip
// forms of it), or null for an empty (NaN) field.
void CheckFigure(const nlohmann::json& answer, const std::string& written) {
  if (written.empty()) {
    CHECK(answer.is_null());
  } else {
    REQUIRE(answer.is_number());
    CHECK(answer.get<double>() == std::stod(written));
  }
}

}  // namespace

TEST_CASE("customer values: pages, the customer and the CSV carry clv.csv's figures", "[web][values]") {
  const std::string run = SampleRuns().second_run;
  const auto clv = ClvRows(run);
  const auto assignments = ReadCsvRows(RunDir(run) / "assignments.csv");
  REQUIRE(clv.size() == assignments.size());  // every segmented customer has a value
  REQUIRE(clv.size() > 400);

  const auto kpis = GetJson("/api/runs/latest/kpis");
  REQUIRE(kpis["customer_base"].is_object());
  CHECK(kpis["customer_base"]["customers"] == static_cast<int64_t>(clv.size()));
  CHECK(kpis["customer_base"]["horizon_months"] == 6);
  CHECK(kpis["customer_base"]["clv_months"] == 12);
  CHECK(kpis["customer_base"]["monthly_discount"].get<double>() == 0.01);

  // Every customer of every segment, through the pages.
  size_t seen = 0;
  double revenue = 0, lifetime = 0;
  const auto segments = GetJson("/api/runs/latest/segments");
  for (const auto& segment : segments["segments"]) {
    const std::string id = std::to_string(segment["segment_id"].get<int>());
    const auto page = GetJson("/api/runs/latest/segments/" + id + "/customers", {{"page_size", "500"}});
    for (const auto& customer : page["customers"]) {
      const auto& row = clv.at(customer["customer_id"].get<std::string>());
      INFO("customer " << customer["customer_id"]);
      CHECK(row.at("segment") == id);
      CheckFigure(customer["p_alive"], row.at("p_alive"));
      CheckFigure(customer["expected_revenue"], row.at("expected_revenue"));
      CheckFigure(customer["clv"], row.at("clv"));
      CHECK(customer["p_alive"].get<double>() >= 0.0);
      CHECK(customer["p_alive"].get<double>() <= 1.0);
      revenue += customer["expected_revenue"].get<double>();
      lifetime += customer["clv"].get<double>();
      ++seen;
    }
    // The CSV export: the same figures in its last three columns.
    const ApiResponse csv = SampleDashboard().Get("/api/runs/latest/segments/" + id + "/customers.csv", {});
    REQUIRE(csv.status == 200);
    for (const auto& exported : ParseCsvText(csv.body)) {
      const auto& row = clv.at(exported.at("customer_id"));
      CHECK(std::stod(exported.at("p_alive")) == std::stod(row.at("p_alive")));
      CHECK(std::stod(exported.at("expected_revenue")) == std::stod(row.at("expected_revenue")));
      CHECK(std::stod(exported.at("clv")) == std::stod(row.at("clv")));
    }
  }
  CHECK(seen == clv.size());
  CHECK(revenue > 0);
  CHECK(lifetime > revenue);  // twelve discounted months against six

  // One customer: every figure of its clv.csv row.
  const std::string id = assignments.at(assignments.size() / 3).at("customer_id");
  const auto customer = GetJson("/api/runs/latest/customers/" + id);
  const auto& row = clv.at(id);
  REQUIRE(customer["value"].is_object());
  CHECK(customer["value"]["purchases"] == std::stoll(row.at("purchases")));
  CheckFigure(customer["value"]["recency_weeks"], row.at("recency_weeks"));
  CheckFigure(customer["value"]["age_weeks"], row.at("age_weeks"));
  CheckFigure(customer["value"]["p_alive"], row.at("p_alive"));
  CheckFigure(customer["value"]["expected_purchases"], row.at("expected_purchases"));
  CheckFigure(customer["value"]["expected_revenue"], row.at("expected_revenue"));
  CheckFigure(customer["value"]["clv"], row.at("clv"));
  // A customer's value does not depend on the segmentation shown.
  const auto reclustered = GetJson("/api/runs/latest/customers/" + id, {{"k", "4"}, {"metric", "euclidean"}});
  CHECK(reclustered["value"] == customer["value"]);
  const auto page = GetJson("/api/runs/latest/segments/1/customers", {{"k", "4"}, {"page_size", "3"}});
  for (const auto& other : page["customers"]) {
    CheckFigure(other["clv"], clv.at(other["customer_id"].get<std::string>()).at("clv"));
  }
}

TEST_CASE("segment values: the run's own segments carry segments.json's value", "[web][values]") {
  const std::string run = SampleRuns().second_run;
  const auto clv = ClvRows(run);
  const nlohmann::json file = ParseJson([&] {
    std::ifstream in(RunDir(run) / "segments.json");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }());
  const auto answer = GetJson("/api/runs/latest/segments");
  REQUIRE(answer["segments"].size() == file["segments"].size());
  // segments.json in its own order; the answer is by id.
  std::map<int, nlohmann::json> written;
  for (const auto& segment : file["segments"]) written[segment["segment"].get<int>()] = segment["value"];
  double expected_revenue = 0;
  for (const auto& segment : answer["segments"]) {
    const int id = segment["segment_id"].get<int>();
    INFO("segment " << id);
    const auto& value = segment["value"];
    REQUIRE(value.is_object());
    for (const char* field : {"expected_revenue", "likely_lost_share", "mean_p_alive", "mean_clv"})
      CHECK(value[field].get<double>() == written.at(id)[field].get<double>());
    // The same figures from the members' rows of clv.csv.
    double clv_sum = 0, alive_sum = 0;
    int members = 0, lost = 0;
    for (const auto& [customer, row] : clv) {
      if (std::stoi(row.at("segment")) != id) continue;
      clv_sum += std::stod(row.at("clv"));
      alive_sum += std::stod(row.at("p_alive"));
      lost += std::stod(row.at("p_alive")) < 0.5;
      ++members;
    }
    CHECK(members == segment["customers"].get<int>());
    CHECK(value["mean_clv"].get<double>() == Approx(clv_sum / members).epsilon(1e-12));
    CHECK(value["mean_p_alive"].get<double>() == Approx(alive_sum / members).epsilon(1e-12));
    CHECK(value["likely_lost_share"].get<double>() == Approx(static_cast<double>(lost) / members));
    CHECK(value["expected_revenue"].get<double>() > 0);
    expected_revenue += value["expected_revenue"].get<double>();
  }
  // The segments' expected revenue is the sum of their members' expected revenue in clv.csv.
  double members_revenue = 0;
  for (const auto& [customer, row] : clv) members_revenue += std::stod(row.at("expected_revenue"));
  CHECK(expected_revenue == Approx(members_revenue).epsilon(1e-9));
  // A re-clustering's segments have no forecast of their own.
  const auto reclustered = GetJson("/api/runs/latest/segments", {{"k", "4"}});
  REQUIRE(reclustered["segments"].size() == 4);
  for (const auto& segment : reclustered["segments"]) CHECK(segment["value"].is_null());
}

TEST_CASE("a run folder without clv.csv shows its customers without values", "[web][values]") {
  const auto& runs = SampleRuns();
  namespace fs = std::filesystem;
  const fs::path output = fs::temp_directory_path() / ("segcast_web_noclv_" + std::to_string(::getpid()));
  fs::remove_all(output);
  fs::create_directories(output / "runs");
  fs::copy(RunDir(runs.second_run), output / "runs" / runs.second_run, fs::copy_options::recursive);
  fs::remove(output / "runs" / runs.second_run / "clv.csv");
  struct Cleanup {
    fs::path path;
    ~Cleanup() { fs::remove_all(path); }
  } cleanup{output};
  DashboardOptions options;
  options.output_dir = output.string();
  options.threads = 2;
  const Dashboard dashboard(options);
  const auto kpis = ParseJson(dashboard.Get("/api/runs/latest/kpis", {}).body);
  CHECK(kpis["customer_base"].is_null());
  CHECK(kpis["customers"] == GetJson("/api/runs/latest/kpis")["customers"]);
  const auto page = ParseJson(dashboard.Get("/api/runs/latest/segments/0/customers", {}).body);
  REQUIRE(!page["customers"].empty());
  CHECK(page["customers"][0]["clv"].is_null());
  CHECK(page["customers"][0]["p_alive"].is_null());
  const std::string id = page["customers"][0]["customer_id"];
  CHECK(ParseJson(dashboard.Get("/api/runs/latest/customers/" + id, {}).body)["value"].is_null());
  const ApiResponse csv = dashboard.Get("/api/runs/latest/segments/0/customers.csv", {});
  const auto rows = ParseCsvText(csv.body);
  REQUIRE(!rows.empty());
  CHECK(rows[0].at("clv").empty());
  // segments.json still carries the segments' values: the run wrote them.
  CHECK(ParseJson(dashboard.Get("/api/runs/latest/segments", {}).body)["segments"][0]["value"].is_object());
}

}  // namespace segcast

namespace segcast {

TEST_CASE("a re-clustering does not depend on the thread count", "[web]") {
  std::vector<nlohmann::json> answers;
  for (int threads : {1, 2, 3}) {
    DashboardOptions options;
    options.output_dir = testing::SampleRuns().output_dir.string();
    options.threads = threads;
    const Dashboard dashboard(options);
    const ApiResponse answer = dashboard.Get("/api/runs/latest/segments", {{"k", "4"}, {"metric", "dtw"}});
    REQUIRE(answer.status == 200);
    nlohmann::json parsed = testing::ParseJson(answer.body);
    parsed.erase("seconds");  // wall times, the only fields allowed to differ
    parsed.erase("timings");
    answers.push_back(parsed);
  }
  CHECK(answers[0] == answers[1]);
  CHECK(answers[0] == answers[2]);
}

}  // namespace segcast

namespace segcast {

TEST_CASE("customer pages sort by any column of the table, both ways", "[web][sort]") {
  const std::string path = "/api/runs/latest/segments/0/customers";
  const auto by_revenue = GetJson(path, {{"page_size", "200"}});
  for (const char* column : {"recency", "frequency", "monetary", "p_alive", "expected_revenue", "clv", "distance"}) {
    for (const char* order : {"asc", "desc"}) {
      const auto answer = GetJson(path, {{"page_size", "200"}, {"sort", column}, {"order", order}});
      INFO(column << " " << order);
      CHECK(answer["total"] == by_revenue["total"]);
      const auto& rows = answer["customers"];
      REQUIRE(rows.size() >= 2);
      for (size_t row = 1; row < rows.size(); ++row) {
        const double before = rows[row - 1][column].get<double>(), after = rows[row][column].get<double>();
        if (std::string(order) == "asc") CHECK(before <= after);
        else CHECK(before >= after);
      }
    }
  }
  const auto by_id = GetJson(path, {{"page_size", "200"}, {"sort", "customer_id"}, {"order", "asc"}});
  for (size_t row = 1; row < by_id["customers"].size(); ++row)
    CHECK(by_id["customers"][row - 1]["customer_id"].get<std::string>() < by_id["customers"][row]["customer_id"].get<std::string>());
  // The default is revenue (monetary), highest first; the CSV export follows the same order.
  CHECK(GetJson(path, {{"page_size", "200"}, {"sort", "monetary"}})["customers"] == by_revenue["customers"]);
  const ApiResponse csv = SampleDashboard().Get(path + ".csv", {{"sort", "recency"}, {"order", "asc"}});
  const auto rows = ParseCsvText(csv.body);
  const auto first = GetJson(path, {{"page_size", "1"}, {"sort", "recency"}, {"order", "asc"}});
  REQUIRE(!rows.empty());
  CHECK(rows[0].at("customer_id") == first["customers"][0]["customer_id"].get<std::string>());
  const auto bad = GetJson(path, {{"sort", "name"}}, 400);
  CHECK(bad["error"]["field"] == "sort");
  CHECK(GetJson(path, {{"order", "up"}}, 400)["error"]["field"] == "order");
}

}  // namespace segcast

namespace segcast {

TEST_CASE("customer pages filter by a column's value and by months of activity", "[web][filter]") {
  const std::string run = SampleRuns().second_run;
  const std::string path = "/api/runs/" + run + "/segments/0/customers";
  // Expected from the run files: segment 0's members, their country, the months they bought in.
  std::map<std::string, std::string> country;
  for (const auto& row : ReadCsvRows(RunDir(run) / "rfm.csv")) country[row.at("customer_id")] = row.at("country");
  std::map<std::string, std::set<std::string>> bought;
  for (const auto& row : ReadCsvRows(RunDir(run) / "lrfm.csv")) {
    if (std::stod(row.at("F")) > 0) bought[row.at("customer_id")].insert(row.at("month"));
  }
  std::set<std::string> members;
  for (const auto& row : ReadCsvRows(RunDir(run) / "assignments.csv")) {
    if (row.at("segment") == "0") members.insert(row.at("customer_id"));
  }
  auto ids = [](const nlohmann::json& answer) {
    std::set<std::string> result;
    for (const auto& row : answer["customers"]) result.insert(row["customer_id"].get<std::string>());
    return result;
  };
  std::set<std::string> british, active, both;
  for (const std::string& id : members) {
    const bool uk = country[id] == "United Kingdom";
    bool in_range = false;
    for (const std::string& month : bought[id]) in_range = in_range || (month >= "2011-09" && month <= "2011-11");
    if (uk) british.insert(id);
    if (in_range) active.insert(id);
    if (uk && in_range) both.insert(id);
  }
  REQUIRE(!british.empty());
  REQUIRE(british.size() < members.size());
  CHECK(ids(GetJson(path, {{"page_size", "500"}, {"where", "country"}, {"value", "United Kingdom"}})) == british);
  CHECK(ids(GetJson(path, {{"page_size", "500"}, {"active_from", "2011-09"}, {"active_to", "2011-11"}})) == active);
  const auto combined = GetJson(path, {{"page_size", "500"}, {"where", "country"}, {"value", "United Kingdom"},
                                       {"active_from", "2011-09"}, {"active_to", "2011-11"}});
  CHECK(ids(combined) == both);
  CHECK(combined["total"].get<size_t>() == both.size());
  const ApiResponse csv = SampleDashboard().Get(path + ".csv", {{"where", "country"}, {"value", "United Kingdom"}});
  CHECK(ParseCsvText(csv.body).size() == british.size());
  CHECK(GetJson(path, {{"where", "gender"}, {"value", "F"}}, 400)["error"]["field"] == "where");
  CHECK(GetJson(path, {{"active_from", "2011-13"}}, 400)["error"]["field"] == "active_from");
}

}  // namespace segcast

namespace segcast {

TEST_CASE("KPIs and segment sizes follow the filter: counts and revenue of the customers it keeps",
          "[web][filter]") {
  const std::string run = SampleRuns().second_run;
  // Expected from the run files: each assigned customer's segment and country, and its revenue as
  // the sum of the panel's monthly M (what the dashboard's revenue sums).
  std::map<std::string, std::string> country;
  for (const auto& row : ReadCsvRows(RunDir(run) / "rfm.csv")) country[row.at("customer_id")] = row.at("country");
  std::map<std::string, double> revenue;
  for (const auto& row : ReadCsvRows(RunDir(run) / "lrfm.csv")) revenue[row.at("customer_id")] += std::stod(row.at("M"));
  std::map<std::string, int64_t> customers_by_segment;
  std::map<std::string, double> revenue_by_segment;
  int64_t customers = 0;
  double total = 0;
  for (const auto& row : ReadCsvRows(RunDir(run) / "assignments.csv")) {
    const std::string& id = row.at("customer_id");
    if (country[id] != "United Kingdom") continue;
    ++customers_by_segment[row.at("segment")];
    revenue_by_segment[row.at("segment")] += revenue[id];
    ++customers;
    total += revenue[id];
  }
  REQUIRE(customers > 0);
  const std::multimap<std::string, std::string> uk = {{"where", "country"}, {"value", "United Kingdom"}};
  const auto kpis = GetJson("/api/runs/" + run + "/kpis", uk);
  CHECK(kpis["filtered"] == true);
  CHECK(kpis["customers"].get<int64_t>() == customers);
  CHECK(kpis["total_revenue"].get<double>() == Approx(total).epsilon(1e-9));
  const auto all = GetJson("/api/runs/" + run + "/kpis");
  CHECK(all["filtered"] == false);
  CHECK(all["customers"].get<int64_t>() > customers);
  const auto segments = GetJson("/api/runs/" + run + "/segments", uk);
  for (const auto& segment : segments["segments"]) {
    const std::string id = std::to_string(segment["segment_id"].get<int>());
    INFO("segment " << id);
    CHECK(segment["filtered"]["customers"].get<int64_t>() == customers_by_segment[id]);
    CHECK(segment["filtered"]["revenue"].get<double>() == Approx(revenue_by_segment[id]).epsilon(1e-9));
    CHECK(segment["filtered"]["customer_share"].get<double>() ==
          Approx(static_cast<double>(customers_by_segment[id]) / customers));
    // The whole segment's figures stay as they were.
    CHECK(segment["customers"].get<int64_t>() >= segment["filtered"]["customers"].get<int64_t>());
  }
  CHECK(GetJson("/api/runs/" + run + "/segments")["segments"][0]["filtered"].is_null());
  CHECK(GetJson("/api/runs/" + run + "/kpis", {{"where", "gender"}}, 400)["error"]["field"] == "where");
}

}  // namespace segcast

namespace segcast {

// A page puts only its own positions in order (a selection, not a sort of the segment): every page
// must still be the same slice of the whole order, which the CSV export and a page of the largest
// size give in full.
TEST_CASE("customer pages are slices of the full order, for every column, direction, search and filter",
          "[web][sort][paging]") {
  const std::string path = "/api/runs/latest/segments/0/customers";
  using Query = std::multimap<std::string, std::string>;
  std::vector<Query> queries;
  for (const char* column : {"customer_id", "country", "recency", "frequency", "monetary", "p_alive",
                             "expected_revenue", "clv", "distance"}) {
    for (const char* order : {"asc", "desc"}) queries.push_back({{"sort", column}, {"order", order}});
  }
  queries.push_back({{"q", "1"}});
  queries.push_back({{"q", "KINGDOM"}, {"sort", "recency"}});
  queries.push_back({{"where", "country"}, {"value", "United Kingdom"}, {"sort", "frequency"}, {"order", "asc"}});
  queries.push_back({{"active_from", "2011-06"}, {"sort", "distance"}});
  for (const Query& base : queries) {
    std::string label;
    for (const auto& [name, value] : base) label += name + "=" + value + " ";
    INFO(label);
    const ApiResponse csv = SampleDashboard().Get(path + ".csv", base);
    REQUIRE(csv.status == 200);
    const auto all = ParseCsvText(csv.body);
    Query full = base;
    full.emplace("page_size", "500");
    const auto whole = GetJson(path, full);
    REQUIRE(whole["total"].get<size_t>() == all.size());
    const auto& whole_rows = whole["customers"];
    for (size_t row = 0; row < whole_rows.size(); ++row)
      CHECK(whole_rows[row]["customer_id"].get<std::string>() == all[row].at("customer_id"));
    const int page_size = 37;
    const size_t pages = all.size() / page_size + 2;  // and one past the end
    for (size_t page = 1; page <= pages; ++page) {
      Query paged = base;
      paged.emplace("page_size", std::to_string(page_size));
      paged.emplace("page", std::to_string(page));
      const auto answer = GetJson(path, paged);
      CHECK(answer["total"].get<size_t>() == all.size());
      const auto& rows = answer["customers"];
      const size_t first = (page - 1) * page_size;
      CHECK(rows.size() == (first < all.size() ? std::min<size_t>(page_size, all.size() - first) : 0));
      for (size_t row = 0; row < rows.size(); ++row) {
        const size_t position = first + row;
        CHECK(rows[row]["customer_id"].get<std::string>() == all[position].at("customer_id"));
        if (position < whole_rows.size()) CHECK(rows[row] == whole_rows[position]);
      }
    }
  }
}

}  // namespace segcast
