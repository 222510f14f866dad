#include "server/exchange.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <ctime>
#include <exception>

namespace dth::server {

namespace {

bool ValidHeaderText(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool ValidHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || c == ':') return false;
  }
  return true;
}

bool ServerOwned(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
         EqualsIgnoreCase(name, "Transfer-Encoding") || EqualsIgnoreCase(name, "Date");
}

std::string HttpDate() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

// A printable, bounded rendering of a request path for the log.
std::string LogSafe(std::string_view path) {
  std::string out;
  for (char c : path.substr(0, 256)) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 32 || u == 127 ? '?' : c);
  }
  if (path.size() > 256) out += "...";
  return out;
}

Response Checked(Response r, const Request& request) {
  bool ok = r.status >= 200 && r.status <= 599;
  for (const auto& [k, v] : r.headers) ok = ok && ValidHeaderName(k) && ValidHeaderText(v);
  if (ok) return r;
  spdlog::error("http {} {}: the handler answered an invalid status or header (status {})",
                request.method, LogSafe(request.route), r.status);
  return ServerProblem(500, "internal_error", "the server failed to handle the request; see its log");
}

}  // namespace

Response ServerProblem(int status, std::string_view code, std::string_view detail) {
  return Response::Problem(status, code, StatusReason(status), detail);
}

Response Handle(const BeforeFilter& before, Request& request, const RouteMatch& match) {
  request.route = match.result == RouteMatch::kFound ? match.pattern : std::string();
  request.path_params = match.params;
  try {
    if (before) {
      std::optional<Response> early = before(request);
      if (early) return Checked(std::move(*early), request);
    }
    switch (match.result) {
      case RouteMatch::kNotFound:
        return ServerProblem(404, "not_found", "no route for this path");
      case RouteMatch::kMethodNotAllowed:
        return ServerProblem(405, "method_not_allowed", "this path does not take " + request.method)
            .WithHeader("Allow", match.allow);
      case RouteMatch::kFound:
        break;
    }
    return Checked((*match.handler)(request), request);
  } catch (const std::exception& e) {
    spdlog::error("http {} {}: the handler threw: {}", request.method, LogSafe(request.route), e.what());
  } catch (...) {
    spdlog::error("http {} {}: the handler threw a non-exception", request.method,
                  LogSafe(request.route));
  }
  return ServerProblem(500, "internal_error", "the server failed to handle the request; see its log");
}

std::string SerializeResponse(const Response& in, const WireOptions& options) {
  const Response* r = &in;
  Response fallback;
  for (const auto& [k, v] : in.headers) {
    if (!ValidHeaderName(k) || !ValidHeaderText(v)) {
      spdlog::error("http: an answer with an invalid header name or value became a 500");
      fallback = ServerProblem(500, "internal_error", "the server failed to handle the request");
      r = &fallback;
      break;
    }
  }
  bool no_body = r->status < 200 || r->status == 204 || r->status == 304;
  std::string out;
  out.reserve(256 + (options.head_only || no_body ? 0 : r->body.size()));
  out += "HTTP/1.1 ";
  out += std::to_string(r->status);
  out += ' ';
  out += StatusReason(r->status);
  out += "\r\n";
  for (const auto& [k, v] : r->headers) {
    if (ServerOwned(k)) continue;
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  out += "Date: " + HttpDate() + "\r\n";
  bool keep_alive = options.keep_alive;
  if (r->is_stream()) {
    if (options.http10) keep_alive = false;  // delimited by the close
    else out += "Transfer-Encoding: chunked\r\n";
  } else if (!no_body) {
    out += "Content-Length: " + std::to_string(r->body.size()) + "\r\n";
  }
  if (!keep_alive) out += "Connection: close\r\n";
  else if (options.http10) out += "Connection: keep-alive\r\n";
  out += "\r\n";
  if (!options.head_only && !no_body && !r->is_stream()) out += r->body;
  return out;
}

std::string Chunk(std::string_view data) {
  if (data.empty()) return {};
  char size[20];
  int n = std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
  std::string out;
  out.reserve(data.size() + static_cast<size_t>(n) + 2);
  out.append(size, static_cast<size_t>(n));
  out.append(data);
  out += "\r\n";
  return out;
}

void LogAccess(std::string_view method, std::string_view path, int status,
               std::chrono::steady_clock::duration latency) {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  double ms = std::chrono::duration<double, std::milli>(latency).count();
  spdlog::debug("http {} {} {} {:.1f}ms", LogSafe(method), LogSafe(path), status, ms);
}

}  // namespace dth::server
