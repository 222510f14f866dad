#include "registry/origin.h"

#include <cctype>
#include <charconv>

namespace dth::registry {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && Lower(s.substr(0, prefix.size())) == prefix;
}

// The authority ("host[:port]") of an http(s) URL, and its scheme.
bool SplitUrl(std::string_view url, std::string* scheme, std::string_view* authority) {
  if (StartsWithIgnoreCase(url, "https://")) {
    *scheme = "https";
    url.remove_prefix(8);
  } else if (StartsWithIgnoreCase(url, "http://")) {
    *scheme = "http";
    url.remove_prefix(7);
  } else {
    return false;
  }
  *authority = url.substr(0, url.find_first_of("/?#"));
  return true;
}

}  // namespace

std::optional<Origin> ParseOrigin(std::string_view url) {
  Origin o;
  std::string_view authority;
  if (!SplitUrl(url, &o.scheme, &authority)) return std::nullopt;
  // userinfo ("user@host") is refused: it only serves to disguise the real host.
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  o.host = Lower(host);
  o.port = o.scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    int p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p <= 0 || p > 65535) return std::nullopt;
    o.port = p;
  }
  return o;
}

bool IsLoopbackHost(std::string_view host_port) {
  std::string h = Lower(host_port);
  if (h.rfind("[::1]", 0) == 0) return h.size() == 5 || h[5] == ':';
  h = h.substr(0, h.find(':'));
  if (h == "localhost") return true;
  // 127.a.b.c, each part a decimal 0-255 without leading zeros.
  if (h.rfind("127.", 0) != 0) return false;
  int parts = 0;
  size_t start = 0;
  while (start <= h.size()) {
    size_t dot = h.find('.', start);
    std::string_view part = std::string_view(h).substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    int v = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() || v > 255 ||
        (part.size() > 1 && part.front() == '0'))
      return false;
    ++parts;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

Result<bool> CheckFollowUrl(std::string_view base, std::string_view url, const std::string& what) {
  auto own = ParseOrigin(base);
  auto to = ParseOrigin(url);
  if (!to) return Corruption(what + ": the registry gave an unusable URL '" + UrlForLog(url) + "'");
  if (own && own->scheme == "https" && to->scheme == "http") {
    return PermissionDenied(what + ": the registry sent the request from https to plain http (" +
                            UrlForLog(url) + "); refused");
  }
  return own.has_value() && *own == *to;
}

Status CheckRealm(std::string_view realm) {
  auto o = ParseOrigin(realm);
  if (!o) return PermissionDenied("token realm '" + UrlForLog(realm) + "' is not an http(s) URL; credentials not sent");
  if (o->scheme == "https" || IsLoopbackHost(o->host)) return Status::Ok();
  return PermissionDenied("token realm " + UrlForLog(realm) +
                          " is plain http on a non-loopback host; credentials are sent to https realms only");
}

std::string UrlForLog(std::string_view url) {
  std::string_view cut = url.substr(0, url.find_first_of("?#"));
  // userinfo would be a secret too.
  size_t scheme_end = cut.find("://");
  size_t at = cut.find('@');
  size_t slash = cut.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  if (scheme_end != std::string_view::npos && at != std::string_view::npos && at < slash) {
    return std::string(cut.substr(0, scheme_end + 3)) + std::string(cut.substr(at + 1));
  }
  return std::string(cut);
}

}  // namespace dth::registry
