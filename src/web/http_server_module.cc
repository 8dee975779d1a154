// The HTTP transport module (libsegcast_web_server.so, src/web/http_transport.h): cpp-httplib wiring
// only. Every GET goes through one handler that asks the executable's HttpHandler for the answer;
// other methods get 405; the error handler gives bodiless errors (404 of unknown routes, 413, 414,
// 400 of bad requests) the executable's JSON body.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>

#include <httplib.h>

#include "web/http_transport.h"

namespace segcast::internal {
namespace {

using Clock = std::chrono::steady_clock;

// The handler's own time travels to the logger in the standard Server-Timing header.
constexpr const char* kTimingHeader = "Server-Timing";

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
void Apply(ApiResponse answer, httplib::Response& res) {
  res.status = answer.status;
  for (const auto& [name, value] : answer.headers) res.set_header(name, value);
  if (answer.status < 400) {
    SetUncompressed(res, std::move(answer.body), answer.content_type);
  } else {
    res.set_content(answer.body, answer.content_type.c_str());
  }
}

class HttplibTransport : public HttpTransport {
 public:
  HttplibTransport(const HttpTransportOptions& options, const HttpHandler& handler)
      : options_(options), handler_(handler) {
    Configure();
  }
  ~HttplibTransport() override { Stop(); }

  int Bind() override {
    if (options_.port == 0) return server_.bind_to_any_port(options_.host);
    return server_.bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }

  void Serve() override {
    serving_ = true;
    if (!stop_requested_) server_.listen_after_bind();
    serving_ = false;
  }

  void Stop() override {
    stop_requested_ = true;
    // listen_after_bind() may not have started its loop yet; stop() only ends a running loop.
    while (serving_ && !server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server_.stop();
  }

 private:
  void HandleGet(const httplib::Request& req, httplib::Response& res) const {
    const auto start = Clock::now();
    const std::multimap<std::string, std::string> query(req.params.begin(), req.params.end());
    Apply(handler_.Get(req.path, req.target, query), res);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    char timing[64];
    std::snprintf(timing, sizeof timing, "app;dur=%.3f", ms);
    res.set_header(kTimingHeader, timing);
  }

  void Refuse(httplib::Response& res) const {
    Apply(handler_.Error(405), res);
    res.set_header("Allow", "GET, HEAD");
  }

  void Log(const httplib::Request& req, const httplib::Response& res) const {
    std::string ms = "0.000";
    const std::string timing = res.get_header_value(kTimingHeader);
    if (const auto equals = timing.find("dur="); equals != std::string::npos) ms = timing.substr(equals + 4);
    // The path only: query strings can carry search text, and nothing here is a secret, but a
    // log line should not grow with what a client sends.
    std::string path = req.path.substr(0, 512);
    for (char& c : path) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    handler_.Log(req.method + " " + path + " " + std::to_string(res.status) + " " +
                 std::to_string(res.body.empty() ? res.content_length_ : res.body.size()) + " B " +
                 ms + " ms");
  }

  void Configure() {
    const std::string any = R"([\s\S]*)";
    server_.Get(any, [this](const httplib::Request& req, httplib::Response& res) { HandleGet(req, res); });
    const httplib::Server::Handler refuse = [this](const httplib::Request&, httplib::Response& res) {
      Refuse(res);
    };
    server_.Post(any, refuse);
    server_.Put(any, refuse);
    server_.Patch(any, refuse);
    server_.Delete(any, refuse);
    server_.Options(any, refuse);
    server_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      // cpp-httplib answers 400 before routing for a POST without a length or an unknown method;
      // for anything but GET and HEAD the answer is 405 whatever the request looks like.
      if (res.status == 400 && req.method != "GET" && req.method != "HEAD") {
        Refuse(res);
        return;
      }
      if (!res.body.empty()) return;
      Apply(handler_.Error(res.status), res);
    });
    server_.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      Apply(handler_.Error(500), res);
    });
    server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) { Log(req, res); });
    server_.set_payload_max_length(options_.max_body_bytes);
    // Headers and body leave in separate writes: without TCP_NODELAY, Nagle's algorithm and the
    // client's delayed ACK hold every keep-alive answer back by tens of milliseconds.
    server_.set_tcp_nodelay(true);
    server_.set_read_timeout(10, 0);
    server_.set_write_timeout(10, 0);
    server_.set_keep_alive_timeout(5);
    const int threads = options_.http_threads;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  }

  const HttpTransportOptions options_;
  const HttpHandler& handler_;
  httplib::Server server_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> serving_{false};
};

}  // namespace
}  // namespace segcast::internal

// The module's only exported symbol (everything else is hidden); see web/http_transport.h.
extern "C" __attribute__((visibility("default"))) segcast::internal::HttpTransport*
segcast_web_server_create(const segcast::internal::HttpTransportOptions& options,
                          const segcast::internal::HttpHandler& handler) {
  static_assert(std::is_same_v<decltype(&segcast_web_server_create),
                               segcast::internal::CreateHttpTransportFunction>);
  return new segcast::internal::HttplibTransport(options, handler);
}
