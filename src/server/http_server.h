// server/http_server: the HTTP/1.1 server of `dth serve` (REST API, server-sent events,
// the console's static files, /metrics). Built on Boost.Beast + Asio, which stay inside
// src/server's .cc files: nothing here (or in any header handlers include) names them.
//
// Owns: the listening socket, `io_threads` threads doing all network I/O (asynchronous;
// no thread per connection or per event stream) and `threads` handler threads. Each
// request is read on an I/O thread, then its route's handler runs synchronously on a
// handler thread (it may block briefly, e.g. on SQLite), then the answer is written on
// an I/O thread. One request per connection at a time (keep-alive; pipelined requests
// are answered in order).
// Protocol: HTTP/1.1 and 1.0; keep-alive unless the client says `Connection: close`;
// Content-Length and chunked request bodies; `Expect: 100-continue`; answers always
// carry Content-Length (event streams: chunked). HEAD runs the GET route without a body.
// Limits (HttpServerOptions): header bytes (431), body bytes (413, per route via
// RouteOptions), the time to send a whole request once its first byte arrived (408 and
// close), idle keep-alive time (close), time to write an answer (close), concurrent
// connections (beyond: 503 and close). Malformed requests get 400 and a close.
// A handler that throws gets a 500 problem (logged); the server carries on.
// Access log: spdlog debug, one line per request: method, path (no query), status,
// latency. Never headers or bodies.
// TLS is not served here (Beast supports it through asio::ssl; a reverse proxy does it
// for now).
// Thread-safety: Start/Stop/destructor from one owning thread (never from a handler:
// Stop waits for the handler threads); port(), stats() and router() from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "server/http_message.h"
#include "server/router.h"

namespace dth::server {

// Runs before every request's handler, after routing (Request::route and path_params are
// set; route is "" when nothing matched): a returned Response is sent instead of running
// the handler (authentication). Runs on a handler thread; an exception gives a 500.
using BeforeFilter = std::function<std::optional<Response>(const Request&)>;

struct HttpServerOptions {
  // "127.0.0.1:8080", "0.0.0.0:80", "[::1]:8080", "localhost:8080"; port 0 = any free
  // port (HttpServer::port() tells which).
  std::string listen = "127.0.0.1:8080";
  int threads = 2;     // handler threads
  int io_threads = 1;  // network I/O threads
  size_t max_header_bytes = 16 * 1024;   // request line + headers; beyond: 431
  size_t max_body_bytes = 1024 * 1024;   // beyond: 413 (RouteOptions may change it per route)
  std::chrono::milliseconds read_timeout{30000};   // first byte to last byte of a request: 408
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30000};  // one answer (or one event-stream write)
  size_t max_connections = 4096;
  std::chrono::milliseconds sse_keepalive{15000};  // ": keep-alive" after this much quiet
  size_t sse_queue_bytes = 1024 * 1024;            // per stream; overflow drops the client
  BeforeFilter before;
};

struct HttpServerStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;  // over max_connections
  uint64_t connections_open = 0;
  uint64_t requests = 0;             // answered (any status)
  uint64_t streams_open = 0;
  uint64_t streams_dropped = 0;      // slow readers whose queue overflowed
};

// "host:port" -> a numeric address and port; InvalidArgument with a one-line reason.
struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1" (no brackets)
  uint16_t port = 0;
};
Result<ListenAddress> ParseListenAddress(const std::string& listen);

class HttpServer {
 public:
  // Binds and starts serving. Fails (nothing left running) for a bad listen address, an
  // address in use, bad options, or a router with an invalid route.
  static Result<std::unique_ptr<HttpServer>> Start(Router router, HttpServerOptions options);
  ~HttpServer();  // Stop() with a 5 s deadline, if not stopped yet
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  HttpServerStats stats() const;
  const Router& router() const;

  // Graceful stop: no new connections; idle keep-alive connections close; requests in
  // hand are answered (with Connection: close); event streams end (queued events are
  // written first). At the deadline whatever is left is cut off, then every thread is
  // joined (a handler still running is waited for: handlers must return). Idempotent.
  void Stop(std::chrono::milliseconds deadline = std::chrono::milliseconds(5000));

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dth::server
