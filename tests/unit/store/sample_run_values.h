// A real run of the bundled sample written to a store: its customer_values rows must be the rows of
// the run folder's clv.csv (and of RunResult::customer_base), figure for figure. Run against SQLite
// and PostgreSQL.
#pragma once

#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "segcast/pipeline.h"
#include "segcast/store.h"
#include "unit/store/store_contract.h"

namespace segcast::testing {

//! The rows of a run CSV file as named fields (the run files quote only text with commas, quotes
//! or line breaks, which clv.csv's ids of the sample do not have).
inline std::vector<std::map<std::string, std::string>> ReadSimpleCsv(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> header;
  std::string line;
  auto split = [](const std::string& text) {
    std::vector<std::string> fields;
    std::stringstream stream(text);
    std::string field;
    while (std::getline(stream, field, ',')) fields.push_back(field);
    if (!text.empty() && text.back() == ',') fields.emplace_back();
    return fields;
  };
  while (std::getline(in, line)) {
    REQUIRE(line.find('"') == std::string::npos);
    const std::vector<std::string> fields = split(line);
    if (header.empty()) {
      header = fields;
      continue;
    }
    REQUIRE(fields.size() == header.size());
    std::map<std::string, std::string> row;
    for (size_t column = 0; column < header.size(); ++column) row[header[column]] = fields[column];
    rows.push_back(std::move(row));
  }
  return rows;
}

//! A number as the run files write it: shortest round-trip text, "" for NaN.
inline double CsvFigure(const std::string& text) {
  if (text.empty()) return std::nan("");
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  REQUIRE(error == std::errc());
  REQUIRE(end == text.data() + text.size());
  return value;
}

//! Runs the pipeline on the bundled sample into `work` with the store `connection`, then checks
//! the stored customer values against clv.csv, RunResult::customer_base and segments.json.
inline void CheckSampleRunValues(const std::string& connection, const std::filesystem::path& work) {
  RunOptions options;
  options.ingest.path = std::string(SEGCAST_SOURCE_DIR) + "/data/online_retail_sample.csv.gz";
  options.output_dir = work.string();
  options.store = connection;
  options.k = 3;
  options.run_backtest = false;
  options.threads = 2;
  options.seed = 11;
  const RunResult result = RunPipeline(options);
  REQUIRE(result.customer_base.has_value());

  const StoredRun stored = OpenStore(connection)->LoadRun(result.run_id);
  const auto csv = ReadSimpleCsv(std::filesystem::path(result.run_dir) / "clv.csv");
  // Every customer of the sample with a purchase before the as-of date: 442 in the bundled slice.
  REQUIRE(csv.size() == static_cast<size_t>(result.customer_base->histories.size()));
  REQUIRE(csv.size() > 400);
  REQUIRE(stored.customer_values.size() == csv.size());

  std::map<std::string, const CustomerValueRecord*> by_id;
  for (const CustomerValueRecord& record : stored.customer_values) by_id[record.customer_id] = &record;
  REQUIRE(by_id.size() == csv.size());
  std::map<std::string, int32_t> assigned;
  for (const AssignmentRecord& record : stored.assignments) assigned[record.customer_id] = record.segment_id;

  double revenue = 0;
  std::map<int32_t, std::pair<double, int>> clv_by_segment;  // sum, customers
  for (const auto& row : csv) {
    const std::string& id = row.at("customer_id");
    INFO("customer " << id);
    REQUIRE(by_id.count(id) == 1);
    const CustomerValueRecord& record = *by_id.at(id);
    CHECK(record.segment_id == std::stoi(row.at("segment")));
    CHECK(record.purchases == std::stoll(row.at("purchases")));
    CHECK(SameFigure(CsvFigure(row.at("recency_weeks")), record.recency_weeks));
    CHECK(SameFigure(CsvFigure(row.at("age_weeks")), record.age_weeks));
    CHECK(SameFigure(CsvFigure(row.at("p_alive")), record.p_alive));
    CHECK(SameFigure(CsvFigure(row.at("expected_purchases")), record.expected_purchases));
    CHECK(SameFigure(CsvFigure(row.at("expected_revenue")), record.expected_revenue));
    CHECK(SameFigure(CsvFigure(row.at("clv")), record.clv));
    // Plausible figures, not just equal ones.
    CHECK(record.purchases >= 1);
    CHECK(record.recency_weeks <= record.age_weeks);
    CHECK(record.p_alive >= 0.0);
    CHECK(record.p_alive <= 1.0);
    CHECK(record.expected_revenue >= 0.0);
    CHECK(record.clv >= 0.0);
    // The segment is the customer's assignment in the same run.
    const auto found = assigned.find(id);
    CHECK(record.segment_id == (found == assigned.end() ? -1 : found->second));
    revenue += record.expected_revenue;
    if (record.segment_id >= 0) {
      clv_by_segment[record.segment_id].first += record.clv;
      ++clv_by_segment[record.segment_id].second;
    }
  }
  CHECK(revenue > 0.0);

  // The same figures as the library's result, customer for customer (clv.csv lists the customers
  // in CustomerHistories order; the result holds indices, not ids).
  const CohortForecast& model = *result.customer_base;
  for (int customer = 0; customer < model.histories.size(); ++customer) {
    const CustomerValueRecord& same = *by_id.at(csv[static_cast<size_t>(customer)].at("customer_id"));
    CHECK(SameFigure(model.predictions.p_alive[customer], same.p_alive));
    CHECK(SameFigure(model.predictions.clv[customer], same.clv));
    CHECK(same.purchases == model.histories.repeat_purchases[customer] + 1);
  }

  // segments.json's mean CLV of each segment is the mean over its members' stored CLV.
  const DocumentRecord* segments = stored.FindDocument("segments.json");
  REQUIRE(segments != nullptr);
  const nlohmann::json document = nlohmann::json::parse(segments->body);
  REQUIRE(document["segments"].size() == 3);
  for (const auto& segment : document["segments"]) {
    const int32_t id = segment["segment"].get<int32_t>();
    REQUIRE(segment["value"].is_object());
    const auto& [sum, customers] = clv_by_segment.at(id);
    CHECK(customers == segment["customers"].get<int>());
    CHECK(segment["value"]["mean_clv"].get<double>() == Approx(sum / customers).epsilon(1e-12));
  }

  // Loading without the table skips it.
  LoadParts parts;
  parts.customer_values = false;
  CHECK(OpenStore(connection)->LoadRun(result.run_id, parts).customer_values.empty());
}

}  // namespace segcast::testing
