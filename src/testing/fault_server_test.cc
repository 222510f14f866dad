#include "testing/fault_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/bytes.h"
#include "http/http_client.h"

namespace dth::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::unique_ptr<FaultServer> StartServer(std::string upstream = "") {
  auto server = FaultServer::Start(std::move(upstream));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

FaultRule Answer(std::string method, std::string target, int status, std::string body = "",
                 int times = 1) {
  FaultRule rule{std::move(method), std::move(target), times, {}};
  rule.action.status = status;
  rule.action.body = std::move(body);
  return rule;
}

FaultRule Fault(std::string method, std::string target, FaultAction::Kind kind, int times = 1) {
  FaultRule rule{std::move(method), std::move(target), times, {}};
  rule.action.kind = kind;
  return rule;
}

Result<HttpResponse> Send(HttpClient& client, const std::string& method, const std::string& url,
                          ByteSource* body = nullptr, HttpHeaders headers = {}) {
  HttpRequest request;
  request.method = method;
  request.url = url;
  request.body = body;
  request.headers = std::move(headers);
  return client.Send(request);
}

std::string Pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return s;
}

// Sends raw bytes on a fresh connection and reads until the server closes it (5 s cap).
std::string RawExchange(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
    char buf[4096];
    for (int i = 0; i < 10000; ++i) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

TEST(FaultServerTest, ScriptedAnswerThenForwarded) {
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  upstream->AddRule(Answer("GET", "/b/key", 200, "from upstream", -1));
  auto proxy = StartServer(upstream->endpoint());
  ASSERT_NE(proxy, nullptr);
  proxy->AddRule(Answer("GET", "/b/key", 503, "<Error><Code>SlowDown</Code></Error>"));

  HttpClient client;
  auto first = Send(client, "GET", proxy->endpoint() + "/b/key");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, 503);
  EXPECT_EQ(first->body, "<Error><Code>SlowDown</Code></Error>");
  EXPECT_EQ(upstream->CountRequests("GET", "/b/key"), 0);

  auto second = Send(client, "GET", proxy->endpoint() + "/b/key");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "from upstream");
  EXPECT_EQ(upstream->CountRequests("GET", "/b/key"), 1);
  EXPECT_EQ(proxy->CountRequests("GET", "/b/key"), 2);
}

TEST(FaultServerTest, RuleTimesOrderAndClear) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  server->AddRule(Answer("PUT", "", 500, "", 2));
  server->AddRule(Answer("", "/gone", 404, "", -1));
  server->AddRule(Answer("", "", 403, "", 1));  // after the two above
  HttpClient client;
  auto status = [&](const std::string& method, const std::string& path) {
    auto r = Send(client, method, server->endpoint() + path);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->status : -1;
  };
  EXPECT_EQ(status("PUT", "/gone"), 500);  // first rule wins while it has times left
  EXPECT_EQ(status("PUT", "/x"), 500);
  EXPECT_EQ(status("PUT", "/gone"), 404);  // the PUT rule is used up
  for (int i = 0; i < 5; ++i) EXPECT_EQ(status("GET", "/gone?i=" + std::to_string(i)), 404);
  EXPECT_EQ(status("GET", "/x"), 403);
  EXPECT_EQ(status("GET", "/x"), 200);  // unmatched, no upstream: 200, empty
  server->ClearRules();
  EXPECT_EQ(status("GET", "/gone"), 200);
  EXPECT_EQ(server->CountRequests("", ""), 11);
  EXPECT_EQ(server->CountRequests("GET", "/gone"), 6);
}

TEST(FaultServerTest, ResetConnectionIsTransient) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  server->AddRule(Fault("GET", "/reset", FaultAction::kResetConnection));
  HttpClient client;
  auto reset = Send(client, "GET", server->endpoint() + "/reset");
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(reset.status().code(), Code::kTransient) << reset.status().ToString();
  auto after = Send(client, "GET", server->endpoint() + "/reset");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->status, 200);
}

// libcurl silently resends a request whose reused connection dies before any answer.
TEST(FaultServerTest, ResetOnReusedConnectionIsRetriedByLibcurl) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpClient client;
  ASSERT_TRUE(Send(client, "GET", server->endpoint() + "/warm").ok());
  server->AddRule(Fault("POST", "/complete", FaultAction::kResetConnection));
  StringViewSource body("<CompleteMultipartUpload/>");
  auto r = Send(client, "POST", server->endpoint() + "/complete", &body);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server->CountRequests("POST", "/complete"), 2);  // sent twice
  EXPECT_EQ(server->connections_accepted(), 2);
}

