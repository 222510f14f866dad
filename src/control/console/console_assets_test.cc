#include "control/console/console_assets.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "http/http_client.h"
#include "server/server_test_util.h"

namespace dth::control::console {
namespace {

// A console of four files: the page (gzip only), a hashed script with both variants, a
// hashed stylesheet too small to compress, an unhashed icon.
const AssetTable& TestTable() {
  static const AssetTable table{std::vector<Asset>{  // sorted by path
      {"/assets/app-1a2b.css", "text/css; charset=utf-8", "\"css1\"", true, "body{}", "", ""},
      {"/assets/app-1a2b.js", "text/javascript; charset=utf-8", "\"js1\"", true, "console.log(1)",
       "GZIP-BYTES", "BROTLI-BYTES"},
      {"/favicon.svg", "image/svg+xml", "\"svg1\"", false, "<svg/>", "", ""},
      {"/index.html", "text/html; charset=utf-8", "\"html1\"", false, "<!doctype html>page",
       "GZIP-HTML", ""},
  }};
  return table;
}

server::Request Get(const std::string& path, HttpHeaders headers = {}) {
  server::Request r;
  r.method = "GET";
  r.target = path;
  r.path = path;
  r.headers = std::move(headers);
  return r;
}

std::string H(const server::Response& r, const char* name) {
  const std::string* v = r.Header(name);
  return v ? *v : "<none>";
}

TEST(ConsoleEncoding, PicksWhatTheClientAccepts) {
  EXPECT_EQ(ChooseEncoding("", true, true), "");
  EXPECT_EQ(ChooseEncoding("gzip", true, true), "gzip");
  EXPECT_EQ(ChooseEncoding("gzip, deflate, br", true, true), "br");
  EXPECT_EQ(ChooseEncoding("gzip, deflate, br", true, false), "gzip");
  EXPECT_EQ(ChooseEncoding("br", true, false), "");
  EXPECT_EQ(ChooseEncoding("GZIP", true, false), "gzip");
  EXPECT_EQ(ChooseEncoding("gzip;q=0", true, true), "");
  EXPECT_EQ(ChooseEncoding("br;q=0, gzip;q=0.5", true, true), "gzip");
  EXPECT_EQ(ChooseEncoding("br;q=0.2, gzip;q=0.9", true, true), "gzip");
  EXPECT_EQ(ChooseEncoding("*", true, true), "br");
  EXPECT_EQ(ChooseEncoding("*;q=0, identity", true, true), "");
  EXPECT_EQ(ChooseEncoding("gzip;q=bogus", true, false), "");
  EXPECT_EQ(ChooseEncoding("deflate", true, true), "");
}

TEST(ConsoleServe, PageIsRevalidatedHashedFilesAreCachedForAYear) {
  server::Response page = ServeConsole(TestTable(), Get("/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html>page");
  EXPECT_EQ(H(page, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(H(page, "Cache-Control"), "no-cache");
  EXPECT_EQ(H(page, "ETag"), "\"html1\"");
  EXPECT_EQ(H(page, "Content-Encoding"), "<none>");

  server::Response js = ServeConsole(TestTable(), Get("/assets/app-1a2b.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(H(js, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(H(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(H(js, "Vary"), "Accept-Encoding");
  EXPECT_EQ(H(js, "X-Content-Type-Options"), "nosniff");

  server::Response css = ServeConsole(TestTable(), Get("/assets/app-1a2b.css"));
  EXPECT_EQ(H(css, "Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(H(css, "Vary"), "<none>");  // one representation only
  EXPECT_EQ(H(ServeConsole(TestTable(), Get("/favicon.svg")), "Content-Type"), "image/svg+xml");
}

TEST(ConsoleServe, CompressedVariantsGoToClientsThatAcceptThem) {
  server::Response gz = ServeConsole(TestTable(), Get("/assets/app-1a2b.js", {{"Accept-Encoding", "gzip"}}));
  EXPECT_EQ(gz.body, "GZIP-BYTES");
  EXPECT_EQ(H(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(H(gz, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(H(gz, "ETag"), "\"js1-gzip\"");  // a tag per representation
  server::Response br =
      ServeConsole(TestTable(), Get("/assets/app-1a2b.js", {{"accept-encoding", "gzip, deflate, br"}}));
  EXPECT_EQ(br.body, "BROTLI-BYTES");
  EXPECT_EQ(H(br, "Content-Encoding"), "br");
  server::Response html = ServeConsole(TestTable(), Get("/", {{"Accept-Encoding", "br, gzip"}}));
  EXPECT_EQ(html.body, "GZIP-HTML");  // no brotli variant of the page
  EXPECT_EQ(H(html, "Content-Encoding"), "gzip");
  server::Response plain = ServeConsole(TestTable(), Get("/assets/app-1a2b.css", {{"Accept-Encoding", "gzip"}}));
  EXPECT_EQ(plain.body, "body{}");
  EXPECT_EQ(H(plain, "Content-Encoding"), "<none>");
}

TEST(ConsoleServe, MatchingETagIsNotModified) {
  server::Response r = ServeConsole(TestTable(), Get("/", {{"If-None-Match", "\"other\", \"html1\""}}));
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(H(r, "ETag"), "\"html1\"");
  // The gzip representation has its own tag: the plain one's does not match it.
  r = ServeConsole(TestTable(), Get("/", {{"If-None-Match", "\"html1\""}, {"Accept-Encoding", "gzip"}}));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GZIP-HTML");
  r = ServeConsole(TestTable(), Get("/", {{"If-None-Match", "W/\"html1-gzip\""}, {"Accept-Encoding", "gzip"}}));
  EXPECT_EQ(r.status, 304);
}

TEST(ConsoleServe, ConsolePathsFallBackToThePageButMissingAssetsAndApiAre404) {
  for (const char* path : {"/tasks", "/tasks/t-0123/edit", "/credentials", "/index.htm"}) {
    server::Response r = ServeConsole(TestTable(), Get(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<!doctype html>page") << path;
    EXPECT_EQ(H(r, "Cache-Control"), "no-cache") << path;
  }
  for (const char* path : {"/assets/app-0000.js", "/assets/", "/api/v1/nothing", "/api", "/metrics"}) {
    server::Response r = ServeConsole(TestTable(), Get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(H(r, "Content-Type"), "application/problem+json") << path;
  }
}

TEST(ConsoleServe, WithoutABuiltConsoleThePageSaysSo) {
  const AssetTable none;
  for (const char* path : {"/", "/tasks", "/assets/app.js"}) {
    server::Response r = ServeConsole(none, Get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_NE(r.body.find("console was not built"), std::string::npos) << r.body;
    EXPECT_EQ(H(r, "Content-Type"), "text/plain; charset=utf-8");
  }
  EXPECT_EQ(ServeConsole(none, Get("/api/v1/x")).status, 404);
}

// Through the server: API routes keep precedence over the console's catch-all route,
// HEAD answers without a body, and other methods on console paths are 405.
TEST(ConsoleServe, BesideTheApiOnARealServer) {
  server::Router router;
  router.Add("GET", "/api/v1/health", [](const server::Request&) {
    return server::Response::Json(200, nlohmann::json{{"status", "ok"}});
  });
  AddConsoleRoutes(router, TestTable());
  auto http = server::testing::StartServer(std::move(router));
  ASSERT_NE(http, nullptr);
  const std::string base = "http://127.0.0.1:" + std::to_string(http->port());
  HttpClient client;
  auto call = [&](const std::string& method, const std::string& path, HttpHeaders headers = {}) {
    HttpRequest req;
    req.method = method;
    req.url = base + path;
    req.headers = std::move(headers);
    auto r = client.Send(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : HttpResponse{};
  };
  auto health = call("GET", "/api/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "{\"status\":\"ok\"}");
  auto page = call("GET", "/tasks/abc");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html>page");
  EXPECT_EQ(*page.Header("Content-Type"), "text/html; charset=utf-8");
  auto gz = call("GET", "/assets/app-1a2b.js", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz.body, "GZIP-BYTES");
  EXPECT_EQ(*gz.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(call("GET", "/api/v1/nothing").status, 404);
  EXPECT_EQ(call("POST", "/tasks").status, 405);
}

#ifdef DTH_CONSOLE_EMBEDDED
// The console this binary was built with: a page, hashed scripts, and compressed variants
// that really are gzip (magic bytes 1f 8b) and smaller than the file.
TEST(ConsoleEmbedded, HasThePageAndHashedCompressedAssets) {
  const AssetTable& table = EmbeddedConsole();
  const Asset* page = table.Find("/index.html");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_FALSE(page->immutable);
  EXPECT_TRUE(std::is_sorted(table.assets.begin(), table.assets.end(),
                             [](const Asset& a, const Asset& b) { return a.path < b.path; }));
  int scripts = 0;
  for (const Asset& a : table.assets) {
    EXPECT_EQ(a.immutable, a.path.rfind("/assets/", 0) == 0) << a.path;
    if (a.path.size() > 3 && a.path.substr(a.path.size() - 3) == ".js" && a.raw.size() > 4096) {
      ++scripts;
      EXPECT_EQ(a.content_type, "text/javascript; charset=utf-8");
      ASSERT_GE(a.gzip.size(), 2u) << a.path;
      EXPECT_EQ(static_cast<unsigned char>(a.gzip[0]), 0x1f);
      EXPECT_EQ(static_cast<unsigned char>(a.gzip[1]), 0x8b);
      EXPECT_LT(a.gzip.size(), a.raw.size());
    }
  }
  EXPECT_GT(scripts, 0);
  EXPECT_NE(std::string(page->raw).find("/assets/"), std::string::npos);
}
#endif

}  // namespace
}  // namespace dth::control::console
