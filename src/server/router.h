// server/router: maps (method, path) to a handler. Routes are registered before the
// server starts and never change afterwards.
//
// Patterns: "/api/v1/tasks", "/api/v1/tasks/{id}", "/api/v1/tasks/{id}/start" — a
// `{name}` segment matches one non-empty path segment (percent-decoded; an encoded '/'
// stays inside it) and fills Request::path_params; a final "*" segment makes a prefix
// route: "/assets/*" matches "/assets" and everything under "/assets/", with the decoded
// rest ("app/main.js") in the path parameter "*"; "/*" matches every path.
// Matching is exact otherwise: no trailing-slash or case folding ("/tasks/" is not
// "/tasks").
// Precedence, whatever the registration order: a full route beats a prefix route; among
// full routes, the first segment where two differ decides, a literal beating a
// parameter ("/tasks/summary" beats "/tasks/{id}"); among prefix routes the longer
// prefix wins. Two routes of one method that would match the same paths are refused.
// A path some route matches under other methods only is a 405 with `Allow`; a HEAD
// request runs the GET route when there is no HEAD route (the server drops the body).
// Thread-safety: Add() before the server starts; then Match() and Routes() from any
// thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/http_message.h"

namespace dth::server {

using Handler = std::function<Response(const Request&)>;

struct RouteOptions {
  size_t max_body_bytes = 0;  // 0 = the server's max_body_bytes
};

struct RouteInfo {
  std::string method;
  std::string pattern;
  bool operator==(const RouteInfo&) const = default;
};

struct RouteMatch {
  enum Result { kFound, kNotFound, kMethodNotAllowed } result = kNotFound;
  const Handler* handler = nullptr;  // kFound: valid as long as the router
  std::string pattern;               // kFound: the route's pattern
  Params params;                     // kFound: path parameters, in pattern order
  size_t max_body_bytes = 0;         // kFound: the route's limit (0 = server default)
  std::string allow;                 // kMethodNotAllowed: "GET, HEAD, POST"
};

class Router {
 public:
  // Registers a route. An invalid method or pattern, or a route that conflicts with one
  // already registered, is not added: status() reports the first such mistake, and
  // HttpServer::Start refuses a router whose status() is not OK.
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  const Status& status() const { return status_; }

  // Every registered (method, pattern), in registration order.
  std::vector<RouteInfo> Routes() const;

  // `segments` are ParsedTarget::segments of the request's path.
  RouteMatch Match(std::string_view method, const std::vector<std::string>& segments) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter's name
    bool param = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    bool prefix = false;  // the pattern ended in "/*"
    Handler handler;
    RouteOptions options;
  };
  static bool Matches(const Route& route, const std::vector<std::string>& segments);
  // True when `a` is preferred to `b` for a path both match.
  static bool Better(const Route& a, const Route& b);
  static bool SameShape(const Route& a, const Route& b);

  std::vector<Route> routes_;
  Status status_;
};

}  // namespace dth::server
