#include "control/docs/docs.h"

#include <memory>

#include "control/docs/docs_assets.h"

namespace dth::control {
namespace {

server::Response Asset(int status, std::string_view content_type, std::string body) {
  server::Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::string(content_type));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.body = std::move(body);
  return r;
}

std::string_view ContentType(std::string_view name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  return "text/plain; charset=utf-8";  // LICENSE, NOTICE
}

}  // namespace

void AddDocsRoutes(server::Router& router, std::string openapi_document, std::span<const DocsAsset> assets) {
  router.Add("GET", "/docs", [](const server::Request&) {
    server::Response r = Asset(308, "text/plain; charset=utf-8", "see /docs/\n");
    r.WithHeader("Location", "/docs/");
    return r;
  });
  auto document = std::make_shared<const std::string>(std::move(openapi_document));
  router.Add("GET", "/docs/*", [document, assets](const server::Request& req) {
    if (assets.empty()) {
      return Asset(404, "text/plain; charset=utf-8",
                   "This dth was built without swagger-ui-dist, so it has no browsable API docs: run "
                   "scripts/setup.sh (npm ci in tools/openapi) and build again. The API's OpenAPI "
                   "document is at /api/v1/openapi.json.\n");
    }
    std::string name = req.PathParam("*");
    if (name.empty()) name = "index.html";
    if (name == "openapi.json") return Asset(200, "application/json", *document);
    for (const DocsAsset& a : assets) {
      if (a.name == name) return Asset(200, ContentType(a.name), std::string(a.data));
    }
    return server::Response::Problem(404, "not_found", "Not Found", "no file /docs/" + name);
  });
}

}  // namespace dth::control
