// Runs served from the result store: the same answers as from the run folders (every endpoint,
// re-clustering and neighbours included), folder-first when a run is in both, reloads of a run
// written again, and runs stored before schema 2 refused with 409.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "segcast/dashboard.h"
#include "segcast/store.h"
#include "unit/web/web_fixture.h"

namespace segcast {
namespace {

using testing::ParseJson;
using testing::SampleRuns;
using Query = std::multimap<std::string, std::string>;

std::unique_ptr<Dashboard> MakeDashboard(const std::string& output_dir, const std::string& store) {
  DashboardOptions options;
  options.output_dir = output_dir;
  options.store = store;
  options.threads = 2;
  return std::make_unique<Dashboard>(options);
}

// A re-clustering's answer carries the time it took: measured, so never the same twice.
std::string WithoutTimes(const std::string& body) {
  nlohmann::json value = ParseJson(body);
  if (value.is_object() && value.contains("timings")) {
    value.erase("timings");
    value.erase("seconds");
  }
  return value.dump();
}

struct Request {
  std::string path;
  Query query;
};

// Every endpoint of a run, with ids taken from the folder answers.
std::vector<Request> EveryEndpoint(const Dashboard& folder, const std::string& run) {
  const std::string base = "/api/runs/" + run;
  const nlohmann::json segments = ParseJson(folder.Get(base + "/segments", {}).body);
  const int segment = segments["segments"][1]["segment_id"];
  const nlohmann::json page =
      ParseJson(folder.Get(base + "/segments/" + std::to_string(segment) + "/customers", {}).body);
  REQUIRE(page["customers"].size() >= 2);
  const std::string customer = page["customers"][1]["customer_id"];
  const std::string segment_path = base + "/segments/" + std::to_string(segment);
  return {
      {base + "/kpis", {}},
      {base + "/segments", {}},
      {base + "/segments", {{"k", "4"}, {"metric", "euclidean"}}},
      {base + "/segments", {{"k", "2"}}},
      {base + "/forecasts", {}},
      {base + "/migration", {}},
      {segment_path + "/customers", {}},
      {segment_path + "/customers", {{"page", "2"}, {"page_size", "7"}}},
      {segment_path + "/customers", {{"q", "united"}}},
      {segment_path + "/customers.csv", {}},
      {base + "/segments/1/customers", {{"k", "4"}, {"metric", "euclidean"}, {"page_size", "20"}}},
      {base + "/segments/0/customers.csv", {{"k", "2"}}},
      {base + "/customers/" + customer, {}},
      {base + "/customers/" + customer, {{"k", "4"}, {"metric", "euclidean"}}},
      {base + "/customers/" + customer + "/neighbours", {{"n", "4"}}},
      {base + "/customers/no-such-customer", {}},
  };
}

}  // namespace

TEST_CASE("a store-only dashboard answers every endpoint with the folder's bytes", "[web][store]") {
  const auto& runs = SampleRuns();
  const auto folder = MakeDashboard(runs.output_dir.string(), "");
  const auto stored = MakeDashboard("", runs.store);

  const nlohmann::json list = ParseJson(stored->Get("/api/runs", {}).body)["runs"];
  REQUIRE(list.size() == 2);
  CHECK(list[0]["run_id"] == runs.second_run);
  CHECK(list[1]["run_id"] == runs.first_run);
  CHECK(list[0]["previous_run_id"] == runs.first_run);
  for (const auto& run : list) {
    CHECK(run["source"] == "store");
    CHECK(run["has_data"] == true);
    CHECK(run["k"] == 3);
  }
  const nlohmann::json folder_list = ParseJson(folder->Get("/api/runs", {}).body)["runs"];
  CHECK(folder_list[0]["source"] == "folder");
  CHECK(folder_list[0]["customers"] == list[0]["customers"]);
  CHECK(folder_list[0]["revenue"] == list[0]["revenue"]);

  // "latest" is the newest run with data in the store alone.
  CHECK(stored->Get("/api/runs/latest/kpis", {}).body == folder->Get("/api/runs/latest/kpis", {}).body);

  int compared = 0;
  for (const std::string& run : {runs.second_run, runs.first_run}) {
    for (const Request& request : EveryEndpoint(*folder, run)) {
      const ApiResponse from_folder = folder->Get(request.path, request.query);
      const ApiResponse from_store = stored->Get(request.path, request.query);
      INFO(request.path << " (" << request.query.size() << " parameters)\nfolder: "
                        << from_folder.body.substr(0, 200) << "\nstore: " << from_store.body.substr(0, 200));
      CHECK(from_store.status == from_folder.status);
      CHECK(from_store.content_type == from_folder.content_type);
      CHECK(from_store.headers == from_folder.headers);
      if (request.query.count("k") && request.path.size() > 9 &&
          request.path.compare(request.path.size() - 9, 9, "/segments") == 0) {
        CHECK(WithoutTimes(from_store.body) == WithoutTimes(from_folder.body));
        CHECK(ParseJson(from_store.body)["source"] == "recluster");
      } else {
        CHECK(from_store.body == from_folder.body);
      }
      ++compared;
    }
  }
  CHECK(compared == 32);
  // The first run has no previous run: the same 404 both ways (compared above), with its message.
  CHECK(stored->Get("/api/runs/" + runs.first_run + "/migration", {}).status == 404);

  // The equal bytes above include the customer values, read from clv.csv on one side and from
  // table customer_values on the other: real figures, not two nulls.
  for (const std::string& run : {runs.second_run, runs.first_run}) {
    const std::string base = "/api/runs/" + run;
    const nlohmann::json kpis = ParseJson(stored->Get(base + "/kpis", {}).body);
    REQUIRE(kpis["customer_base"].is_object());
    CHECK(kpis["customer_base"]["customers"] == kpis["customers"]);
    const nlohmann::json page = ParseJson(stored->Get(base + "/segments/0/customers", {}).body);
    REQUIRE(!page["customers"].empty());
    for (const auto& customer : page["customers"]) {
      CHECK(customer["p_alive"].is_number());
      CHECK(customer["expected_revenue"].get<double>() > 0);
      CHECK(customer["clv"].get<double>() > 0);
    }
    const std::string id = page["customers"][0]["customer_id"];
    const nlohmann::json customer = ParseJson(stored->Get(base + "/customers/" + id, {}).body);
    REQUIRE(customer["value"].is_object());
    CHECK(customer["value"]["clv"] == page["customers"][0]["clv"]);
    CHECK(customer["value"]["purchases"].get<int64_t>() >= 1);
    const nlohmann::json segments = ParseJson(stored->Get(base + "/segments", {}).body);
    REQUIRE(segments["segments"].size() == 3);
    for (const auto& segment : segments["segments"]) CHECK(segment["value"]["mean_clv"].get<double>() > 0);
  }
}

TEST_CASE("folder and store together: folder first, store-only runs served and reloaded", "[web][store]") {
  const auto& runs = SampleRuns();
  // A copy of the second run under another id, in the store only.
  auto store = OpenStore(runs.store);
  StoredRun copy = store->LoadRun(runs.second_run);
  copy.info.run_id = "store-only-copy";
  copy.info.created_at = "2026-01-01T00:00:00Z";
  store->WriteRun(copy);
  struct Cleanup {
    ResultStore* store;
    ~Cleanup() { store->DeleteRun("store-only-copy"); }
  } cleanup{store.get()};

  const auto both = MakeDashboard(runs.output_dir.string(), runs.store);
  const nlohmann::json list = ParseJson(both->Get("/api/runs", {}).body)["runs"];
  REQUIRE(list.size() == 3);
  std::map<std::string, std::string> source;
  for (const auto& run : list) source[run["run_id"]] = run["source"];
  CHECK(source[runs.first_run] == "folder");
  CHECK(source[runs.second_run] == "folder");
  CHECK(source["store-only-copy"] == "store");

  nlohmann::json kpis = ParseJson(both->Get("/api/runs/store-only-copy/kpis", {}).body);
  nlohmann::json original = ParseJson(both->Get("/api/runs/" + runs.second_run + "/kpis", {}).body);
  CHECK(kpis["run_id"] == "store-only-copy");
  CHECK(kpis["total_revenue"] == original["total_revenue"]);
  CHECK(kpis["customers"] == original["customers"]);

  // Written again under the same id with a renamed segment: the next request sees it.
  const nlohmann::json before = ParseJson(both->Get("/api/runs/store-only-copy/segments", {}).body);
  const std::string old_name = before["segments"][0]["name"];
  for (DocumentRecord& document : copy.documents) {
    if (document.name != "segments.json") continue;
    nlohmann::json segments = nlohmann::json::parse(document.body);
    segments["segments"][0]["name"] = "Renamed in the store";
    document.body = segments.dump(2);
  }
  copy.info.created_at = "2026-01-01T00:00:01Z";
  store->WriteRun(copy);
  const nlohmann::json after = ParseJson(both->Get("/api/runs/store-only-copy/segments", {}).body);
  CHECK(after["segments"][0]["name"] == "Renamed in the store");
  CHECK(old_name != "Renamed in the store");
}

TEST_CASE("a run stored before schema 3 is served without customer values", "[web][store]") {
  const auto& runs = SampleRuns();
  auto store = OpenStore(runs.store);
  StoredRun old_run = store->LoadRun(runs.second_run);
  REQUIRE(!old_run.customer_values.empty());
  old_run.info.run_id = "schema-two-run";
  old_run.customer_values.clear();
  store->WriteRun(old_run);
  struct Cleanup {
    ResultStore* store;
    ~Cleanup() { store->DeleteRun("schema-two-run"); }
  } cleanup{store.get()};

  const auto stored = MakeDashboard("", runs.store);
  const auto folder = MakeDashboard(runs.output_dir.string(), "");
  const std::string base = "/api/runs/schema-two-run";
  const nlohmann::json kpis = ParseJson(stored->Get(base + "/kpis", {}).body);
  CHECK(kpis["customer_base"].is_null());
  CHECK(kpis["customers"] == ParseJson(folder->Get("/api/runs/" + runs.second_run + "/kpis", {}).body)["customers"]);
  const ApiResponse page = stored->Get(base + "/segments/1/customers", {});
  REQUIRE(page.status == 200);
  const nlohmann::json rows = ParseJson(page.body)["customers"];
  REQUIRE(!rows.empty());
  CHECK(rows[0]["clv"].is_null());
  CHECK(rows[0]["p_alive"].is_null());
  CHECK(rows[0]["expected_revenue"].is_null());
  const std::string id = rows[0]["customer_id"];
  CHECK(ParseJson(stored->Get(base + "/customers/" + id, {}).body)["value"].is_null());
  const std::string csv = stored->Get(base + "/segments/1/customers.csv", {}).body;
  CHECK(csv.find("\n" + id + ",") != std::string::npos);
  CHECK(csv.find(",,,\n") != std::string::npos);  // p_alive, expected_revenue and clv left empty
  // The rest of the run is as before: segments (with segments.json's values), forecasts.
  CHECK(stored->Get(base + "/segments", {}).body.find("\"mean_clv\"") != std::string::npos);
  CHECK(stored->Get(base + "/forecasts", {}).status == 200);
}

TEST_CASE("a run stored before schema 2 is listed without data and answers 409", "[web][store]") {
  const auto& runs = SampleRuns();
  auto store = OpenStore(runs.store);
  StoredRun old_run = store->LoadRun(runs.first_run);
  old_run.info.run_id = "schema-one-run";
  old_run.panel.clear();
  old_run.documents.clear();
  store->WriteRun(old_run);
  struct Cleanup {
    ResultStore* store;
    ~Cleanup() { store->DeleteRun("schema-one-run"); }
  } cleanup{store.get()};

  const auto stored = MakeDashboard("", runs.store);
  const nlohmann::json list = ParseJson(stored->Get("/api/runs", {}).body)["runs"];
  bool listed = false;
  for (const auto& run : list) {
    if (run["run_id"] != "schema-one-run") continue;
    listed = true;
    CHECK(run["has_data"] == false);
    CHECK(run["source"] == "store");
  }
  CHECK(listed);
  const ApiResponse answer = stored->Get("/api/runs/schema-one-run/kpis", {});
  CHECK(answer.status == 409);
  const nlohmann::json error = ParseJson(answer.body)["error"];
  CHECK(error["status"] == 409);
  CHECK(error["field"] == "run");
  CHECK(error["message"].get<std::string>().find("stored before the store kept panels") != std::string::npos);
  CHECK(stored->Get("/api/runs/never-written/kpis", {}).status == 404);
}

}  // namespace segcast
