// DashboardServer: the answers of the dashboard's HTTP server. Requests to /api/ go to
// Dashboard::Get, anything else to the static files; the HTTP transport itself (cpp-httplib) is the
// module libsegcast_web_server.so (web/http_transport.h), loaded when a server is constructed, so
// only `segcast serve` maps cpp-httplib, libssl and brotli.
#include <arpa/inet.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "core/module_loader.h"
#include "segcast/dashboard_server.h"
#include "segcast/error.h"
#include "web/http_transport.h"
#include "web/static_files.h"

namespace segcast {
namespace {

// Everything from this server only: no inline or remote script, style, image, font or connection,
// no framing, no plugins, forms post nowhere.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

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

// Put first in every answer to a GET: the front end must not be sniffed, framed or referred from.
void AddCommonHeaders(ApiResponse& answer) {
  answer.headers.insert(answer.headers.begin(), {{"X-Content-Type-Options", "nosniff"},
                                                 {"Referrer-Policy", "no-referrer"},
                                                 {"X-Frame-Options", "DENY"}});
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

struct DashboardServer::Impl : internal::HttpHandler {
  Impl(const Dashboard& dashboard_ref, ServerOptions server_options)
      : dashboard(dashboard_ref), options(std::move(server_options)) {}

  ApiResponse Get(const std::string& path, const std::string& target,
                  const std::multimap<std::string, std::string>& query) const override {
    ApiResponse answer;
    if (path.rfind("/api/", 0) == 0 || path == "/api") {
      answer = dashboard.Get(path, query);
      answer.headers.emplace_back("Cache-Control", "no-store");
    } else {
      const internal::StaticFile file = internal::ResolveStaticFile(options.assets_dir, path, target);
      if (file.status != 200) {
        answer = ErrorResponse(file.status, file.message, "path");
      } else if (!ReadWholeFile(file.path, answer.body)) {
        answer = ErrorResponse(404, "no such file", "path");
      } else {
        answer.status = 200;
        answer.content_type = file.content_type;
        answer.headers.emplace_back("Cache-Control", "no-cache");
        // The front end loads only its own files and has no inline script or style element;
        // ECharts styles its elements through the CSSOM, which style-src does not restrict.
        answer.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
      }
    }
    AddCommonHeaders(answer);
    return answer;
  }

  ApiResponse Error(int status) const override { return ErrorResponse(status, StatusMessage(status)); }

  void Log(const std::string& line) const override {
    if (options.log) options.log(line);
  }

  const Dashboard& dashboard;
  ServerOptions options;
  std::unique_ptr<internal::HttpTransport> transport;
  int port = 0;
};

DashboardServer::DashboardServer(const Dashboard& dashboard, ServerOptions options) {
  options.Validate();
  const auto create = internal::LoadModuleEntry<ConfigError, internal::CreateHttpTransportFunction>(
      internal::kWebServerModule, internal::kWebServerModuleEntry,
      "libsegcast_web_server.so beside the segcast executable (build the segcast_web_server "
      "target; it needs libcpp-httplib-dev)");
  impl_ = std::make_unique<Impl>(dashboard, std::move(options));
  internal::HttpTransportOptions transport_options;
  transport_options.host = impl_->options.host;
  transport_options.port = impl_->options.port;
  transport_options.max_body_bytes = impl_->options.max_body_bytes;
  transport_options.http_threads = impl_->options.http_threads;
  impl_->transport.reset(create(transport_options, *impl_));
}

// The transport goes first: its worker threads call back into the handler (Impl) until stopped.
DashboardServer::~DashboardServer() {
  Stop();
  impl_->transport.reset();
}

int DashboardServer::Bind() {
  const int port = impl_->transport->Bind();
  if (port < 0) {
    const ServerOptions& options = impl_->options;
    throw InputError("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                         " (in use, or not an address of this machine)",
                     {.field = "port", .expected = "a free port, or 0 for any"});
  }
  impl_->port = port;
  return port;
}

void DashboardServer::Serve() { impl_->transport->Serve(); }

void DashboardServer::Stop() { impl_->transport->Stop(); }

int DashboardServer::port() const { return impl_->port; }

}  // namespace segcast
