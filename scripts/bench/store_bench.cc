// Result store and re-segmentation benchmark: time to write and read back a run of N customers in
// SQLite (and PostgreSQL when SEGCAST_TEST_POSTGRES is set), and to build the migration of N
// customers between two runs.
//
//   segcast_store_bench [customers=4372,100000] [repeats=5] [dir=/tmp] [batch=100]
//
// Prints one JSON object (machine, inputs, median seconds over the repeats) on stdout.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "segcast/migration.h"
#include "segcast/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

template <typename Body>
double Seconds(Body&& body) {
  const auto start = Clock::now();
  body();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A run shaped like an Online Retail run: k = 6 segments, 12-month centroids, 6 forecast months.
segcast::StoredRun MakeRun(const std::string& run_id, int customers, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> segment(0, 5);
  std::uniform_real_distribution<double> uniform(0.0, 1000.0);
  segcast::StoredRun run;
  run.info.run_id = run_id;
  run.info.created_at = "2026-11-22T00:00:00Z";
  run.info.as_of = "2011-12-10";
  run.info.k = 6;
  run.info.customers = customers;
  run.info.options_json = "{}";
  run.info.manifest_json = "{}";
  for (int customer = 0; customer < customers; ++customer) {
    const std::string id = std::to_string(12346 + customer);
    const int label = segment(random);
    run.customers.push_back({id, "United Kingdom", "2010-12-01", "2011-12-09", 1 + customer % 20,
                             uniform(random), customer % 365});
    run.assignments.push_back(
        {id, label, uniform(random) / 100, (label + 1) % 6, uniform(random) / 50});
    run.moves.push_back({id, segment(random), label, "moved"});
  }
  for (int label = 0; label < 6; ++label) {
    segcast::SegmentRecord record;
    record.segment_id = label;
    record.name = "Segment " + std::to_string(label);
    record.evidence = "R rose from 24 to 131 days over the last 4 months";
    run.segments.push_back(record);
    for (int month = 0; month < 12; ++month)
      run.centroids.push_back({label, month, "2011-01", 1, 2, 3, 4, 0.1, 0.2, 0.3, 0.4});
    for (int month = 0; month < 6; ++month)
      run.forecasts.push_back(
          {label, "2012-0" + std::to_string(month + 1), "forecast", uniform(random), 1.0, 2.0});
    for (int to = 0; to < 6; ++to) run.migrations.push_back({label, to, 10, 1.0, 2.0});
  }
  return run;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ",") + part;
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {4372, 100000};
  int repeats = 5;
  segcast::StoreOptions options;
  std::string directory = "/tmp";
  for (int index = 1; index < argc; ++index) {
    const std::string argument = argv[index];
    const size_t equals = argument.find('=');
    const std::string key = argument.substr(0, equals), value = argument.substr(equals + 1);
    if (key == "customers") {
      sizes.clear();
      std::stringstream list(value);
      for (std::string item; std::getline(list, item, ',');) sizes.push_back(std::stoi(item));
    } else if (key == "repeats") {
      repeats = std::max(1, std::stoi(value));
    } else if (key == "batch") {
      options.batch_rows = std::stoi(value);
    } else if (key == "dir") {
      directory = value;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argument.c_str());
      return 2;
    }
  }
  const char* postgres = std::getenv("SEGCAST_TEST_POSTGRES");
  std::vector<std::string> backends = {"sqlite:" + directory + "/segcast_store_bench_" +
                                       std::to_string(::getpid()) + ".db"};
  if (postgres && *postgres) backends.push_back(postgres);

  char host[256] = "unknown";
  gethostname(host, sizeof host);
  std::vector<std::string> results;
  for (int customers : sizes) {
    const segcast::StoredRun run = MakeRun("bench", customers, 1);
    const size_t rows = 1 + run.customers.size() + run.assignments.size() + run.moves.size() +
                        run.segments.size() + run.centroids.size() + run.forecasts.size() +
                        run.migrations.size();
    for (const std::string& backend : backends) {
      auto store = segcast::OpenStore(backend, options);
      std::vector<double> write, rewrite, load;
      for (int repeat = 0; repeat < repeats; ++repeat) {
        store->DeleteRun("bench");
        write.push_back(Seconds([&] { store->WriteRun(run); }));
        rewrite.push_back(Seconds([&] { store->WriteRun(run); }));  // replaces the same run id
        load.push_back(Seconds([&] { (void)store->LoadRun("bench"); }));
      }
      store->DeleteRun("bench");
      std::ostringstream item;
      item << "{\"backend\": \"" << (backend.rfind("sqlite:", 0) == 0 ? "sqlite" : "postgresql")
           << "\", \"customers\": " << customers << ", \"rows\": " << rows
           << ", \"write_s\": " << Median(write) << ", \"rewrite_s\": " << Median(rewrite)
           << ", \"load_s\": " << Median(load) << "}";
      results.push_back(item.str());
    }
    segcast::RunAssignments previous, current;
    for (const auto& record : run.assignments) {
      previous.customer_ids.push_back(record.customer_id);
      previous.segment.push_back(record.segment_id);
      current.customer_ids.push_back(record.customer_id);
      current.segment.push_back(record.runner_up_segment);
    }
    std::vector<double> migration;
    for (int repeat = 0; repeat < repeats; ++repeat)
      migration.push_back(Seconds([&] { (void)segcast::BuildMigration(previous, current); }));
    std::ostringstream item;
    item << "{\"operation\": \"BuildMigration\", \"customers\": " << customers
         << ", \"seconds\": " << Median(migration) << "}";
    results.push_back(item.str());
  }
  std::filesystem::remove(backends[0].substr(7));
  std::filesystem::remove(backends[0].substr(7) + "-wal");
  std::filesystem::remove(backends[0].substr(7) + "-shm");
  std::printf(
      "{\"benchmark\": \"store\", \"machine\": \"%s\", \"hardware_threads\": %u, "
      "\"threads\": 1, \"repeats\": %d, \"batch_rows\": %d, \"statistic\": \"median\", "
      "\"results\": [%s]}\n",
      host, std::thread::hardware_concurrency(), repeats, options.batch_rows,
      Join(results).c_str());
  return 0;
}
