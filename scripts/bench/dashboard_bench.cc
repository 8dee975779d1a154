// Dashboard benchmark: prints CSV figures (machine, threads, inputs in the header lines).
//
//   dashboard_bench recluster OUT [--reps 3] [--threads 2] [--metric dtw] [--silhouette-sample N]
//       cold re-clustering latency over HTTP for k = 2..8: a fresh server (empty cache) per
//       repetition and k; median and min of the wall time of the request, and the server's own
//       "seconds".
//   dashboard_bench page OUT ASSETS [--reps 5] [--db STORE]
//       first-page load: every request the page makes on first render, in order, on a fresh server
//       (cold: the run is read from its folder, or with OUT "-" and --db from the store) and again
//       on the same server (warm); wall and CPU milliseconds of this process (client and server).
//   dashboard_bench load OUT [--requests 10000] [--connections 8]
//       read-only endpoints in rotation from keep-alive connections: requests per second, latency
//       percentiles.
#include <httplib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "segcast/dashboard_server.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// CPU seconds of this process (the server runs in it): less sensitive than wall time to other
// jobs on a shared machine.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * (values.size() - 1) + 0.5));
  return values[index];
}

std::string Flag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 0; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

double LoadAverage() {
  double load = 0;
  std::ifstream("/proc/loadavg") >> load;
  return load;
}

// A dashboard and its server on a free loopback port, serving on a thread of its own.
struct Running {
  Running(const std::string& out, const std::string& assets, int threads, int silhouette_sample,
          const std::string& store = "") {
    segcast::DashboardOptions options;
    options.output_dir = out == "-" ? "" : out;
    options.store = store;
    options.threads = threads;
    if (silhouette_sample >= 0) options.silhouette_sample = silhouette_sample;
    dashboard = std::make_unique<segcast::Dashboard>(options);
    segcast::ServerOptions server_options;
    server_options.port = 0;
    server_options.assets_dir = assets;
    server = std::make_unique<segcast::DashboardServer>(*dashboard, server_options);
    port = server->Bind();
    thread = std::thread([this] { server->Serve(); });
  }
  ~Running() {
    server->Stop();
    thread.join();
  }
  std::unique_ptr<segcast::Dashboard> dashboard;
  std::unique_ptr<segcast::DashboardServer> server;
  std::thread thread;
  int port = 0;
};

void Header(const std::string& what, int threads) {
  std::printf("# dashboard_bench %s; cpu: %s; hardware threads: %u; compute threads: %d; load average at start: %.2f\n",
              what.c_str(), CpuModel().c_str(), std::thread::hardware_concurrency(), threads, LoadAverage());
}

int Recluster(int argc, char** argv) {
  const std::string out = argv[2];
  const int reps = std::stoi(Flag(argc, argv, "--reps", "3"));
  const int threads = std::stoi(Flag(argc, argv, "--threads", "2"));
  const std::string metric = Flag(argc, argv, "--metric", "dtw");
  const int sample = std::stoi(Flag(argc, argv, "--silhouette-sample", "-1"));
  Header("recluster " + out, threads);
  std::printf("k,metric,reps,median_ms,min_ms,max_ms,cpu_ms_median,server_seconds_median,seed_s,assign_s,update_s,"
              "silhouette_s,profile_s,iterations,silhouette,silhouette_sample,customers\n");
  for (int k = 2; k <= 8; ++k) {
    std::vector<double> wall, server_seconds, cpu;
    nlohmann::json last;
    for (int rep = 0; rep < reps; ++rep) {
      Running running(out, "", threads, sample);
      httplib::Client client("127.0.0.1", running.port);
      client.set_read_timeout(600);
      // Warm the run itself (read from its folder) so only the re-clustering is timed.
      client.Get("/api/runs/latest/kpis");
      const double cpu_start = CpuSeconds();
      const auto start = Clock::now();
      const auto answer = client.Get(("/api/runs/latest/segments?k=" + std::to_string(k) + "&metric=" + metric).c_str());
      wall.push_back(Ms(start));
      cpu.push_back(1000 * (CpuSeconds() - cpu_start));
      if (!answer || answer->status != 200) {
        std::fprintf(stderr, "request failed: %s\n", answer ? answer->body.c_str() : "no answer");
        return 1;
      }
      last = nlohmann::json::parse(answer->body);
      server_seconds.push_back(last["seconds"].get<double>());
    }
    int64_t customers = 0;
    for (const auto& segment : last["segments"]) customers += segment["customers"].get<int64_t>();
    const auto& timings = last["timings"];
    std::printf("%d,%s,%d,%.1f,%.1f,%.1f,%.1f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,%.4f,%d,%lld\n", k, metric.c_str(), reps,
                Percentile(wall, 0.5), *std::min_element(wall.begin(), wall.end()),
                *std::max_element(wall.begin(), wall.end()), Percentile(cpu, 0.5), Percentile(server_seconds, 0.5),
                timings["seed"].get<double>(), timings["assign"].get<double>(), timings["update"].get<double>(),
                timings["silhouette"].get<double>(), timings["profile"].get<double>(), last["iterations"].get<int>(),
                last["silhouette"].is_number() ? last["silhouette"].get<double>() : -2.0,
                last["silhouette_sample"].get<int>(), static_cast<long long>(customers));
    std::fflush(stdout);
  }
  return 0;
}

