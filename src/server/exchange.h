// server/exchange (private to src/server): what the server does with one request
// between reading it and writing the answer, without any network: running the before
// filter and the route's handler (exceptions become 500 problems), checking what a
// handler returned, and the wire form of the answer. Kept apart from the Beast code so
// it is cheap to compile and testable alone.
// Thread-safety: pure functions (Handle runs the caller's handler and filter).
#pragma once

#include <chrono>
#include <string>

#include "server/http_message.h"
#include "server/http_server.h"
#include "server/router.h"

namespace dth::server {

// Answers one request: 404/405 problems for unmatched routes (after the before filter,
// which sees every request), otherwise the handler's answer. Never throws. Fills
// request.route and request.path_params from `match`.
Response Handle(const BeforeFilter& before, Request& request, const RouteMatch& match);

// A problem answer the server makes itself (400, 408, 413, 431, 503...).
Response ServerProblem(int status, std::string_view code, std::string_view detail);

struct WireOptions {
  bool head_only = false;   // a HEAD request: Content-Length of the body, but no body
  bool keep_alive = true;   // else "Connection: close"
  bool http10 = false;      // the request was HTTP/1.0 (keep-alive must be explicit)
};

// The answer's bytes: status line, the handler's headers, Date, Content-Length (none for
// 1xx, 204 and 304, whose bodies are dropped), Connection. An event stream's head uses
// chunked framing for HTTP/1.1 (the stream ends with the last chunk) and close-delimited
// framing for HTTP/1.0. Headers with CR, LF or NUL in their name or value are a handler
// bug: such an answer becomes a 500 problem (logged).
std::string SerializeResponse(const Response& response, const WireOptions& options);

// One piece of a chunked event stream; "" stays "" (the last chunk is kLastChunk).
std::string Chunk(std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// The access-log line, at debug level: "http GET /api/v1/tasks 200 1.2ms".
void LogAccess(std::string_view method, std::string_view path, int status,
               std::chrono::steady_clock::duration latency);

}  // namespace dth::server
