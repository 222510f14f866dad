#include "server/router.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace dth::server {
namespace {

Handler Named(std::string name) {
  return [name](const Request&) { return Response::Text(200, name); };
}

std::string Answer(const RouteMatch& m) {
  if (m.result != RouteMatch::kFound) return m.result == RouteMatch::kNotFound ? "404" : "405 " + m.allow;
  return (*m.handler)(Request{}).body;
}

std::vector<std::string> Segs(std::string_view path) { return ParseTarget(path)->segments; }

TEST(RouterTest, MatchesLiteralsAndParameters) {
  Router r;
  r.Add("GET", "/api/v1/tasks", Named("list"));
  r.Add("POST", "/api/v1/tasks", Named("create"));
  r.Add("GET", "/api/v1/tasks/{id}", Named("get"));
  r.Add("POST", "/api/v1/tasks/{id}/start", Named("start"));
  r.Add("GET", "/api/v1/tasks/{id}/runs/{run}", Named("run"));
  r.Add("GET", "/", Named("root"));
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();

  EXPECT_EQ(Answer(r.Match("GET", Segs("/api/v1/tasks"))), "list");
  EXPECT_EQ(Answer(r.Match("POST", Segs("/api/v1/tasks"))), "create");
  EXPECT_EQ(Answer(r.Match("GET", Segs("/"))), "root");
  RouteMatch m = r.Match("GET", Segs("/api/v1/tasks/t-1%2F2/runs/7"));
  EXPECT_EQ(Answer(m), "run");
  EXPECT_EQ(m.pattern, "/api/v1/tasks/{id}/runs/{run}");
  EXPECT_EQ(m.params, (Params{{"id", "t-1/2"}, {"run", "7"}}));
  EXPECT_EQ(Answer(r.Match("POST", Segs("/api/v1/tasks/x/start"))), "start");

  EXPECT_EQ(Answer(r.Match("GET", Segs("/api/v1/tasks/"))), "404");  // empty parameter
  EXPECT_EQ(Answer(r.Match("GET", Segs("/api/v1/tasks/x/"))), "404");
  EXPECT_EQ(Answer(r.Match("GET", Segs("/api/v1/Tasks"))), "404");
  EXPECT_EQ(Answer(r.Match("GET", Segs("/api/v1"))), "404");
  EXPECT_EQ(Answer(r.Match("GET", Segs("/api/v1/tasks/x/start"))), "405 POST");
  EXPECT_EQ(Answer(r.Match("DELETE", Segs("/api/v1/tasks"))), "405 GET, HEAD, POST");
}

TEST(RouterTest, HeadRunsTheGetRoute) {
  Router r;
  r.Add("GET", "/a", Named("get"));
  r.Add("GET", "/b", Named("get b"));
  r.Add("HEAD", "/b", Named("head b"));
  EXPECT_EQ(Answer(r.Match("HEAD", Segs("/a"))), "get");
  EXPECT_EQ(Answer(r.Match("HEAD", Segs("/b"))), "head b");
  EXPECT_EQ(Answer(r.Match("POST", Segs("/a"))), "405 GET, HEAD");
}

TEST(RouterTest, PrecedenceDoesNotDependOnOrder) {
  for (bool reversed : {false, true}) {
    Router r;
    std::vector<std::pair<std::string, std::string>> routes = {
        {"/*", "fallback"},         {"/assets/*", "assets"},   {"/assets/img/*", "img"},
        {"/tasks/{id}", "task"},    {"/tasks/summary", "summary"},
        {"/{a}/x", "param-first"},  {"/tasks/{id}/x", "literal-first"},
    };
    if (reversed) std::reverse(routes.begin(), routes.end());
    for (auto& [pattern, name] : routes) r.Add("GET", pattern, Named(name));
    ASSERT_TRUE(r.status().ok()) << r.status().ToString();
    EXPECT_EQ(Answer(r.Match("GET", Segs("/tasks/summary"))), "summary");
    EXPECT_EQ(Answer(r.Match("GET", Segs("/tasks/t-1"))), "task");
    EXPECT_EQ(Answer(r.Match("GET", Segs("/tasks/x"))), "task");
    EXPECT_EQ(Answer(r.Match("GET", Segs("/tasks/t/x"))), "literal-first");
    EXPECT_EQ(Answer(r.Match("GET", Segs("/other/x"))), "param-first");
    EXPECT_EQ(Answer(r.Match("GET", Segs("/assets/app.js"))), "assets");
    EXPECT_EQ(Answer(r.Match("GET", Segs("/assets/img/a.png"))), "img");
    EXPECT_EQ(Answer(r.Match("GET", Segs("/tasks"))), "fallback");
    EXPECT_EQ(Answer(r.Match("GET", Segs("/"))), "fallback");
    RouteMatch m = r.Match("GET", Segs("/assets/js/a%20b.js"));
    EXPECT_EQ(m.params, (Params{{"*", "js/a b.js"}}));
    EXPECT_EQ(r.Match("GET", Segs("/assets")).params, (Params{{"*", ""}}));
  }
}

TEST(RouterTest, RefusesBadAndConflictingRoutes) {
  auto first_error = [](std::string method, std::string pattern) {
    Router r;
    r.Add("GET", "/tasks/{id}", Named("x"));
    r.Add(method, pattern, Named("y"));
    return r.status().ok() ? std::string() : r.status().message();
  };
  EXPECT_EQ(first_error("POST", "/tasks/{id}"), "");
  EXPECT_EQ(first_error("GET", "/tasks/summary"), "");
  EXPECT_NE(first_error("GET", "/tasks/{other}"), "");  // same shape, same method
  EXPECT_NE(first_error("get", "/x"), "");
  EXPECT_NE(first_error("GET", "x"), "");
  EXPECT_NE(first_error("GET", "/x/"), "");
  EXPECT_NE(first_error("GET", "/x//y"), "");
  EXPECT_NE(first_error("GET", "/x/{}"), "");
  EXPECT_NE(first_error("GET", "/x/{a-b}"), "");
  EXPECT_NE(first_error("GET", "/x/{a}/{a}"), "");
  EXPECT_NE(first_error("GET", "/x/a{b}"), "");
  EXPECT_NE(first_error("GET", "/x/*/y"), "");
  EXPECT_NE(first_error("GET", "/x/a*"), "");
  EXPECT_NE(first_error("GET", "/tasks/{id}").find("conflicts with /tasks/{id}"), std::string::npos);

  Router r;
  r.Add("GET", "/ok", nullptr);
  EXPECT_FALSE(r.status().ok());
  EXPECT_TRUE(r.Routes().empty());
}

TEST(RouterTest, ListsEveryRouteInOrder) {
  Router r;
  r.Add("GET", "/api/v1/tasks", Named("a"));
  r.Add("POST", "/api/v1/tasks/{id}/start", Named("b"));
  r.Add("GET", "/assets/*", Named("c"), RouteOptions{100});
  EXPECT_EQ(r.Routes(), (std::vector<RouteInfo>{{"GET", "/api/v1/tasks"},
                                                {"POST", "/api/v1/tasks/{id}/start"},
                                                {"GET", "/assets/*"}}));
  EXPECT_EQ(r.Match("GET", Segs("/assets/x")).max_body_bytes, 100u);
}

}  // namespace
}  // namespace dth::server
