// DashboardServer: cpp-httplib wiring. Every GET goes through one handler that sends /api/ to
// Dashboard::Get and anything else to the static files; other methods get 405; the error handler
// gives bodiless errors (404 of unknown routes, 413, 414, 400 of bad requests) a JSON body.
#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "segcast/dashboard_server.h"
#include "segcast/error.h"
#include "web/static_files.h"

namespace segcast {
namespace {

using Clock = std::chrono::steady_clock;

// The handler's own time travels to the logger in the standard Server-Timing header.
constexpr const char* kTimingHeader = "Server-Timing";

// Everything from this server only: no inline or remote script, style, image, font or connection,
// no framing, no plugins, forms post nowhere.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// cpp-httplib (Debian's build links brotli and zlib) compresses every text answer on the fly when
// the client accepts it, as browsers always do: brotli takes seconds over the 1 MB chart library and
// tens of milliseconds over a large JSON answer, while a loopback connection gains nothing from it.
// An answer with a known length sent through a content provider leaves as it is.
void SetUncompressed(httplib::Response& res, std::string body, const std::string& content_type) {
  if (body.empty()) {
    res.set_content(body, content_type);
    return;
  }
  auto shared = std::make_shared<const std::string>(std::move(body));
  const size_t length = shared->size();
  res.set_content_provider(length, content_type,
                           [shared](size_t offset, size_t count, httplib::DataSink& sink) {
                             return sink.write(shared->data() + offset, count);
                           });
}

// Error answers keep set_content: the error handler recognises an answered error by its body.
void Apply(const ApiResponse& answer, httplib::Response& res) {
  res.status = answer.status;
  for (const auto& [name, value] : answer.headers) res.set_header(name, value);
  if (answer.status < 400) {
    SetUncompressed(res, answer.body, answer.content_type);
  } else {
    res.set_content(answer.body, answer.content_type.c_str());
  }
}

bool ReadWholeFile(const std::string& path, std::string& content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  content = buffer.str();
  return true;
}

std::string StatusMessage(int status) {
  switch (status) {
    case 400: return "bad request";
    case 404: return "not found";
    case 405: return "method not allowed: only GET and HEAD are served";
    case 413: return "request body too large";
    case 414: return "URL too long (at most 8 KiB)";
    case 503: return "service unavailable";
    default: return status >= 500 ? "internal error" : "request refused";
  }
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr address{};
  if (inet_pton(AF_INET, host.c_str(), &address) == 1) {
    return (ntohl(address.s_addr) >> 24) == 127;
  }
  return false;
}

void ServerOptions::Validate() const {
  if (host.empty()) throw InvalidArgument("must not be empty", {.field = "host", .expected = "an address, e.g. 127.0.0.1"});
  if (port < 0 || port > 65535) throw InvalidArgument("must be in 0..65535 (0: a free port)", {.field = "port"});
  if (http_threads < 1) throw InvalidArgument("must be >= 1", {.field = "http_threads"});
}

struct DashboardServer::Impl {
  Impl(const Dashboard& dashboard_ref, ServerOptions server_options)
      : dashboard(dashboard_ref), options(std::move(server_options)) {}

  const Dashboard& dashboard;
  ServerOptions options;
  httplib::Server server;
  int port = 0;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> serving{false};

