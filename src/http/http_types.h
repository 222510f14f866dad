// http/http_types: request and response values, case-insensitive header lookup, and
// the mapping from an HTTP answer to a classified Status.
// Thread-safety: value types.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"

namespace dth {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; nullptr when absent.
const std::string* FindHeader(const HttpHeaders& headers, std::string_view name);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute, already encoded
  HttpHeaders headers;
  ByteSource* body = nullptr;  // sent with Content-Length = body->size()
  // When set, a 2xx response body streams here instead of into HttpResponse::body.
  ByteSink* sink = nullptr;
  // Called once for a 2xx answer, before the first body byte reaches the sink (or at
  // the end when the body is empty); an error aborts the transfer with that Status.
  std::function<Status(int status, const HttpHeaders& headers)> on_response_start;
  // 0 = no limit. Otherwise the most bytes kept in HttpResponse::body: a 2xx answer
  // (without a sink) that is longer fails with kCorruption; an error answer is cut
  // there (body_truncated) and returned with its status, so it is still classified.
  size_t max_body = 0;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;  // error bodies always land here
  uint64_t body_bytes = 0;  // bytes received (into body or sink)
  bool body_truncated = false;  // an error body cut at HttpRequest::max_body

  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
  bool success() const { return status >= 200 && status < 300; }
};

// Classifies an HTTP status (with the server's error code, when it sent one):
// 429 and 503 are throttled, other 5xx server errors, 408 / RequestTimeout transient,
// 403 permission denied, 404 not found, 412 precondition failed, the rest permanent.
Code ClassifyHttpStatus(int status, std::string_view server_code);

// A header's unsigned number (Content-Length, the total of a Content-Range): decimal
// digits only, at most 2^64-1. False for anything else ("-1", " 5", "+5", "0x10", "").
bool ParseDecimal(std::string_view text, uint64_t* out);

// Parses Retry-After (delta seconds or an HTTP date) relative to now. A delay too large
// to represent is clamped (to about 292 million years), never overflowed.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

}  // namespace dth
