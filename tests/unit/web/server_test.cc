// The HTTP server on an ephemeral loopback port: routing, static files and their guards, limits,
// methods, error bodies, request log, and identical answers under concurrent clients.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "segcast/dashboard_server.h"
#include "unit/web/web_fixture.h"

namespace segcast {
namespace {

namespace fs = std::filesystem;
using testing::ParseJson;
using testing::SampleRuns;

constexpr const char* kSecret = "TOP-SECRET-CONTENT-OUTSIDE-ASSETS";

void WriteFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

// A server over the sample runs with a small asset folder beside a file it must never serve.
class TestServer {
 public:
  explicit TestServer(bool with_index = true) {
    root_ = fs::temp_directory_path() / ("segcast_web_server_" + std::to_string(getpid()) + "_" +
                                         std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::remove_all(root_);
    if (with_index) WriteFile(root_ / "web" / "index.html", "<!doctype html><title>segcast</title>");
    WriteFile(root_ / "web" / "app.js", "console.log('segcast');");
    WriteFile(root_ / "web" / "vendor" / "echarts.min.js", "/* echarts */");
    WriteFile(root_ / "secret.txt", kSecret);
    fs::create_symlink(root_ / "secret.txt", root_ / "web" / "leak.txt");
    fs::create_directory_symlink(root_, root_ / "web" / "up");
    DashboardOptions dashboard_options;
    dashboard_options.output_dir = SampleRuns().output_dir.string();
    dashboard_options.threads = 1;
    dashboard_ = std::make_unique<Dashboard>(dashboard_options);
    ServerOptions options;
    options.port = 0;
    options.assets_dir = (root_ / "web").string();
    options.log = [this](const std::string& line) {
      std::lock_guard lock(log_mutex_);
      log_.push_back(line);
    };
    server_ = std::make_unique<DashboardServer>(*dashboard_, options);
    port_ = server_->Bind();
    thread_ = std::thread([this] { server_->Serve(); });
  }
  ~TestServer() {
    server_->Stop();
    thread_.join();
    fs::remove_all(root_);
  }
  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5);
    client.set_read_timeout(60);
    return client;
  }
  std::vector<std::string> Log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }
  int port() const { return port_; }

