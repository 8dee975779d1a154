// The dashboard's data side: the JSON API of docs/dashboard.md over the runs of a `segcast run`
// output directory, with server-side re-clustering. No HTTP here (dashboard_server.h adds it), so
// the API can be called and tested directly.
//
// A run is read from its folder OUT/runs/<run id>/ (manifest.json, segments.json, assignments.csv,
// rfm.csv, lrfm.csv, forecast.json), or, when it has no folder, from the result store (the same
// contents: runs, customers, assignments, panel, run_documents), and kept in memory after the first
// request; a re-written run (folder replaced, or stored again) is read again. Re-clustering
// rebuilds the run's panel from lrfm.csv, scales it as the run did (manifest.json: scaling, log1p,
// pre-acquisition), and fits TimeSeries K-Means (ts_kmeans.h) with the run's seed, band, max_iter,
// tol and n_init; only k and the metric change. Each (run, k, metric) is computed once and cached
// (at most `cache_entries`, oldest dropped first); concurrent requests for the same configuration
// wait for one computation. Answers are deterministic: the same request gives the same bytes.
//
//   segcast::DashboardOptions options;
//   options.output_dir = "segcast-out";
//   segcast::Dashboard dashboard(options);
//   segcast::ApiResponse kpis = dashboard.Get("/api/runs/latest/kpis", {});
//   segcast::ApiResponse dtw5 = dashboard.Get("/api/runs/latest/segments", {{"k", "5"}, {"metric", "dtw"}});
//   std::cout << kpis.status << " " << kpis.body << "\n";
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace segcast {

struct DashboardOptions {
  //! Output directory of `segcast run`: runs in OUT/runs/<run id>/, OUT/latest the newest. "" for
  //! none; at least one of output_dir and store is required.
  std::string output_dir;
  //! Result store to serve runs from as well ("" = none): a SQLite path, "sqlite:PATH" or
  //! "postgresql://...". A run in both is read from its folder; a store-only run is read from the
  //! store (schema 2: its panel and JSON documents) and answers every endpoint with the same bytes
  //! as its folder would. Opened once by the Dashboard. Never printed unredacted.
  std::string store;
  //! Threads of one re-clustering or neighbour search; 0 = every core. Answers do not depend on it.
  int threads = 0;
  //! Re-clusterings kept in memory, over all runs; >= 1. Default 64 (7 k x 2 metrics x 4 runs).
  int cache_entries = 64;
  //! Series scored by the re-clustering's silhouette: a seeded sample of this many series scored
  //! against each other (scikit-learn's sample_size); 0 scores every series (exact, O(N^2) DTW,
  //! seconds on a real retailer). >= 0. Default 500. The run's own silhouette is always the run's.
  int silhouette_sample = 500;

  void Validate() const;  // throws InvalidArgument naming the field
};

//! One answer of the API: HTTP status, media type, body and extra headers.
struct ApiResponse {
  int status = 200;  //!< 200, 400, 404, 500, ...
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  //!< e.g. Content-Disposition
};

//! A JSON error answer: {"error": {"status", "message", "field"}} ("field" omitted when empty).
ApiResponse ErrorResponse(int status, const std::string& message, const std::string& field = "");

class Dashboard {
 public:
  //! Validates the options and opens the store; throws InvalidArgument, InputError when output_dir
  //! is given but not a folder, DatabaseError when the store cannot be opened.
  explicit Dashboard(DashboardOptions options);
  ~Dashboard();
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  //! Answers one GET of the API: `path` starts with /api/ (decoded, without the query), `query` the
  //! decoded query parameters. Never throws: errors become JSON error answers (400, 404, 500).
  //! Safe to call from many threads at once.
  ApiResponse Get(const std::string& path, const std::multimap<std::string, std::string>& query) const;

  //! Number of runs found now (folders under OUT/runs plus store runs).
  int RunCount() const;
  const DashboardOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace segcast
