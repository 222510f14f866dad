#include "server/router.h"

#include <algorithm>
#include <set>

namespace dth::server {

namespace {

bool ValidMethod(std::string_view method) {
  return !method.empty() && std::all_of(method.begin(), method.end(),
                                        [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool ValidName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string JoinRest(const std::vector<std::string>& segments, size_t from) {
  std::string out;
  for (size_t i = from; i < segments.size(); ++i) {
    if (i > from) out.push_back('/');
    out += segments[i];
  }
  return out;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  auto fail = [&](const std::string& why) {
    if (status_.ok()) status_ = InvalidArgument("route " + method + " " + pattern + ": " + why);
  };
  if (!ValidMethod(method)) return fail("the method must be upper-case letters");
  if (pattern.empty() || pattern.front() != '/') return fail("the pattern must start with '/'");
  if (!handler) return fail("no handler");
  Route route{method, pattern, {}, false, std::move(handler), options};
  std::vector<std::string_view> pieces;
  if (pattern != "/") {
    std::string_view rest = std::string_view(pattern).substr(1);
    while (true) {
      size_t slash = rest.find('/');
      pieces.push_back(rest.substr(0, slash));
      if (slash == std::string_view::npos) break;
      rest = rest.substr(slash + 1);
    }
  }
  std::set<std::string> names;
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::string_view seg = pieces[i];
    if (seg.empty()) return fail("an empty segment (or a trailing '/')");
    if (seg == "*" && i + 1 == pieces.size()) {
      route.prefix = true;
    } else if (seg.front() == '{') {
      if (seg.size() < 3 || seg.back() != '}' || !ValidName(seg.substr(1, seg.size() - 2)))
        return fail("a parameter segment must be {name} (letters, digits, '_')");
      std::string name(seg.substr(1, seg.size() - 2));
      if (!names.insert(name).second) return fail("parameter {" + name + "} twice");
      route.segments.push_back({std::move(name), true});
    } else if (seg.find_first_of("{}*") != std::string_view::npos) {
      return fail("'{', '}' and '*' only as whole segments ('*' last)");
    } else {
      route.segments.push_back({std::string(seg), false});
    }
  }
  for (const Route& other : routes_) {
    if (other.method == route.method && SameShape(other, route))
      return fail("conflicts with " + other.pattern);
  }
  routes_.push_back(std::move(route));
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

bool Router::Matches(const Route& route, const std::vector<std::string>& segments) {
  if (route.prefix ? segments.size() < route.segments.size()
                   : segments.size() != route.segments.size())
    return false;
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const Segment& s = route.segments[i];
    if (s.param ? segments[i].empty() : s.text != segments[i]) return false;
  }
  return true;
}

bool Router::Better(const Route& a, const Route& b) {
  if (a.prefix != b.prefix) return !a.prefix;
  if (a.segments.size() != b.segments.size()) return a.segments.size() > b.segments.size();
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].param != b.segments[i].param) return !a.segments[i].param;
  }
  return false;
}

bool Router::SameShape(const Route& a, const Route& b) {
  if (a.prefix != b.prefix || a.segments.size() != b.segments.size()) return false;
  for (size_t i = 0; i < a.segments.size(); ++i) {
    const Segment& x = a.segments[i];
    const Segment& y = b.segments[i];
    if (x.param != y.param || (!x.param && x.text != y.text)) return false;
  }
  return true;
}

RouteMatch Router::Match(std::string_view method, const std::vector<std::string>& segments) const {
  const Route* best = nullptr;
  const Route* best_get = nullptr;  // for a HEAD without a HEAD route
  std::set<std::string> allowed;
  for (const Route& r : routes_) {
    if (!Matches(r, segments)) continue;
    allowed.insert(r.method);
    if (r.method == method) {
      if (!best || Better(r, *best)) best = &r;
    } else if (method == "HEAD" && r.method == "GET") {
      if (!best_get || Better(r, *best_get)) best_get = &r;
    }
  }
  if (!best) best = best_get;
  RouteMatch m;
  if (!best) {
    if (allowed.empty()) return m;
    if (allowed.count("GET")) allowed.insert("HEAD");
    m.result = RouteMatch::kMethodNotAllowed;
    for (const std::string& a : allowed) m.allow += (m.allow.empty() ? "" : ", ") + a;
    return m;
  }
  m.result = RouteMatch::kFound;
  m.handler = &best->handler;
  m.pattern = best->pattern;
  m.max_body_bytes = best->options.max_body_bytes;
  for (size_t i = 0; i < best->segments.size(); ++i) {
    if (best->segments[i].param) m.params.emplace_back(best->segments[i].text, segments[i]);
  }
  if (best->prefix) m.params.emplace_back("*", JoinRest(segments, best->segments.size()));
  return m;
}

}  // namespace dth::server
