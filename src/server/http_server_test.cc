#include "server/http_server.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "core/bytes.h"
#include "http/http_client.h"
#include "server/server_test_util.h"

namespace dth::server {
namespace {

using server::testing::RawClient;
using server::testing::StartServer;
using server::testing::TestOptions;
using std::chrono::milliseconds;

Router TestRouter() {
  Router r;
  r.Add("GET", "/hello", [](const Request&) { return Response::Text(200, "hello"); });
  r.Add("GET", "/api/v1/tasks/{id}", [](const Request& req) {
    nlohmann::json q = nlohmann::json::array();
    for (const auto& [k, v] : req.query) q.push_back({k, v});
    return Response::Json(200, nlohmann::json{{"id", req.PathParam("id")}, {"path", req.path},
                                              {"route", req.route}, {"query", q},
                                              {"remote", req.remote_address}});
  });
  r.Add("POST", "/api/v1/tasks/{id}/start", [](const Request& req) {
    return Response::Json(202, nlohmann::json{{"started", req.PathParam("id")}});
  });
  r.Add("POST", "/echo", [](const Request& req) { return Response::Text(200, req.body); });
  r.Add("POST", "/small", [](const Request& req) { return Response::Text(200, req.body); },
        RouteOptions{10});
  r.Add("POST", "/big", [](const Request& req) { return Response::Text(200, std::to_string(req.body.size())); },
        RouteOptions{3 << 20});
  r.Add("GET", "/throw", [](const Request&) -> Response { throw std::runtime_error("boom"); });
  r.Add("GET", "/slow", [](const Request&) {
    std::this_thread::sleep_for(milliseconds(300));
    return Response::Text(200, "slow");
  });
  r.Add("GET", "/assets/*", [](const Request& req) { return Response::Text(200, req.PathParam("*")); });
  return r;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(TestOptions()); }
  void Start(HttpServerOptions options) {
    server_.reset();
    server_ = StartServer(TestRouter(), std::move(options));
    ASSERT_NE(server_, nullptr);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  HttpResponse Call(const std::string& method, const std::string& path, const std::string& body = "",
                    HttpHeaders headers = {}) {
    StringViewSource source(body);
    HttpRequest req;
    req.method = method;
    req.url = base_ + path;
    req.headers = std::move(headers);
    if (method == "POST" || method == "PUT") req.body = &source;
    auto r = client_.Send(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : HttpResponse{};
  }
  static nlohmann::json Problem(const HttpResponse& r) {
    EXPECT_EQ(*r.Header("Content-Type"), "application/problem+json");
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["status"], r.status);
    return j;
  }
  // One request on a fresh connection, read until the server closes it.
  std::string Raw(const std::string& bytes) {
    RawClient c(server_->port());
    EXPECT_TRUE(c.Send(bytes));
    EXPECT_TRUE(c.ReadUntilClose());
    return c.received();
  }

  HttpClient client_;
  std::unique_ptr<HttpServer> server_;
  std::string base_;
};

TEST_F(HttpServerTest, RoutesWithDecodedParameters) {
  HttpResponse r = Call("GET", "/api/v1/tasks/a%20b%2Fc?x=1&y=%26&z=a+b&x=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*r.Header("Content-Type"), "application/json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["id"], "a b/c");
  EXPECT_EQ(j["path"], "/api/v1/tasks/a b/c");
  EXPECT_EQ(j["route"], "/api/v1/tasks/{id}");
  EXPECT_EQ(j["remote"], "127.0.0.1");
  EXPECT_EQ(j["query"], nlohmann::json::parse(R"([["x","1"],["y","&"],["z","a b"],["x","2"]])"));

  r = Call("POST", "/api/v1/tasks/t-1/start");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(nlohmann::json::parse(r.body)["started"], "t-1");
  EXPECT_EQ(Call("GET", "/assets/js/app.js").body, "js/app.js");
  EXPECT_EQ(Call("GET", "/assets/a%2e%2e").body, "a..");
}

TEST_F(HttpServerTest, NotFoundMethodNotAllowedAndHead) {
  HttpResponse r = Call("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Problem(r)["code"], "not_found");
  r = Call("DELETE", "/hello");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(*r.Header("Allow"), "GET, HEAD");
  EXPECT_EQ(Problem(r)["code"], "method_not_allowed");
  EXPECT_EQ(Call("GET", "/api/v1/tasks/x/start").status, 405);

  std::string head = Raw("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Length: 5\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n") << "no body after a HEAD answer: " << head;
  std::string dots = Raw("GET /assets/../hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(dots.rfind("HTTP/1.1 400", 0), 0u) << dots;
  EXPECT_NE(dots.find("invalid_target"), std::string::npos);
}

TEST_F(HttpServerTest, ThrowingHandlerGets500AndTheServerCarriesOn) {
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = Call("GET", "/throw");
    EXPECT_EQ(r.status, 500);
    auto j = Problem(r);
    EXPECT_EQ(j["code"], "internal_error");
    EXPECT_EQ(r.body.find("boom"), std::string::npos) << "the exception text stays in the log";
  }
  EXPECT_EQ(Call("GET", "/hello").body, "hello");
}

TEST_F(HttpServerTest, BodyLimits) {
  EXPECT_EQ(Call("POST", "/echo", "payload").body, "payload");
  HttpResponse r = Call("POST", "/echo", std::string((1 << 20) + 1, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Problem(r)["code"], "body_too_large");
  EXPECT_EQ(Call("POST", "/echo", std::string(1 << 20, 'x')).status, 200);
  EXPECT_EQ(Call("POST", "/small", "0123456789").status, 200);
  EXPECT_EQ(Call("POST", "/small", "0123456789a").status, 413);
  r = Call("POST", "/big", std::string(2 << 20, 'x'));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::to_string(2 << 20));

  // Chunked bodies are decoded, and limited by their decoded size.
  std::string ok = Raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                       "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_EQ(ok.substr(ok.size() - 11), "hello world");
  std::string big = Raw("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n");
  EXPECT_EQ(big.rfind("HTTP/1.1 413", 0), 0u) << big;

  // Expect: 100-continue gets its interim answer, or the 413 before the body is sent.
  RawClient c(server_->port());
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_TRUE(c.ReadUntil("HTTP/1.1 100 Continue\r\n\r\n"));
  c.Send("abc");
  ASSERT_TRUE(c.ReadUntil("\r\n\r\nabc"));
  std::string refused = Raw("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(refused.rfind("HTTP/1.1 413", 0), 0u) << refused;
}

TEST_F(HttpServerTest, HeaderLimit) {
  HttpResponse r = Call("GET", "/hello", "", {{"X-Big", std::string(20 * 1024, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(Problem(r)["code"], "headers_too_large");
  EXPECT_EQ(Call("GET", "/hello", "", {{"X-Fine", std::string(8 * 1024, 'h')}}).status, 200);
  std::string many = "GET /hello HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(Raw(many + "\r\n").rfind("HTTP/1.1 431", 0), 0u);
}

TEST_F(HttpServerTest, MalformedRequestsGet400) {
  for (std::string bad : std::vector<std::string>{"GARBAGE\r\n\r\n", "GET /hello\r\n\r\n", "GET /hello HTTP/1\r\n\r\n",
                          "GET /hello HTTP/1.1\r\nNo colon here\r\n\r\n",
                          "GET hello HTTP/1.1\r\nHost: x\r\n\r\n",
                          "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                          "POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                          "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                          "GET /api/v1/tasks/%zz HTTP/1.1\r\n\r\n",
                          std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n"}) {
    std::string answer = Raw(bad);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << bad << " -> " << answer;
  }
  for (std::string other : {"GET /hello HTTP/2.0\r\n\r\n", "GET /hello HTTP/0.9\r\n\r\n"}) {
    std::string answer = Raw(other);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << other << " -> " << answer;
  }
  EXPECT_EQ(Call("GET", "/hello").body, "hello");
}

TEST_F(HttpServerTest, SlowClientIsCutOffWhileOthersAreServed) {
  auto o = TestOptions();
  o.read_timeout = milliseconds(300);
  Start(o);
  RawClient slow(server_->port());
  ASSERT_TRUE(slow.Send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Half"));
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call("GET", "/hello").status, 200);
  EXPECT_TRUE(slow.ReadUntilClose(milliseconds(3000)));
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(slow.received().rfind("HTTP/1.1 408", 0), 0u) << slow.received();
  EXPECT_NE(slow.received().find("Connection: close"), std::string::npos);
  EXPECT_LT(waited, milliseconds(2500));

  // A slowloris that keeps trickling bytes is cut off by the same whole-request deadline.
  RawClient drip(server_->port());
  drip.Send("GET /hello HTTP/1.1\r\n");
  bool cut = false;
  for (int i = 0; i < 30 && !cut; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    cut = !drip.Send("X: y\r\n");
  }
  EXPECT_TRUE(drip.ReadUntilClose(milliseconds(3000)));
  EXPECT_EQ(drip.received().rfind("HTTP/1.1 408", 0), 0u) << drip.received();
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionsAreClosed) {
  auto o = TestOptions();
  o.idle_timeout = milliseconds(200);
  Start(o);
  RawClient c(server_->port());
  c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.ReadUntil("hello"));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ReadUntilClose(milliseconds(3000)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(2000));
  EXPECT_EQ(c.received().find("408"), std::string::npos) << "an idle close sends nothing";
}

TEST_F(HttpServerTest, KeepAliveReuseAndConnectionClose) {
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Call("GET", "/hello").status, 200);
  EXPECT_EQ(server_->stats().connections_accepted, 1u);
  EXPECT_EQ(server_->stats().requests, 20u);

  // Pipelined requests on one connection are answered in order; "Connection: close" ends it.
  std::string both = Raw("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /assets/z HTTP/1.1\r\nHost: x\r\n"
                         "Connection: close\r\n\r\n");
  size_t first = both.find("hello"), second = both.find("\r\n\r\nz");
  EXPECT_NE(first, std::string::npos) << both;
  EXPECT_NE(second, std::string::npos) << both;
  EXPECT_LT(first, second);
  EXPECT_NE(both.find("Connection: close"), std::string::npos);
  // HTTP/1.0 closes unless asked to keep alive.
  std::string old = Raw("GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.rfind("HTTP/1.1 200", 0), 0u);
  RawClient keep(server_->port());
  keep.Send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(keep.ReadUntil("hello"));
  EXPECT_NE(keep.received().find("Connection: keep-alive"), std::string::npos);
  keep.Send("GET /assets/again HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(keep.ReadUntil("again"));
}

TEST_F(HttpServerTest, HundredConcurrentClients) {
  auto o = TestOptions();
  o.io_threads = 2;  // connections' strands on two I/O threads
  o.threads = 4;
  Start(o);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 100; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client;
      for (int i = 0; i < 5; ++i) {
        HttpRequest req;
        req.url = base_ + "/api/v1/tasks/c" + std::to_string(t) + "?i=" + std::to_string(i);
        auto r = client.Send(req);
        if (r.ok() && r->status == 200 &&
            nlohmann::json::parse(r->body)["id"] == "c" + std::to_string(t))
          ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 500);
  EXPECT_EQ(Call("GET", "/hello").status, 200);
}

TEST_F(HttpServerTest, MaxConnections) {
  auto o = TestOptions();
  o.max_connections = 2;
  Start(o);
  RawClient a(server_->port()), b(server_->port());
  for (RawClient* c : {&a, &b}) {
    c->Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(c->ReadUntil("hello"));
  }
  RawClient third(server_->port());
  third.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(third.ReadUntilClose());
  EXPECT_EQ(third.received().rfind("HTTP/1.1 503", 0), 0u) << third.received();
  EXPECT_EQ(server_->stats().connections_refused, 1u);
  a.Close();
  for (int i = 0; i < 100 && server_->stats().connections_open > 1; ++i)
    std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(Call("GET", "/hello").status, 200);
}

TEST_F(HttpServerTest, BeforeFilterSeesTheRoute) {
  auto o = TestOptions();
  std::atomic<int> seen_unmatched{0};
  o.before = [&](const Request& req) -> std::optional<Response> {
    if (req.route.empty()) ++seen_unmatched;
    if (req.route == "/hello" || (req.Header("X-Token") && *req.Header("X-Token") == "t")) return std::nullopt;
    if (req.route == "/assets/*") throw std::runtime_error("filter bug");
    return Response::Problem(401, "unauthenticated", "Unauthorized", "a token is needed");
  };
  Start(o);
  EXPECT_EQ(Call("GET", "/hello").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/tasks/x").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/tasks/x", "", {{"X-Token", "t"}}).status, 200);
  EXPECT_EQ(Call("GET", "/nope").status, 401);  // unknown paths are not revealed
  EXPECT_EQ(Call("GET", "/nope", "", {{"X-Token", "t"}}).status, 404);
  EXPECT_EQ(Call("GET", "/assets/x").status, 500);
  EXPECT_EQ(seen_unmatched.load(), 2);
}

TEST_F(HttpServerTest, StopAnswersRequestsInFlight) {
  RawClient c(server_->port());
  c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(milliseconds(100));
  RawClient idle(server_->port());
  auto t0 = std::chrono::steady_clock::now();
  server_->Stop(milliseconds(3000));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(2000));
  EXPECT_TRUE(c.ReadUntilClose());
  EXPECT_EQ(c.received().rfind("HTTP/1.1 200", 0), 0u) << c.received();
  EXPECT_NE(c.received().find("Connection: close"), std::string::npos);
  EXPECT_TRUE(idle.ReadUntilClose());
  server_->Stop();  // idempotent
  RawClient late(server_->port());
  EXPECT_FALSE(late.connected());
}

TEST(HttpServerStartTest, RefusesBadSetups) {
  Router bad;
  bad.Add("GET", "nope", [](const Request&) { return Response::Text(200, ""); });
  EXPECT_FALSE(HttpServer::Start(std::move(bad), TestOptions()).ok());
  auto o = TestOptions();
  o.listen = "127.0.0.1";
  EXPECT_EQ(HttpServer::Start(Router(), o).status().code(), Code::kInvalidArgument);
  o = TestOptions();
  o.threads = 0;
  EXPECT_FALSE(HttpServer::Start(Router(), o).ok());
  auto first = StartServer(Router());
  ASSERT_NE(first, nullptr);
  o = TestOptions();
  o.listen = "127.0.0.1:" + std::to_string(first->port());
  auto taken = HttpServer::Start(Router(), o);
  ASSERT_FALSE(taken.ok());
  EXPECT_NE(taken.status().message().find("in use"), std::string::npos) << taken.status().ToString();
}

TEST(HttpServerStartTest, ListensOnIpv6Loopback) {
  auto o = TestOptions();
  o.listen = "[::1]:0";
  Router r;
  r.Add("GET", "/v6", [](const Request& req) { return Response::Text(200, req.remote_address); });
  auto server = HttpServer::Start(std::move(r), o);
  if (!server.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << server.status().ToString();
  HttpClient client;
  HttpRequest req;
  req.url = "http://[::1]:" + std::to_string((*server)->port()) + "/v6";
  auto resp = client.Send(req);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->body, "::1");
}

// Latency of a trivial request, sequential, one keep-alive connection (printed).
TEST_F(HttpServerTest, ThousandSequentialRequests) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(Call("GET", "/hello").status, 200);
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  std::printf("1000 sequential GET /hello: %.0f ms, %.1f us per request\n", us / 1000, us / 1000);
  EXPECT_EQ(server_->stats().connections_accepted, 1u);
}

}  // namespace
}  // namespace dth::server
