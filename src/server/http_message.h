// server/http_message: the request and response values of dth's HTTP server, as its
// handlers see them (no HTTP library type appears here), the helpers that build JSON,
// text and RFC 9457 problem-details answers, and the target parsing (path segments and
// query parameters, percent-decoded).
// A Request is filled by the server (the router adds the path parameters) and handed to
// one handler; a Response is returned by value. An event-stream Response carries the
// function that feeds its EventSink (server/event_sink.h).
// Thread-safety: value types.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "http/http_types.h"

namespace dth::server {

class EventSink;
using Params = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // as received: "GET", "POST", ... (a HEAD runs the GET route)
  std::string target;  // the raw request-target: "/api/v1/tasks?status=DONE&limit=5"
  std::string path;    // percent-decoded path, without the query: "/api/v1/tasks"
  Params query;        // in order, names and values percent-decoded ('+' is a space)
  HttpHeaders headers; // as received; Header() looks up case-insensitively
  std::string body;    // the payload (chunked bodies decoded)
  Params path_params;  // filled by the router: {"id", "t-0123"}; "*" for a prefix route
  std::string route;   // the matched pattern ("/api/v1/tasks/{id}"); "" when none matched
  std::string remote_address;  // the peer's IP address: "127.0.0.1", "::1"
  int remote_port = 0;

  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
  // The first query parameter so named; nullptr when absent.
  const std::string* Query(std::string_view name) const;
  // A path parameter of the matched route; "" when the route has none so named.
  const std::string& PathParam(std::string_view name) const;
  // The SSE client's Last-Event-ID header ("" when absent): where to resume a stream.
  std::string LastEventId() const;
};

// Starts an event stream: runs once on a handler thread, after the server has queued the
// response head; it may keep the sink and Send() from any thread later.
using StreamStart = std::function<void(std::shared_ptr<EventSink>)>;

struct Response {
  int status = 200;
  // Content-Length, Connection and Date are the server's: set here, they are ignored.
  HttpHeaders headers;
  std::string body;
  StreamStart stream;  // set only by EventStream()

  static Response Json(int status, std::string text);
  static Response Json(int status, const nlohmann::json& value);
  static Response Text(int status, std::string text);  // text/plain; charset=utf-8
  // RFC 9457 problem details (application/problem+json): type "urn:dth:problem:<code>",
  // title, status, detail, and the extensions `code` (a stable machine string such as
  // "not_found", "invalid_field") and `field` (the request field at fault, when given).
  static Response Problem(int status, std::string_view code, std::string_view title,
                          std::string_view detail, std::string_view field = {});
  // A failed Status as a problem: kInvalidArgument 400, kNotFound 404, kPermissionDenied
  // 403, kPreconditionFailed 409, kNotSupported 501, kThrottled 503, others 500 (their
  // message stays in the log: an internal error's detail is generic).
  static Response FromStatus(const Status& status);
  // A text/event-stream answer (server-sent events). `start` gets the stream's sink.
  static Response EventStream(StreamStart start);

  // Sets a header, replacing any of the same name (case-insensitive).
  Response& WithHeader(std::string name, std::string value);
  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
  bool is_stream() const { return static_cast<bool>(stream); }
};

// "Not Found" for 404; "Unknown" for a status without a standard phrase.
const char* StatusReason(int status);

// Decodes %XX escapes (and '+' as a space when asked); InvalidArgument for a '%' not
// followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_as_space);

// An origin-form request-target taken apart: "/a/b%2Fc?x=1" -> path "/a/b/c", segments
// {"a", "b/c"} (each segment decoded on its own, so an encoded '/' stays inside its
// segment), query {{"x","1"}}. InvalidArgument for a target that does not start with
// '/', bad escapes, a NUL byte, or a "." or ".." segment.
struct ParsedTarget {
  std::string path;
  std::vector<std::string> segments;  // "/" -> {}; "/a/" -> {"a", ""}
  Params query;
};
Result<ParsedTarget> ParseTarget(std::string_view target);

}  // namespace dth::server