// The requests index.html / app.js make before the first render (docs/dashboard.md).
std::vector<std::string> PageRequests(httplib::Client& client) {
  std::vector<std::string> requests = {"/", "/assets/styles.css", "/assets/app.js", "/assets/vendor/echarts.min.js",
                                       "/api/runs", "/api/runs/latest/kpis",
                                       "/api/runs/latest/segments", "/api/runs/latest/forecasts",
                                       "/api/runs/latest/migration"};
  const auto segments = client.Get("/api/runs/latest/segments");
  if (segments && segments->status == 200) {
    const auto parsed = nlohmann::json::parse(segments->body);
    if (!parsed["segments"].empty()) {
      const std::string id = std::to_string(parsed["segments"][0]["segment_id"].get<int>());
      requests.push_back("/api/runs/latest/segments/" + id + "/customers?page=1&page_size=25&q=");
    }
  }
  return requests;
}

int Page(int argc, char** argv) {
  const std::string out = argv[2], assets = argc > 3 ? argv[3] : "";
  const int reps = std::stoi(Flag(argc, argv, "--reps", "5"));
  const std::string store = Flag(argc, argv, "--db", "");
  Header("page " + out + " assets " + assets + (store.empty() ? "" : " store " + store), 0);
  std::vector<double> cold, warm, cold_cpu, warm_cpu;
  size_t bytes = 0, count = 0;
  for (int rep = 0; rep < reps; ++rep) {
    std::vector<std::string> requests;
    {
      Running probe(out, assets, 0, -1, store);
      httplib::Client client("127.0.0.1", probe.port);
      requests = PageRequests(client);
    }
    const double cpu_start = CpuSeconds();
    Running running(out, assets, 0, -1, store);
    httplib::Client client("127.0.0.1", running.port);
    for (int pass = 0; pass < 2; ++pass) {
      const auto start = Clock::now();
      const double pass_cpu_start = pass == 0 ? cpu_start : CpuSeconds();
      size_t pass_bytes = 0;
      for (const std::string& target : requests) {
        const auto answer = client.Get(target.c_str());
        if (answer) pass_bytes += answer->body.size();
      }
      (pass == 0 ? cold : warm).push_back(Ms(start));
      (pass == 0 ? cold_cpu : warm_cpu).push_back(1000 * (CpuSeconds() - pass_cpu_start));
      bytes = pass_bytes;
      count = requests.size();
    }
  }
  std::printf("pass,requests,bytes,reps,median_ms,min_ms,cpu_ms_median,cpu_ms_min\n");
  std::printf("cold,%zu,%zu,%d,%.1f,%.1f,%.1f,%.1f\n", count, bytes, reps, Percentile(cold, 0.5),
              *std::min_element(cold.begin(), cold.end()), Percentile(cold_cpu, 0.5),
              *std::min_element(cold_cpu.begin(), cold_cpu.end()));
  std::printf("warm,%zu,%zu,%d,%.1f,%.1f,%.1f,%.1f\n", count, bytes, reps, Percentile(warm, 0.5),
              *std::min_element(warm.begin(), warm.end()), Percentile(warm_cpu, 0.5),
              *std::min_element(warm_cpu.begin(), warm_cpu.end()));
  return 0;
}

int Load(int argc, char** argv) {
  const std::string out = argv[2];
  const int total = std::stoi(Flag(argc, argv, "--requests", "10000"));
  const int connections = std::stoi(Flag(argc, argv, "--connections", "8"));
  Header("load " + out, 0);
  Running running(out, "", 0, -1);
  std::vector<std::string> targets;
  {
    httplib::Client client("127.0.0.1", running.port);
    targets = PageRequests(client);
    targets.erase(std::remove_if(targets.begin(), targets.end(),
                                 [](const std::string& t) { return t.rfind("/api/", 0) != 0; }),
                  targets.end());
    for (const auto& target : targets) client.Get(target.c_str());  // runs loaded
  }
  std::atomic<int> next{0}, errors{0};
  std::vector<std::vector<double>> latencies(connections);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int connection = 0; connection < connections; ++connection) {
    threads.emplace_back([&, connection] {
      httplib::Client client("127.0.0.1", running.port);
      client.set_keep_alive(true);
      for (int request; (request = next++) < total;) {
        const auto begin = Clock::now();
        const auto answer = client.Get(targets[request % targets.size()].c_str());
        latencies[connection].push_back(Ms(begin));
        if (!answer || answer->status >= 500) ++errors;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double seconds = Ms(start) / 1000;
  std::vector<double> all;
  for (const auto& list : latencies) all.insert(all.end(), list.begin(), list.end());
  std::printf("requests,connections,endpoints,seconds,requests_per_second,p50_ms,p99_ms,max_ms,errors\n");
  std::printf("%d,%d,%zu,%.2f,%.0f,%.2f,%.2f,%.2f,%d\n", total, connections, targets.size(), seconds, total / seconds,
              Percentile(all, 0.5), Percentile(all, 0.99), Percentile(all, 1.0), errors.load());
  return 0;
}

// Serves OUT until killed, printing the port: for wrk.
int Serve(int argc, char** argv) {
  (void)argc;
  Running running(argv[2], "", 0, -1);
  std::printf("port %d\n", running.port);
  std::fflush(stdout);
  pause();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: dashboard_bench recluster|page|load|serve OUT [ASSETS] [flags]\n");
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "recluster") return Recluster(argc, argv);
  if (mode == "page") return Page(argc, argv);
  if (mode == "load") return Load(argc, argv);
  if (mode == "serve") return Serve(argc, argv);
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