TEST(FaultServerTest, RecordsMethodTargetHeadersAndBody) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpClient client;
  StringViewSource body("part one");
  auto r = Send(client, "PUT", server->endpoint() + "/bucket/a%20b?partNumber=1&uploadId=u1", &body,
                {{"x-amz-meta-color", "blue"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(Send(client, "DELETE", server->endpoint() + "/bucket/a%20b?uploadId=u1").ok());

  auto requests = server->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].target, "/bucket/a%20b?partNumber=1&uploadId=u1");
  EXPECT_EQ(requests[0].body, "part one");
  EXPECT_EQ(requests[0].body_size, 8u);
  ASSERT_NE(FindHeader(requests[0].headers, "X-Amz-Meta-Color"), nullptr);
  EXPECT_EQ(*FindHeader(requests[0].headers, "x-amz-meta-color"), "blue");
  EXPECT_EQ(requests[1].method, "DELETE");
  EXPECT_EQ(requests[1].body, "");
  EXPECT_EQ(server->CountRequests("PUT", "partNumber=1"), 1);
  EXPECT_EQ(server->CountRequests("", "uploadId=u1"), 2);
}

TEST(FaultServerTest, HeadHasNoBodyAndKeepsTheConnection) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  FaultRule head = Answer("HEAD", "/obj", 200, "twelve bytes");
  head.action.headers = {{"ETag", "\"abc\""}};
  server->AddRule(head);
  server->AddRule(Answer("GET", "/obj", 200, "twelve bytes"));
  HttpClient client;
  auto r = Send(client, "HEAD", server->endpoint() + "/obj");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");
  ASSERT_NE(r->Header("Content-Length"), nullptr);
  EXPECT_EQ(*r->Header("Content-Length"), "12");
  ASSERT_NE(r->Header("etag"), nullptr);
  EXPECT_EQ(*r->Header("etag"), "\"abc\"");
  auto get = Send(client, "GET", server->endpoint() + "/obj");
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->body, "twelve bytes");
  EXPECT_EQ(server->connections_accepted(), 1);
}

TEST(FaultServerTest, ProxyRelaysLargeBodiesIntact) {
  const std::string big = Pattern(3 << 20);
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  upstream->AddRule(Answer("GET", "/big", 200, big, -1));
  upstream->AddRule(Answer("HEAD", "/big", 200, big, -1));
  auto proxy = StartServer(upstream->endpoint());
  ASSERT_NE(proxy, nullptr);
  HttpClient client;

  auto get = Send(client, "GET", proxy->endpoint() + "/big");
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body.size(), big.size());
  EXPECT_TRUE(get->body == big);

  auto head = Send(client, "HEAD", proxy->endpoint() + "/big");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  ASSERT_NE(head->Header("Content-Length"), nullptr);
  EXPECT_EQ(*head->Header("Content-Length"), std::to_string(big.size()));

  StringViewSource body(big);
  auto put = Send(client, "PUT", proxy->endpoint() + "/up?x=1", &body,
                  {{"Authorization", "AWS4-HMAC-SHA256 Credential=k/..."}});
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->status, 200);
  auto seen = upstream->requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].target, "/up?x=1");
  EXPECT_TRUE(seen[2].body == big);
  // Headers pass unchanged: Host names the proxy, as the client signed it.
  ASSERT_NE(FindHeader(seen[2].headers, "Host"), nullptr);
  EXPECT_EQ(*FindHeader(seen[2].headers, "Host"), "127.0.0.1:" + std::to_string(proxy->port()));
  ASSERT_NE(FindHeader(seen[2].headers, "Authorization"), nullptr);
  EXPECT_EQ(*FindHeader(seen[2].headers, "Authorization"), "AWS4-HMAC-SHA256 Credential=k/...");
}

TEST(FaultServerTest, ProxyRelaysChunkedResponses) {
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  FaultRule chunked = Answer("GET", "/chunked", 200, "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", -1);
  chunked.action.headers = {{"Transfer-Encoding", "chunked"}};
  upstream->AddRule(chunked);
  auto proxy = StartServer(upstream->endpoint());
  ASSERT_NE(proxy, nullptr);
  HttpClient client;
  for (int i = 0; i < 3; ++i) {  // the upstream connection stays usable after each
    auto r = Send(client, "GET", proxy->endpoint() + "/chunked");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, "hello world");
  }
  EXPECT_EQ(upstream->connections_accepted(), 1);
}