 private:
  fs::path root_;
  std::unique_ptr<Dashboard> dashboard_;
  std::unique_ptr<DashboardServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

// Sends bytes as they are and returns the whole answer.
std::string RawExchange(int port, const std::string& request) {
  // httplib::Client would encode the target; a socket keeps it byte for byte.
  int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::send(socket_fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string answer;
  char buffer[4096];
  for (ssize_t got; (got = ::recv(socket_fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, got);
  ::close(socket_fd);
  return answer;
}

// A GET of a raw target (no client-side normalisation).
std::string RawRequest(int port, const std::string& target) {
  return RawExchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

int StatusOf(const std::string& raw) { return raw.size() > 12 ? std::stoi(raw.substr(9, 3)) : 0; }

}  // namespace

TEST_CASE("the server answers the API and the front end on a loopback port", "[web][http]") {
  TestServer server;
  httplib::Client client = server.Client();
  const auto health = client.Get("/api/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->get_header_value("Content-Type") == "application/json; charset=utf-8");
  CHECK(ParseJson(health->body)["runs"] == 2);
  const auto index = client.Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->body.find("<title>segcast</title>") != std::string::npos);
  CHECK(index->get_header_value("Content-Type").rfind("text/html", 0) == 0);
  const auto script = client.Get("/assets/vendor/echarts.min.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK(script->body == "/* echarts */");
  CHECK(script->get_header_value("Content-Type").rfind("text/javascript", 0) == 0);
  // The front end's files carry the Content-Security-Policy; the API's JSON needs none.
  for (const auto* answer : {&index, &script}) {
    const std::string policy = (*answer)->get_header_value("Content-Security-Policy");
    CHECK(policy.rfind("default-src 'self'; script-src 'self'; style-src 'self';", 0) == 0);
    CHECK(policy.find("unsafe-inline") == std::string::npos);
    CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
  }
  CHECK_FALSE(health->has_header("Content-Security-Policy"));
  const auto head = client.Head("/api/runs/latest/kpis");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  const auto csv = client.Get("/api/runs/latest/segments/0/customers.csv?q=united");
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->get_header_value("Content-Disposition") == "attachment; filename=\"segment-0.csv\"");
  // The request log: one line per request with method, path, status, bytes and milliseconds.
  // cpp-httplib logs after sending the answer, so the last line may trail the client a little.
  for (int wait = 0; wait < 200 && server.Log().size() < 5; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto log = server.Log();
  REQUIRE(log.size() == 5);
  // Each request may be answered by another worker thread: look lines up, not by position.
  auto logged = [&log](const std::string& prefix) {
    return std::count_if(log.begin(), log.end(), [&prefix](const std::string& line) {
      return line.rfind(prefix, 0) == 0 && line.size() > 5 && line.compare(line.size() - 3, 3, " ms") == 0;
    });
  };
  CHECK(logged("GET /api/health 200 ") == 1);
  CHECK(logged("GET / 200 ") == 1);
  CHECK(logged("HEAD /api/runs/latest/kpis 200 ") == 1);
  CHECK(logged("GET /api/runs/latest/segments/0/customers.csv 200 ") == 1);
  for (const std::string& line : log) CHECK(line.find("united") == std::string::npos);
}

TEST_CASE("path traversal out of the asset folder is refused and leaks nothing", "[web][http]") {
  TestServer server;
  for (const std::string target :
       {"/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/%2E%2E%2Fsecret.txt",
        "/assets/..%2fsecret.txt", "/assets/%252e%252e/secret.txt", "/assets/..\\secret.txt",
        "/assets/%5c..%5csecret.txt", "/assets//etc/passwd", "/assets/%2fetc%2fpasswd", "/assets/leak.txt",
        "/assets/up/secret.txt", "/assets/app.js%00.png", "/../secret.txt", "/secret.txt",
        "/assets/./app.js", "/assets/vendor/../../secret.txt"}) {
    const std::string raw = RawRequest(server.port(), target);
    INFO(target << " -> " << raw.substr(0, 200));
    const int status = StatusOf(raw);
    CHECK((status == 400 || status == 404));
    CHECK(raw.find(kSecret) == std::string::npos);
    CHECK(raw.find("root:") == std::string::npos);
  }
  // The legitimate file next to them is served.
  CHECK(StatusOf(RawRequest(server.port(), "/assets/app.js")) == 200);
}

TEST_CASE("methods, sizes and unknown routes get JSON errors", "[web][http]") {
  TestServer server;
  httplib::Client client = server.Client();
  const auto post = client.Post("/api/health", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->get_header_value("Allow") == "GET, HEAD");
  CHECK(ParseJson(post->body)["error"]["status"] == 405);
  const auto del = client.Delete("/api/runs/latest");
  REQUIRE(del);
  CHECK(del->status == 405);
  const auto big = client.Post("/api/health", std::string(100 * 1024, 'x'), "text/plain");
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(ParseJson(big->body)["error"]["status"] == 413);
  const auto missing = client.Get("/api/runs/latest/nothing");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(ParseJson(missing->body)["error"]["status"] == 404);
  const auto bad = client.Get("/api/runs/latest/segments?k=1");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(ParseJson(bad->body)["error"]["field"] == "k");
  // A POST without a body and an unknown method are refused as methods too.
  for (const std::string request : {"POST /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                    "BREW /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}) {
    const std::string raw = RawExchange(server.port(), request);
    INFO(raw.substr(0, 200));
    CHECK(StatusOf(raw) == 405);
    CHECK(raw.find("\"status\":405") != std::string::npos);
  }
  const std::string long_url = RawRequest(server.port(), "/api/health?q=" + std::string(9000, 'a'));
  CHECK(StatusOf(long_url) == 414);
}

TEST_CASE("without index.html the root says how to install the front end", "[web][http]") {
  TestServer server(/*with_index=*/false);
  httplib::Client client = server.Client();
  const auto index = client.Get("/");
  REQUIRE(index);
  CHECK(index->status == 503);
  CHECK(ParseJson(index->body)["error"]["message"].get<std::string>().find("scripts/setup.sh") != std::string::npos);
}

TEST_CASE("concurrent clients get identical answers", "[web][http]") {
  TestServer server;
  const std::vector<std::string> targets = {
      "/api/runs", "/api/runs/latest/kpis", "/api/runs/latest/segments",
      "/api/runs/latest/segments?k=4&metric=dtw", "/api/runs/latest/segments?k=2&metric=euclidean",
      "/api/runs/latest/segments/1/customers?page=2&page_size=10", "/api/runs/latest/forecasts",
      "/api/runs/latest/migration"};
  // Reference answers, one at a time (asked twice: the first re-clustering answer says
  // "cached": false, every later one true).
  std::vector<std::string> expected;
  {
    httplib::Client client = server.Client();
    for (const std::string& target : targets) {
      REQUIRE(client.Get(target.c_str()));
      const auto answer = client.Get(target.c_str());
      REQUIRE(answer);
      REQUIRE(answer->status == 200);
      expected.push_back(answer->body);
    }
  }
  // Then 6 threads, each asking every target 5 times in a different order, including the
  // re-clusterings not asked before (k=6) that several threads start at once.
  std::vector<std::string> cold = {"/api/runs/latest/segments?k=6&metric=dtw"};
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::string> cold_answers(6);
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 6; ++thread) {
    threads.emplace_back([&, thread] {
      httplib::Client client = server.Client();
      const auto first = client.Get(cold[0].c_str());
      if (!first || first->status != 200) {
        ++failures;
        return;
      }
      cold_answers[thread] = first->body;
      for (int round = 0; round < 5; ++round) {
        for (size_t step = 0; step < targets.size(); ++step) {
          const size_t index = (step + thread + round) % targets.size();
          const auto answer = client.Get(targets[index].c_str());
          if (!answer || answer->status != 200) {
            ++failures;
          } else if (answer->body != expected[index]) {
            ++mismatches;
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(mismatches == 0);
  for (int thread = 1; thread < 6; ++thread) {
    // "cached" differs between the thread that computed and those that waited; the rest is equal.
    auto a = ParseJson(cold_answers[0]), b = ParseJson(cold_answers[thread]);
    a.erase("cached");
    b.erase("cached");
    CHECK(a == b);
  }
}

TEST_CASE("server options and loopback detection", "[web]") {
  CHECK(IsLoopbackHost("127.0.0.1"));
  CHECK(IsLoopbackHost("127.1.2.3"));
  CHECK(IsLoopbackHost("localhost"));
  CHECK(IsLoopbackHost("::1"));
  CHECK_FALSE(IsLoopbackHost("0.0.0.0"));
  CHECK_FALSE(IsLoopbackHost("192.168.1.10"));
  ServerOptions options;
  options.port = 70000;
  CHECK_THROWS_WITH(options.Validate(), Catch::Contains("port"));
  options.port = 0;
  options.http_threads = 0;
  CHECK_THROWS_WITH(options.Validate(), Catch::Contains("http_threads"));
}

}  // namespace segcast
