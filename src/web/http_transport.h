// The contract between DashboardServer (src/web/server.cc, in the executable) and the HTTP
// transport module libsegcast_web_server.so (src/web/http_server_module.cc, cpp-httplib), loaded on
// demand by core/module_loader.h so that cpp-httplib, libssl, libcrypto and brotli are mapped only by
// processes that serve. Header-only and standard-library-only on purpose: the module depends on
// nothing of segcast but this file and the ApiResponse struct.
//
// The transport owns sockets, threads, HTTP parsing, method routing and the request log line; every
// answer's content comes from the HttpHandler the executable passes in.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "segcast/dashboard.h"

namespace segcast::internal {

inline constexpr const char* kWebServerModule = "segcast_web_server";
inline constexpr const char* kWebServerModuleEntry = "segcast_web_server_create";

//! What the executable answers; called from the transport's worker threads, so const and
//! thread-safe. Exceptions escaping Get become Error(500, ...) answers.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  //! A GET or HEAD: `path` decoded, without the query; `target` the undecoded request target;
  //! `query` the decoded parameters. The answer's headers are sent as given.
  virtual ApiResponse Get(const std::string& path, const std::string& target,
                          const std::multimap<std::string, std::string>& query) const = 0;
  //! The answer to an error the transport raises itself (400 malformed request, 404, 405 other
  //! methods, 413 body too large, 414 URL too long, 500 a handler threw).
  virtual ApiResponse Error(int status) const = 0;
  //! One line per answered request (method, path, status, bytes, milliseconds).
  virtual void Log(const std::string& line) const = 0;
};

//! The transport's settings (validated by ServerOptions::Validate before they get here).
struct HttpTransportOptions {
  std::string host;            //!< address to bind
  int port = 0;                //!< 0..65535; 0 picks a free port
  std::size_t max_body_bytes = 0;  //!< request bodies above this get 413
  int http_threads = 1;        //!< worker threads, >= 1
};

//! A bound-or-not HTTP server. Never throws: failures are return values the executable turns into
//! its own typed errors.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  //! Binds and listens; the port (the chosen one when options.port is 0), or -1 when it cannot.
  virtual int Bind() = 0;
  //! Accepts and answers until Stop(); returns at once when Stop() came first.
  virtual void Serve() = 0;
  //! Ends Serve() from any thread; idempotent.
  virtual void Stop() = 0;
};

//! The module's entry point: a new transport answering through `handler`, which must outlive it.
//! The caller deletes the result (the virtual destructor runs the module's code).
using CreateHttpTransportFunction = HttpTransport* (*)(const HttpTransportOptions& options,
                                                       const HttpHandler& handler);

}  // namespace segcast::internal
