#include "server/http_message.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace dth::server {

const std::string* Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

const std::string& Request::PathParam(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : path_params) {
    if (k == name) return v;
  }
  return kEmpty;
}

std::string Request::LastEventId() const {
  const std::string* id = Header("Last-Event-ID");
  return id ? *id : std::string();
}

Response Response::Json(int status, std::string text) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(text);
  return r;
}

Response Response::Json(int status, const nlohmann::json& value) {
  // Invalid UTF-8 in a string is replaced rather than thrown out of a handler.
  return Json(status, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response Response::Text(int status, std::string text) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(text);
  return r;
}

Response Response::Problem(int status, std::string_view code, std::string_view title,
                           std::string_view detail, std::string_view field) {
  nlohmann::json j = {
      {"type", "urn:dth:problem:" + std::string(code)},
      {"title", std::string(title)},
      {"status", status},
      {"detail", std::string(detail)},
      {"code", std::string(code)},
  };
  if (!field.empty()) j["field"] = std::string(field);
  Response r = Json(status, j);
  r.headers.front().second = "application/problem+json";
  return r;
}

Response Response::FromStatus(const Status& st) {
  switch (st.code()) {
    case Code::kOk:
      break;
    case Code::kInvalidArgument:
      return Problem(400, "invalid_argument", "Bad Request", st.message());
    case Code::kNotFound:
      return Problem(404, "not_found", "Not Found", st.message());
    case Code::kPermissionDenied:
      return Problem(403, "forbidden", "Forbidden", st.message());
    case Code::kPreconditionFailed:
      return Problem(409, "conflict", "Conflict", st.message());
    case Code::kNotSupported:
      return Problem(501, "not_supported", "Not Implemented", st.message());
    case Code::kThrottled:
      return Problem(503, "unavailable", "Service Unavailable", st.message());
    default:
      break;
  }
  spdlog::error("http: internal error answered 500: {}", st.ToString());
  return Problem(500, "internal_error", "Internal Server Error",
                 "the server failed to handle the request; see its log");
}

Response Response::EventStream(StreamStart start) {
  Response r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "text/event-stream");
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: do not buffer the stream
  r.stream = std::move(start);
  return r;
}

Response& Response::WithHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

const char* StatusReason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status ParseQuery(std::string_view text, Params* out) {
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view piece = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    auto name = PercentDecode(piece.substr(0, eq), true);
    if (!name.ok()) return name.status();
    std::string value;
    if (eq != std::string_view::npos) {
      auto v = PercentDecode(piece.substr(eq + 1), true);
      if (!v.ok()) return v.status();
      value = std::move(v).value();
    }
    out->emplace_back(std::move(name).value(), std::move(value));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return InvalidArgument("bad percent-encoding (a '%' without two hex digits)");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<ParsedTarget> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/')
    return InvalidArgument("the request target must be a path starting with '/'");
  ParsedTarget out;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    query = query.substr(0, query.find('#'));
    DTH_RETURN_IF_ERROR(ParseQuery(query, &out.query));
  }
  auto path = PercentDecode(raw_path, false);
  if (!path.ok()) return path.status();
  out.path = std::move(path).value();
  if (out.path.find('\0') != std::string::npos) return InvalidArgument("a NUL byte in the path");
  std::string_view rest = raw_path.substr(1);
  if (rest.empty()) return out;  // "/"
  while (true) {
    size_t slash = rest.find('/');
    auto segment = PercentDecode(rest.substr(0, slash), false);
    if (!segment.ok()) return segment.status();
    if (*segment == "." || *segment == "..") return InvalidArgument("a dot segment in the path");
    out.segments.push_back(std::move(segment).value());
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return out;
}

}  // namespace dth::server
