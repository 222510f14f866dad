#include "control/console/console_assets.h"

#include <algorithm>
#include <cstdlib>
#include <strings.h>

namespace dth::control::console {
namespace {

constexpr std::string_view kNotBuilt =
    "The web console was not built into this dth: it needs Node (scripts/setup.sh installs "
    "it from npm, then scripts/build.sh builds it in). The API is at /api/v1/.\n";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// The q-value of one coding ("gzip;q=0.5" -> 0.5); 1 when absent, 0 when malformed.
double Quality(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view p = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string text(p.substr(2));
      char* end = nullptr;
      const double q = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0' || q < 0 || q > 1) return 0;
      return q;
    }
  }
  return 1;
}

// The asset's ETag for one variant: a representation's tag must differ per encoding.
std::string VariantTag(std::string_view etag, std::string_view encoding) {
  std::string tag(etag);
  if (!encoding.empty() && tag.size() >= 2 && tag.back() == '"') {
    tag.insert(tag.size() - 1, "-" + std::string(encoding));
  }
  return tag;
}

bool TagMatches(const std::string* if_none_match, const std::string& tag) {
  if (if_none_match == nullptr) return false;
  std::string_view list = *if_none_match;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view one = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (one.rfind("W/", 0) == 0) one.remove_prefix(2);
    if (one == "*" || one == tag) return true;
  }
  return false;
}

server::Response NotFound(std::string_view path) {
  return server::Response::Problem(404, "not_found", "Not found",
                                   "nothing at " + std::string(path));
}

}  // namespace

const Asset* AssetTable::Find(std::string_view path) const {
  auto it = std::lower_bound(assets.begin(), assets.end(), path,
                             [](const Asset& a, std::string_view p) { return a.path < p; });
  return it != assets.end() && it->path == path ? &*it : nullptr;
}

std::string_view ChooseEncoding(std::string_view accept, bool have_gzip, bool have_brotli) {
  double gzip = 0, brotli = 0, any = -1;
  bool gzip_named = false, brotli_named = false;
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view item = Trim(accept.substr(0, comma));
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    size_t semi = item.find(';');
    std::string_view coding = Trim(item.substr(0, semi));
    const double q = semi == std::string_view::npos ? 1 : Quality(item.substr(semi + 1));
    if (IEquals(coding, "gzip") || IEquals(coding, "x-gzip")) {
      gzip = q;
      gzip_named = true;
    } else if (IEquals(coding, "br")) {
      brotli = q;
      brotli_named = true;
    } else if (coding == "*") {
      any = q;
    }
  }
  if (!gzip_named && any >= 0) gzip = any;
  if (!brotli_named && any >= 0) brotli = any;
  if (have_brotli && brotli > 0 && brotli >= gzip) return "br";
  if (have_gzip && gzip > 0) return "gzip";
  if (have_brotli && brotli > 0) return "br";
  return "";
}

server::Response ServeConsole(const AssetTable& table, const server::Request& request) {
  const std::string& path = request.path;
  if (path == "/api" || path.rfind("/api/", 0) == 0 || path == "/metrics") return NotFound(path);
  if (table.empty()) {
    return server::Response::Text(404, std::string(kNotBuilt)).WithHeader("Cache-Control", "no-cache");
  }
  const Asset* asset = table.Find(path == "/" ? std::string_view("/index.html") : std::string_view(path));
  if (asset == nullptr) {
    // A missing hashed file stays a 404 (a stale page must not get HTML for a script).
    if (path.rfind("/assets/", 0) == 0) return NotFound(path);
    asset = table.Find("/index.html");
    if (asset == nullptr) return NotFound(path);
  }
  const std::string* accept = request.Header("Accept-Encoding");
  const std::string_view encoding =
      ChooseEncoding(accept ? std::string_view(*accept) : std::string_view(), !asset->gzip.empty(),
                     !asset->brotli.empty());
  const std::string tag = VariantTag(asset->etag, encoding);
  server::Response r;
  r.status = 200;
  r.WithHeader("Cache-Control", asset->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.WithHeader("ETag", tag);
  if (!asset->gzip.empty() || !asset->brotli.empty()) r.WithHeader("Vary", "Accept-Encoding");
  if (TagMatches(request.Header("If-None-Match"), tag)) {
    r.status = 304;
    return r;
  }
  r.WithHeader("Content-Type", std::string(asset->content_type));
  r.WithHeader("X-Content-Type-Options", "nosniff");
  if (encoding == "br") {
    r.WithHeader("Content-Encoding", "br");
    r.body = std::string(asset->brotli);
  } else if (encoding == "gzip") {
    r.WithHeader("Content-Encoding", "gzip");
    r.body = std::string(asset->gzip);
  } else {
    r.body = std::string(asset->raw);
  }
  return r;
}

void AddConsoleRoutes(server::Router& router, const AssetTable& table) {
  router.Add("GET", "/*", [&table](const server::Request& request) { return ServeConsole(table, request); });
}

}  // namespace dth::control::console
