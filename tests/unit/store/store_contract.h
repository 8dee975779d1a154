// What every store back end must do, written once and run against SQLite and PostgreSQL.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <limits>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "segcast/error.h"
#include "segcast/store.h"

namespace segcast::testing {

using StoreFactory = std::function<std::unique_ptr<ResultStore>()>;

//! A small run touching every table; `scale` varies the figures so two runs differ.
inline StoredRun ExampleRun(const std::string& run_id, int customers, double scale) {
  StoredRun run;
  run.info.run_id = run_id;
  run.info.created_at = "2026-" + run_id;  // newer run ids sort as newer runs
  run.info.as_of = "2011-12-10";
  run.info.previous_run_id = "2011-06-30";
  run.info.segcast_version = "0.1.0";
  run.info.k = 2;
  run.info.customers = customers;
  run.info.revenue = 1234.5 * scale;
  run.info.options_json = R"({"k": 2, "note": "it's \"quoted\""})";
  run.info.manifest_json = "{}";
  for (int customer = 0; customer < customers; ++customer) {
    // Ids that would break string-built SQL; parameters keep them inert.
    // Customer 2's id needs every escape of PostgreSQL's array syntax (braces, commas, quotes,
    // a backslash, and the word NULL).
    const std::string id = customer == 0   ? "Robert'); DROP TABLE runs;--"
                           : customer == 2 ? "C{2,\"x\"}\\ NULL"
                                           : "C" + std::to_string(10000 + customer);
    run.customers.push_back({id, customer % 2 ? "Deutschland" : "Côte d'Ivoire", "2010-12-01",
                             "2011-12-09", customer + 1, 10.25 * customer * scale, customer % 40});
    run.assignments.push_back(
        {id, customer % 2, 0.125 * customer, 1 - customer % 2, 0.25 * customer + 1.0 / 3.0});
    run.moves.push_back(
        {id, customer % 3 == 0 ? -1 : 0, customer % 2, customer % 3 == 0 ? "new" : "stayed"});
  }
  for (int segment = 0; segment < 2; ++segment) {
    SegmentRecord record;
    record.segment_id = segment;
    record.name = segment ? "At risk" : "Champions";
    record.evidence = "R rose from 24 to 131 days over the last 4 months; M fell 80%";
    record.tie_broken = segment == 1;
    record.customers = customers / 2;
    record.customer_share = 0.5;
    record.revenue = 600.0 * scale;
    record.revenue_share = 0.486;
    record.mean_length = 400;
    record.mean_recency = 30.5;
    record.mean_frequency = 2.25;
    record.mean_monetary = 120.125 * scale;
    record.previous_segment_id = segment ? -1 : 0;
    run.segments.push_back(record);
    for (int month = 0; month < 3; ++month) {
      run.centroids.push_back({segment, month, "2011-1" + std::to_string(month), 300.0 + month,
                               20.0 * segment, 1.5, 99.99 * scale, 0.1, -0.2, 0.3, -1e-300});
    }
    run.forecasts.push_back({segment, "2012-01", "forecast", 500.0 * scale, 400.0, 600.0});
    run.forecasts.push_back(
        {segment, "2011-12", "actual", 480.0 * scale, std::nullopt, std::nullopt});
  }
  // The panel in an order that is not the ids' order (customer_index keeps it), with values that
  // need every bit of a double; documents with quotes, line breaks and non-ASCII text.
  for (int customer = 0; customer < customers; ++customer) {
    const CustomerRecord& record = run.customers[customers - 1 - customer];
    for (int month = customer % 2; month < 3; ++month) {
      run.panel.push_back({customer, record.customer_id, "2011-1" + std::to_string(month),
                           30.0 * month + customer, 1.0 / 3.0 * scale, month + 0.5,
                           -0.1 + 1e-17 * customer});
    }
  }
  run.documents.push_back({"forecast.json", "{\"series\": [], \"note\": \"it's\\n\\\"x\\\"\"}\n"});
  run.documents.push_back({"segments.json", "{\n \"k\": 2,\n \"name\": \"Côte d'Ivoire\"\n}\n"});
  // Customer values with figures that need every bit of a double, a customer without a segment,
  // and a P(alive) the model could not give (NaN: NULL in the table, NaN again when read).
  for (int customer = 0; customer < customers; ++customer) {
    CustomerValueRecord record;
    record.customer_id = run.customers[customer].customer_id;
    record.segment_id = customer == customers - 1 ? -1 : customer % 2;
    record.purchases = customer + 1;
    record.recency_weeks = customer / 7.0;
    record.age_weeks = 52.0 + customer / 7.0;
    record.p_alive = customer == 1 ? std::numeric_limits<double>::quiet_NaN() : 1.0 / (customer + 1.0);
    record.expected_purchases = 0.1 * customer + 1.0 / 3.0;
    record.expected_revenue = 123.456789012345678 * scale * (customer + 1);
    record.clv = 2.0 * record.expected_revenue + 1e-300;
    run.customer_values.push_back(record);
  }
  run.migrations.push_back({-1, 0, 3, 0.0, 45.5});
  run.migrations.push_back({0, 1, 2, 10.0, 12.5});
  run.migrations.push_back({1, -1, 1, 7.0, 0.0});
  return run;
}

//! Both NaN, or the same double bit for bit.
inline bool SameFigure(double expected, double actual) {
  return (std::isnan(expected) && std::isnan(actual)) || expected == actual;
}

//! Customer values read back: the same rows (ordered by customer id in the database's collation, so
//! compared by id), every figure bit-exact, NaN kept as NaN.
inline void CheckSameCustomerValues(const std::vector<CustomerValueRecord>& expected,
                                    const std::vector<CustomerValueRecord>& actual) {
  REQUIRE(actual.size() == expected.size());
  std::map<std::string, const CustomerValueRecord*> by_id;
  for (const auto& record : expected) by_id[record.customer_id] = &record;
  for (const auto& record : actual) {
    INFO("customer " << record.customer_id);
    REQUIRE(by_id.count(record.customer_id) == 1);
    const CustomerValueRecord& want = *by_id.at(record.customer_id);
    CHECK(record.segment_id == want.segment_id);
    CHECK(record.purchases == want.purchases);
    CHECK(SameFigure(want.recency_weeks, record.recency_weeks));
    CHECK(SameFigure(want.age_weeks, record.age_weeks));
    CHECK(SameFigure(want.p_alive, record.p_alive));
    CHECK(SameFigure(want.expected_purchases, record.expected_purchases));
    CHECK(SameFigure(want.expected_revenue, record.expected_revenue));
    CHECK(SameFigure(want.clv, record.clv));
  }
}

inline void CheckSameRun(const StoredRun& expected, const StoredRun& actual) {
  CHECK(actual.info.run_id == expected.info.run_id);
  CHECK(actual.info.created_at == expected.info.created_at);
  CHECK(actual.info.as_of == expected.info.as_of);
  CHECK(actual.info.previous_run_id == expected.info.previous_run_id);
  CHECK(actual.info.k == expected.info.k);
  CHECK(actual.info.customers == expected.info.customers);
  CHECK(actual.info.revenue == expected.info.revenue);
  CHECK(actual.info.options_json == expected.info.options_json);
  REQUIRE(actual.customers.size() == expected.customers.size());
  REQUIRE(actual.assignments.size() == expected.assignments.size());
  REQUIRE(actual.moves.size() == expected.moves.size());
  // Rows come back ordered by key; compare by id.
  std::map<std::string, const CustomerRecord*> customers;
  for (const auto& record : expected.customers) customers[record.customer_id] = &record;
  for (const auto& record : actual.customers) {
    const CustomerRecord* want = customers.at(record.customer_id);
    CHECK(record.country == want->country);
    CHECK(record.first_purchase == want->first_purchase);
    CHECK(record.frequency == want->frequency);
    CHECK(record.revenue == want->revenue);
    CHECK(record.recency_days == want->recency_days);
  }
  std::map<std::string, const AssignmentRecord*> assignments;
  for (const auto& record : expected.assignments) assignments[record.customer_id] = &record;
  for (const auto& record : actual.assignments) {
    const AssignmentRecord* want = assignments.at(record.customer_id);
    CHECK(record.segment_id == want->segment_id);
    CHECK(record.distance == want->distance);
    CHECK(record.runner_up_segment == want->runner_up_segment);
    CHECK(record.runner_up_distance == want->runner_up_distance);  // bit-exact doubles
  }
  REQUIRE(actual.segments.size() == expected.segments.size());
  for (size_t index = 0; index < actual.segments.size(); ++index) {
    const auto& a = actual.segments[index];
    const auto& e = expected.segments[index];
    CHECK(a.segment_id == e.segment_id);
    CHECK(a.name == e.name);
    CHECK(a.evidence == e.evidence);
    CHECK(a.tie_broken == e.tie_broken);
    CHECK(a.customers == e.customers);
    CHECK(a.revenue_share == e.revenue_share);
    CHECK(a.mean_monetary == e.mean_monetary);
    CHECK(a.previous_segment_id == e.previous_segment_id);
  }
  REQUIRE(actual.centroids.size() == expected.centroids.size());
  for (size_t index = 0; index < actual.centroids.size(); ++index) {
    CHECK(actual.centroids[index].month == expected.centroids[index].month);
    CHECK(actual.centroids[index].monetary == expected.centroids[index].monetary);
    CHECK(actual.centroids[index].scaled_monetary == expected.centroids[index].scaled_monetary);
  }
  REQUIRE(actual.forecasts.size() == expected.forecasts.size());
  // Ordered by (segment, month, kind): "2011-12 actual" precedes "2012-01 forecast".
  CHECK(actual.forecasts[0].kind == "actual");
  CHECK_FALSE(actual.forecasts[0].lower.has_value());
  CHECK(actual.forecasts[1].kind == "forecast");
  REQUIRE(actual.forecasts[1].upper.has_value());
  CHECK(*actual.forecasts[1].upper == 600.0);
  REQUIRE(actual.migrations.size() == expected.migrations.size());
  CHECK(actual.migrations[0].from_segment == -1);
  CHECK(actual.migrations[0].current_revenue == 45.5);
  CHECK(actual.migrations[2].to_segment == -1);
  // Panel rows come back in panel order (customer_index, month), every double bit-exact.
  REQUIRE(actual.panel.size() == expected.panel.size());
  for (size_t index = 0; index < actual.panel.size(); ++index) {
    const PanelRecord& a = actual.panel[index];
    const PanelRecord& e = expected.panel[index];
    CHECK(a.customer_index == e.customer_index);
    CHECK(a.customer_id == e.customer_id);
    CHECK(a.month == e.month);
    CHECK(a.length == e.length);
    CHECK(a.recency == e.recency);
    CHECK(a.frequency == e.frequency);
    CHECK(a.monetary == e.monetary);
  }
  REQUIRE(actual.documents.size() == expected.documents.size());
  for (const DocumentRecord& document : expected.documents) {
    const DocumentRecord* found = actual.FindDocument(document.name);
    REQUIRE(found != nullptr);
    CHECK(found->body == document.body);
  }
  CheckSameCustomerValues(expected.customer_values, actual.customer_values);
}

//! The ```sql blocks of docs/store.md, in order.
inline std::vector<std::string> DocumentedQueries() {
  std::ifstream in(std::string(SEGCAST_SOURCE_DIR) + "/docs/store.md");
  std::vector<std::string> queries;
  std::string line, query;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == "```sql") {
      inside = true;
      query.clear();
    } else if (inside && line == "```") {
      inside = false;
      queries.push_back(query);
    } else if (inside) {
      query += line + "\n";
    }
  }
  return queries;
}