  void HandleGet(const httplib::Request& req, httplib::Response& res) const {
    const auto start = Clock::now();
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    if (req.path.rfind("/api/", 0) == 0 || req.path == "/api") {
      std::multimap<std::string, std::string> query(req.params.begin(), req.params.end());
      Apply(dashboard.Get(req.path, query), res);
      res.set_header("Cache-Control", "no-store");
    } else {
      const internal::StaticFile file = internal::ResolveStaticFile(options.assets_dir, req.path, req.target);
      std::string content;
      if (file.status != 200) {
        Apply(ErrorResponse(file.status, file.message, "path"), res);
      } else if (!ReadWholeFile(file.path, content)) {
        Apply(ErrorResponse(404, "no such file", "path"), res);
      } else {
        res.status = 200;
        SetUncompressed(res, std::move(content), file.content_type);
        res.set_header("Cache-Control", "no-cache");
        // The front end loads only its own files and has no inline script or style element;
        // ECharts styles its elements through the CSSOM, which style-src does not restrict.
        res.set_header("Content-Security-Policy", kContentSecurityPolicy);
      }
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    char timing[64];
    std::snprintf(timing, sizeof timing, "app;dur=%.3f", ms);
    res.set_header(kTimingHeader, timing);
  }

  void Log(const httplib::Request& req, const httplib::Response& res) const {
    if (!options.log) return;
    std::string ms = "0.000";
    const std::string timing = res.get_header_value(kTimingHeader);
    if (const auto equals = timing.find("dur="); equals != std::string::npos) ms = timing.substr(equals + 4);
    // The path only: query strings can carry search text, and nothing here is a secret, but a
    // log line should not grow with what a client sends.
    std::string path = req.path.substr(0, 512);
    for (char& c : path) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    options.log(req.method + " " + path + " " + std::to_string(res.status) + " " +
                std::to_string(res.body.empty() ? res.content_length_ : res.body.size()) + " B " + ms +
                " ms");
  }

  void Configure() {
    const std::string any = R"([\s\S]*)";
    server.Get(any, [this](const httplib::Request& req, httplib::Response& res) { HandleGet(req, res); });
    const httplib::Server::Handler refuse = [](const httplib::Request&, httplib::Response& res) {
      Apply(ErrorResponse(405, StatusMessage(405)), res);
      res.set_header("Allow", "GET, HEAD");
    };
    server.Post(any, refuse);
    server.Put(any, refuse);
    server.Patch(any, refuse);
    server.Delete(any, refuse);
    server.Options(any, refuse);
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      // cpp-httplib answers 400 before routing for a POST without a length or an unknown method;
      // for anything but GET and HEAD the answer is 405 whatever the request looks like.
      if (res.status == 400 && req.method != "GET" && req.method != "HEAD") {
        Apply(ErrorResponse(405, StatusMessage(405)), res);
        res.set_header("Allow", "GET, HEAD");
        return;
      }
      if (!res.body.empty()) return;
      Apply(ErrorResponse(res.status, StatusMessage(res.status)), res);
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      Apply(ErrorResponse(500, "internal error"), res);
    });
    server.set_logger([this](const httplib::Request& req, const httplib::Response& res) { Log(req, res); });
    server.set_payload_max_length(options.max_body_bytes);
    // Headers and body leave in separate writes: without TCP_NODELAY, Nagle's algorithm and the
    // client's delayed ACK hold every keep-alive answer back by tens of milliseconds.
    server.set_tcp_nodelay(true);
    server.set_read_timeout(10, 0);
    server.set_write_timeout(10, 0);
    server.set_keep_alive_timeout(5);
    const int threads = options.http_threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  }
};

DashboardServer::DashboardServer(const Dashboard& dashboard, ServerOptions options) {
  options.Validate();
  impl_ = std::make_unique<Impl>(dashboard, std::move(options));
  impl_->Configure();
}

DashboardServer::~DashboardServer() { Stop(); }

int DashboardServer::Bind() {
  const ServerOptions& options = impl_->options;
  int port = options.port;
  if (port == 0) {
    port = impl_->server.bind_to_any_port(options.host);
  } else if (!impl_->server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port < 0) {
    throw InputError("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                         " (in use, or not an address of this machine)",
                     {.field = "port", .expected = "a free port, or 0 for any"});
  }
  impl_->port = port;
  return port;
}

void DashboardServer::Serve() {
  impl_->serving = true;
  if (!impl_->stop_requested) impl_->server.listen_after_bind();
  impl_->serving = false;
}

void DashboardServer::Stop() {
  impl_->stop_requested = true;
  // listen_after_bind() may not have started its loop yet; stop() only ends a running loop.
  while (impl_->serving && !impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->server.stop();
}

int DashboardServer::port() const { return impl_->port; }

}  // namespace segcast
