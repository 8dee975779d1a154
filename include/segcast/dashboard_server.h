// The dashboard's HTTP server (cpp-httplib): the JSON API of dashboard.h under /api/ and the
// static front end (index.html at /, files under /assets/ from the asset folder only).
//
// Security: binds to 127.0.0.1 unless told otherwise (IsLoopbackHost tells the caller when to
// warn); only GET and HEAD are served (405 otherwise); request bodies above max_body_bytes get 413,
// URLs above 8 KiB 414 (cpp-httplib's CPPHTTPLIB_REQUEST_URI_MAX_LENGTH); asset paths with "..",
// backslashes, NUL bytes, absolute paths or symbolic links leading out of the asset folder are
// refused with 400/404 and never read. Every request is logged in one line: method, path, status,
// bytes, milliseconds (the query string is not logged).
//
//   segcast::Dashboard dashboard({.output_dir = "segcast-out"});
//   segcast::ServerOptions options;                 // 127.0.0.1:8765
//   options.assets_dir = "build/web";
//   segcast::DashboardServer server(dashboard, options);
//   int port = server.Bind();                       // throws InputError when the port is taken
//   server.Serve();                                 // blocks until Stop() from another thread
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "segcast/dashboard.h"

namespace segcast {

struct ServerOptions {
  //! Address to bind; loopback by default. Any other address exposes the dashboard to the network.
  std::string host = "127.0.0.1";
  //! TCP port, 0..65535; 0 picks a free one (see DashboardServer::Bind).
  int port = 8765;
  //! Folder holding index.html, app.js, styles.css and vendor/; "" serves no front end (503 at /).
  std::string assets_dir;
  //! Request bodies above this many bytes are refused with 413; >= 0. Default 64 KiB.
  std::size_t max_body_bytes = 64 * 1024;
  //! HTTP worker threads; >= 1. Default 8.
  int http_threads = 8;
  //! Receives one line per request; empty: no request log.
  std::function<void(const std::string&)> log;

  void Validate() const;  // throws InvalidArgument naming the field
};

//! True for "localhost", 127.0.0.0/8 and "::1".
bool IsLoopbackHost(const std::string& host);

class DashboardServer {
 public:
  //! `dashboard` must outlive the server.
  DashboardServer(const Dashboard& dashboard, ServerOptions options);
  ~DashboardServer();
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  //! Binds and listens; returns the port (the chosen one when options.port is 0). Connections
  //! queue until Serve(). Throws InputError when the address cannot be bound.
  int Bind();
  //! Accepts and answers requests until Stop(). Requires Bind().
  void Serve();
  //! Stops Serve() (from any thread); idempotent.
  void Stop();
  //! The bound port, 0 before Bind().
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace segcast
