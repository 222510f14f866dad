// The /docs routes: the redirect, each file with its content type, the document, a file
// that is not there, and a build without swagger-ui-dist.
#include "control/docs/docs.h"

#include <gtest/gtest.h>

#include <set>

#include "server/http_message.h"

namespace dth::control {
namespace {

server::Response Get(const server::Router& router, const std::string& path) {
  auto target = server::ParseTarget(path);
  EXPECT_TRUE(target.ok());
  server::RouteMatch m = router.Match("GET", target->segments);
  EXPECT_EQ(m.result, server::RouteMatch::kFound) << path;
  server::Request req;
  req.method = "GET";
  req.path = target->path;
  req.path_params = m.params;
  return (*m.handler)(req);
}

std::string Header(const server::Response& r, const char* name) {
  const std::string* v = r.Header(name);
  return v ? *v : "";
}

TEST(DocsRoutes, ServeEachFileWithItsTypeAndTheDocument) {
  const DocsAsset assets[] = {{"index.html", "<html>page</html>"},
                              {"docs-init.js", "SwaggerUIBundle({})"},
                              {"swagger-ui.css", "body{}"},
                              {"favicon-32x32.png", std::string_view("\x89PNG\0\1", 6)},
                              {"LICENSE", "Apache"}};
  server::Router router;
  AddDocsRoutes(router, R"({"openapi": "3.1.0"})", assets);
  ASSERT_TRUE(router.status().ok());

  server::Response r = Get(router, "/docs");
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(Header(r, "Location"), "/docs/");
  for (const char* index : {"/docs/", "/docs/index.html"}) {
    r = Get(router, index);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(Header(r, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r.body, "<html>page</html>");
  }
  r = Get(router, "/docs/docs-init.js");
  EXPECT_EQ(Header(r, "Content-Type"), "text/javascript; charset=utf-8");
  r = Get(router, "/docs/swagger-ui.css");
  EXPECT_EQ(Header(r, "Content-Type"), "text/css; charset=utf-8");
  r = Get(router, "/docs/favicon-32x32.png");
  EXPECT_EQ(Header(r, "Content-Type"), "image/png");
  EXPECT_EQ(r.body, std::string("\x89PNG\0\1", 6)) << "binary-safe";
  r = Get(router, "/docs/LICENSE");
  EXPECT_EQ(Header(r, "Content-Type"), "text/plain; charset=utf-8");
  r = Get(router, "/docs/openapi.json");
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  EXPECT_EQ(r.body, R"({"openapi": "3.1.0"})");
  r = Get(router, "/docs/nothing.js");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Header(r, "Content-Type"), "application/problem+json");
}

TEST(DocsRoutes, ABuildWithoutSwaggerUiSaysSo) {
  server::Router router;
  AddDocsRoutes(router, "{}", {});
  server::Response r = Get(router, "/docs/");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Header(r, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(r.body.find("built without swagger-ui-dist"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("/api/v1/openapi.json"), std::string::npos);
}

TEST(DocsRoutes, TheEmbeddedFilesAreSwaggerUi) {
  if (DocsAssets().empty()) GTEST_SKIP() << "this build has no swagger-ui-dist (npm ci in tools/openapi)";
  std::set<std::string_view> names;
  for (const DocsAsset& a : DocsAssets()) {
    names.insert(a.name);
    EXPECT_FALSE(a.data.empty()) << a.name;
  }
  for (const char* name : {"index.html", "docs-init.js", "swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"})
    EXPECT_TRUE(names.count(name)) << name;
  for (const DocsAsset& a : DocsAssets()) {
    if (a.name == "swagger-ui-bundle.js") {
      EXPECT_NE(a.data.find("SwaggerUIBundle"), std::string_view::npos);
    }
    if (a.name == "index.html") {
      EXPECT_NE(a.data.find("swagger-ui-bundle.js"), std::string_view::npos);
    }
  }
  EXPECT_FALSE(SwaggerUiVersion().empty());
}

}  // namespace
}  // namespace dth::control
