// Shared by the dashboard tests: two small runs of the bundled sample written once per test
// process by the pipeline (run folders and a SQLite store) (an earlier as-of date, then the full log aligned with it), and an
// independent reader of the run files the assertions compare against.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace segcast::testing {

struct WebFixture {
  std::filesystem::path output_dir;  //!< holds runs/<first_run>, runs/<second_run>, latest
  std::string first_run;             //!< as of 2011-09-01, k = 3
  std::string second_run;            //!< as of the default date, k = 3, previous = first_run
  std::string store;                 //!< "sqlite:OUT/segcast.db": both runs, written by the same runs
};

//! Built on first use (RunPipeline on data/online_retail_sample.csv.gz), removed at exit.
const WebFixture& SampleRuns();

//! A CSV file as rows of named fields (quote-aware, written for the tests alone).
std::vector<std::map<std::string, std::string>> ReadCsvRows(const std::filesystem::path& path);
//! Splits CSV text (header first) into rows of named fields.
std::vector<std::map<std::string, std::string>> ParseCsvText(const std::string& text);

nlohmann::json ParseJson(const std::string& body);

}  // namespace segcast::testing