TEST(FaultServerTest, CloseMidBodyThroughProxyIsTransient) {
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  upstream->AddRule(Answer("GET", "/big", 200, Pattern(1 << 20), -1));
  auto proxy = StartServer(upstream->endpoint());
  ASSERT_NE(proxy, nullptr);
  proxy->AddRule(Fault("GET", "/big", FaultAction::kCloseMidBody));
  HttpClient client;
  auto cut = Send(client, "GET", proxy->endpoint() + "/big");
  ASSERT_FALSE(cut.ok()) << "a short body was accepted: " << cut->body.size() << " bytes";
  EXPECT_EQ(cut.status().code(), Code::kTransient) << cut.status().ToString();
  auto whole = Send(client, "GET", proxy->endpoint() + "/big");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->body.size(), size_t{1} << 20);
}

TEST(FaultServerTest, CorruptBodyFlipsTheMiddleByteOnce) {
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  const std::string body = Pattern(1 << 20);
  upstream->AddRule(Answer("GET", "/obj", 200, body, -1));
  auto proxy = StartServer(upstream->endpoint());
  ASSERT_NE(proxy, nullptr);
  proxy->AddRule(Fault("GET", "/obj", FaultAction::kCorruptBody));
  HttpClient client;
  auto bad = Send(client, "GET", proxy->endpoint() + "/obj");
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  ASSERT_EQ(bad->body.size(), body.size());
  EXPECT_NE(bad->body, body);
  size_t diff = 0;
  for (size_t i = 0; i < body.size(); ++i) diff += bad->body[i] != body[i];
  EXPECT_EQ(diff, 1u);
  EXPECT_NE(bad->body[body.size() / 2], body[body.size() / 2]);
  auto good = Send(client, "GET", proxy->endpoint() + "/obj");  // the rule was used up
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->body, body);
}

TEST(FaultServerTest, CloseMidBodyOfChunkedUpstreamIsTransient) {
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  FaultRule chunked = Answer("GET", "/c", 200, "a\r\n0123456789\r\n0\r\n\r\n", -1);
  chunked.action.headers = {{"Transfer-Encoding", "chunked"}};
  upstream->AddRule(chunked);
  auto proxy = StartServer(upstream->endpoint());
  ASSERT_NE(proxy, nullptr);
  proxy->AddRule(Fault("GET", "/c", FaultAction::kCloseMidBody));
  HttpClient client;
  auto cut = Send(client, "GET", proxy->endpoint() + "/c");
  ASSERT_FALSE(cut.ok()) << "a short body was accepted: " << cut->body;
  EXPECT_EQ(cut.status().code(), Code::kTransient) << cut.status().ToString();
}

TEST(FaultServerTest, CloseMidBodyWithoutUpstreamFailsIntoASinkToo) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  FaultRule rule = Fault("GET", "/obj", FaultAction::kCloseMidBody, 2);
  rule.action.body = Pattern(100000);
  server->AddRule(rule);
  HttpClient client;
  auto cut = Send(client, "GET", server->endpoint() + "/obj");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), Code::kTransient) << cut.status().ToString();

  StringSink sink;
  HttpRequest request;
  request.url = server->endpoint() + "/obj";
  request.sink = &sink;
  auto into_sink = client.Send(request);
  ASSERT_FALSE(into_sink.ok());
  EXPECT_EQ(into_sink.status().code(), Code::kTransient);
  EXPECT_EQ(sink.str().size(), 50000u);  // the caller must discard what the sink got
}

TEST(FaultServerTest, DelayHoldsTheAnswer) {
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  upstream->AddRule(Answer("GET", "/slow", 200, "late", -1));
  auto proxy = StartServer(upstream->endpoint());
  ASSERT_NE(proxy, nullptr);
  FaultRule rule = Fault("GET", "/slow", FaultAction::kDelay);
  rule.action.delay = milliseconds(300);
  proxy->AddRule(rule);
  HttpClient client;
  auto start = steady_clock::now();
  auto r = Send(client, "GET", proxy->endpoint() + "/slow");
  auto took = steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "late");
  EXPECT_GE(took, milliseconds(300));
  EXPECT_EQ(upstream->CountRequests("GET", "/slow"), 1);
}