inline void RunStoreContract(const StoreFactory& open) {
  std::unique_ptr<ResultStore> store = open();
  const StoredRun june = ExampleRun("2011-06-30", 6, 1.0);
  const StoredRun december = ExampleRun("2011-12-09", 9, 2.0);

  SECTION("a run reads back as written, every table") {
    store->WriteRun(june);
    CHECK(store->HasRun("2011-06-30"));
    CHECK_FALSE(store->HasRun("2011-12-09"));
    CheckSameRun(june, store->LoadRun("2011-06-30"));
    // Another connection sees the committed run.
    CheckSameRun(june, open()->LoadRun("2011-06-30"));
  }

  SECTION("runs are listed newest first and can be loaded in parts") {
    store->WriteRun(june);
    store->WriteRun(december);
    std::vector<RunInfo> runs = store->ListRuns();
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].run_id == "2011-12-09");
    CHECK(runs[1].run_id == "2011-06-30");
    LoadParts parts;
    parts.customers = parts.moves = parts.forecasts = parts.customer_values = false;
    StoredRun partial = store->LoadRun("2011-12-09", parts);
    CHECK(partial.customers.empty());
    CHECK(partial.moves.empty());
    CHECK(partial.customer_values.empty());
    CHECK(partial.assignments.size() == 9);
    CHECK(partial.segments.size() == 2);
    // The customer values alone, the NaN P(alive) of the second customer back as NaN.
    LoadParts values_only = LoadParts::HeaderOnly();
    values_only.customer_values = true;
    const StoredRun values = store->LoadRun("2011-12-09", values_only);
    CHECK(values.assignments.empty());
    CheckSameCustomerValues(december.customer_values, values.customer_values);
    bool saw_nan = false;
    for (const CustomerValueRecord& record : values.customer_values) {
      if (record.customer_id == "C10001") saw_nan = std::isnan(record.p_alive);
    }
    CHECK(saw_nan);
  }

  SECTION("the header alone, or the panel and documents alone, can be loaded") {
    store->WriteRun(december);
    const StoredRun header = store->LoadRun("2011-12-09", LoadParts::HeaderOnly());
    CHECK(header.info.created_at == december.info.created_at);
    CHECK(header.info.manifest_json == december.info.manifest_json);
    CHECK(header.customers.empty());
    CHECK(header.assignments.empty());
    CHECK(header.panel.empty());
    CHECK(header.documents.empty());
    CHECK(header.customer_values.empty());
    LoadParts parts = LoadParts::HeaderOnly();
    parts.panel = parts.documents = true;
    const StoredRun panel = store->LoadRun("2011-12-09", parts);
    CHECK(panel.customers.empty());
    // 9 customers: 5 with 3 months (even positions), 4 with 2.
    CHECK(panel.panel.size() == 5 * 3 + 4 * 2);
    CHECK(panel.panel.front().customer_index == 0);
    CHECK(panel.panel.front().customer_id == "C10008");
    CHECK(panel.panel.back().customer_index == 8);
    CHECK(panel.panel.back().customer_id == "Robert'); DROP TABLE runs;--");
    REQUIRE(panel.FindDocument("segments.json") != nullptr);
    CHECK(panel.FindDocument("segments.json")->body == december.documents[1].body);
    CHECK(panel.FindDocument("model.json") == nullptr);
  }

  SECTION("re-writing a run id replaces it") {
    store->WriteRun(december);
    StoredRun smaller = ExampleRun("2011-12-09", 4, 3.0);
    store->WriteRun(smaller);
    CheckSameRun(smaller, store->LoadRun("2011-12-09"));
    CHECK(store->ListRuns().size() == 1);
  }

  SECTION("a failed write leaves the previous state intact") {
    store->WriteRun(december);
    StoredRun broken = ExampleRun("2011-12-09", 12, 5.0);
    broken.assignments.push_back(broken.assignments.front());  // duplicate primary key
    CHECK_THROWS_AS(store->WriteRun(broken), DatabaseError);
    CheckSameRun(december, store->LoadRun("2011-12-09"));
    StoredRun fresh_broken = ExampleRun("2012-01-31", 3, 1.0);
    fresh_broken.moves.push_back(fresh_broken.moves.back());
    CHECK_THROWS_AS(store->WriteRun(fresh_broken), DatabaseError);
    CHECK_FALSE(store->HasRun("2012-01-31"));
    // The last table written fails too: everything before it is rolled back.
    StoredRun values_broken = ExampleRun("2011-12-09", 5, 7.0);
    values_broken.customer_values.push_back(values_broken.customer_values.front());
    CHECK_THROWS_AS(store->WriteRun(values_broken), DatabaseError);
    CheckSameRun(december, store->LoadRun("2011-12-09"));
    // The store still works after the failure.
    store->WriteRun(june);
    CHECK(store->ListRuns().size() == 2);
  }

  SECTION("runs are deleted, unknown runs are refused") {
    store->WriteRun(june);
    CHECK(store->DeleteRun("2011-06-30"));
    CHECK_FALSE(store->DeleteRun("2011-06-30"));
    CHECK_THROWS_AS(store->LoadRun("2011-06-30"), InvalidArgument);
    CHECK(store->ListRuns().empty());
    StoredRun unnamed = june;
    unnamed.info.run_id.clear();
    CHECK_THROWS_AS(store->WriteRun(unnamed), InvalidArgument);
  }

  SECTION("the run lock admits one run at a time and names the holder") {
    std::unique_ptr<ResultStore> other = open();
    {
      auto lock = store->AcquireRunLock("segcast run pid 4242");
      try {
        other->AcquireRunLock("second run");
        FAIL("the second lock was granted");
      } catch (const BusyError& error) {
        const std::string message = error.what();
        CHECK(message.find("another segcast run is writing to") != std::string::npos);
        CHECK(message.find("segcast run pid 4242") != std::string::npos);
        CHECK(ExitCodeFor(error) == 6);
      }
    }
    // Released with the lock object.
    auto again = other->AcquireRunLock("second run");
    CHECK_THROWS_AS(store->AcquireRunLock("third"), BusyError);
  }
}

}  // namespace segcast::testing