TEST(FaultServerTest, ChunkedRequestBodyIsDecodedAndForwarded) {
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  auto proxy = StartServer(upstream->endpoint());
  ASSERT_NE(proxy, nullptr);
  std::string reply = RawExchange(proxy->port(),
                                  "POST /u?x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n"
                                  "4\r\nWiki\r\n6;ext=1\r\npedia \r\n0\r\nX-Trailer: t\r\n\r\n"
                                  "GET /next HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  auto seen = upstream->requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, "Wikipedia ");
  EXPECT_EQ(seen[1].target, "/next");
  ASSERT_EQ(proxy->requests().size(), 2u);
  EXPECT_EQ(proxy->requests()[0].body, "Wikipedia ");
}

TEST(FaultServerTest, MalformedRequestGets400) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::string reply =
      RawExchange(server->port(), "GET /x HTTP/1.1\r\nContent-Length: nope\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400 ", 0), 0u) << reply;
}

TEST(FaultServerTest, UpstreamDownGives502) {
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  std::string dead = upstream->endpoint();
  upstream.reset();
  auto proxy = StartServer(dead);
  ASSERT_NE(proxy, nullptr);
  HttpClient client;
  auto r = Send(client, "GET", proxy->endpoint() + "/x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 502);
  EXPECT_FALSE(FaultServer::Start("https://127.0.0.1:1").ok());
}

TEST(FaultServerTest, KeepAliveThroughProxyReusesConnections) {
  auto upstream = StartServer();
  ASSERT_NE(upstream, nullptr);
  upstream->AddRule(Answer("GET", "", 200, "ok", -1));
  auto proxy = StartServer(upstream->endpoint());
  ASSERT_NE(proxy, nullptr);
  HttpClient client;
  for (int i = 0; i < 50; ++i) {
    auto r = Send(client, "GET", proxy->endpoint() + "/k" + std::to_string(i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->body, "ok");
  }
  EXPECT_EQ(upstream->CountRequests("GET", "/k"), 50);
  EXPECT_LE(proxy->connections_accepted(), 2);
  EXPECT_LE(upstream->connections_accepted(), 2);
}

TEST(FaultServerTest, HttpClientHonoursKeepAlive) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpClient client;
  for (int i = 0; i < 20; ++i) {
    StringViewSource body("x");
    auto r = Send(client, i % 2 == 0 ? "GET" : "PUT", server->endpoint() + "/k", &body);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  EXPECT_EQ(server->CountRequests("", "/k"), 20);
  EXPECT_LE(server->connections_accepted(), 2);
}

TEST(FaultServerTest, ConcurrentClients) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  FaultRule slow = Fault("GET", "", FaultAction::kDelay, -1);
  slow.action.delay = milliseconds(20);
  server->AddRule(slow);
  HttpClient client;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = Send(client, "GET", server->endpoint() + "/c");
        if (r.ok() && r->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(server->CountRequests("GET", "/c"), 80);
  EXPECT_GE(server->connections_accepted(), 2);
  EXPECT_LE(server->connections_accepted(), 16);
}

TEST(FaultServerTest, StopsPromptlyWithClientsConnected) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  FaultRule stuck = Answer("GET", "/stuck", 200);
  stuck.action.delay = milliseconds(20000);
  server->AddRule(stuck);
  // One idle connection mid-head, one request waiting on a long delay.
  int idle = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(idle, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::send(idle, "GET / HT", 8, MSG_NOSIGNAL), 8);
  HttpClient client;
  Status in_flight;
  std::thread waiter([&] {
    auto r = Send(client, "GET", server->endpoint() + "/stuck");
    in_flight = r.ok() ? Status::Ok() : r.status();
  });
  for (int i = 0; i < 200 && server->CountRequests("GET", "/stuck") == 0; ++i)
    std::this_thread::sleep_for(milliseconds(10));
  auto start = steady_clock::now();
  server.reset();
  EXPECT_LT(steady_clock::now() - start, milliseconds(2000));
  waiter.join();
  EXPECT_EQ(in_flight.code(), Code::kTransient) << in_flight.ToString();
  ::close(idle);
}

}  // namespace
}  // namespace dth::testing
