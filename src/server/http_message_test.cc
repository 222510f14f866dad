#include "server/http_message.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/event_sink.h"
#include "server/exchange.h"
#include "server/http_server.h"

namespace dth::server {
namespace {

TEST(HttpMessageTest, PercentDecode) {
  EXPECT_EQ(*PercentDecode("a%20b%2Fc%41", false), "a b/cA");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("a+b%2B", true), "a b+");
  EXPECT_EQ(*PercentDecode("%e4%b8%ad", false), "\xe4\xb8\xad");
  for (const char* bad : {"%", "%4", "%zz", "a%g1", "%%"}) {
    auto r = PercentDecode(bad, false);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    }
  }
}

TEST(HttpMessageTest, ParseTargetSplitsAndDecodesEachSegment) {
  auto t = ParseTarget("/api/v1/tasks/a%20b%2Fc?x=1&y=%26&z=a+b&&flag&x=2");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->path, "/api/v1/tasks/a b/c");
  EXPECT_EQ(t->segments, (std::vector<std::string>{"api", "v1", "tasks", "a b/c"}));
  EXPECT_EQ(t->query, (Params{{"x", "1"}, {"y", "&"}, {"z", "a b"}, {"flag", ""}, {"x", "2"}}));

  EXPECT_TRUE(ParseTarget("/")->segments.empty());
  EXPECT_EQ(ParseTarget("/a/")->segments, (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(ParseTarget("/a?")->query.size(), 0u);
}

TEST(HttpMessageTest, ParseTargetRefusesWhatNoRouteShouldSee) {
  for (const char* bad : {"", "*", "http://host/a", "a/b", "/a/../b", "/a/%2e%2E/b", "/./a",
                          "/a%00b", "/a%zz", "/a?x=%"}) {
    EXPECT_FALSE(ParseTarget(bad).ok()) << bad;
  }
  EXPECT_TRUE(ParseTarget("/a/..b/.c").ok());
}

TEST(HttpMessageTest, RequestLookups) {
  Request r;
  r.headers = {{"X-Thing", "1"}, {"last-event-id", "42"}};
  r.query = {{"a", "1"}, {"a", "2"}};
  r.path_params = {{"id", "t-1"}};
  EXPECT_EQ(*r.Header("x-thing"), "1");
  EXPECT_EQ(r.Header("nope"), nullptr);
  EXPECT_EQ(r.LastEventId(), "42");
  EXPECT_EQ(*r.Query("a"), "1");
  EXPECT_EQ(r.Query("b"), nullptr);
  EXPECT_EQ(r.PathParam("id"), "t-1");
  EXPECT_EQ(r.PathParam("other"), "");
}

TEST(HttpMessageTest, ProblemDetails) {
  Response r = Response::Problem(422, "invalid_field", "Invalid field", "must be positive", "limit");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(*r.Header("content-type"), "application/problem+json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["type"], "urn:dth:problem:invalid_field");
  EXPECT_EQ(j["title"], "Invalid field");
  EXPECT_EQ(j["status"], 422);
  EXPECT_EQ(j["detail"], "must be positive");
  EXPECT_EQ(j["code"], "invalid_field");
  EXPECT_EQ(j["field"], "limit");
  EXPECT_FALSE(nlohmann::json::parse(Response::Problem(404, "not_found", "Not Found", "x").body)
                   .contains("field"));
}

TEST(HttpMessageTest, FromStatusMapsCodesAndHidesInternalMessages) {
  EXPECT_EQ(Response::FromStatus(NotFound("task t-1")).status, 404);
  EXPECT_EQ(Response::FromStatus(InvalidArgument("x")).status, 400);
  EXPECT_EQ(Response::FromStatus(PermissionDenied("x")).status, 403);
  EXPECT_EQ(Response::FromStatus(Status(Code::kPreconditionFailed, "x")).status, 409);
  Response internal = Response::FromStatus(Status(Code::kInternal, "secret path /var/x"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("secret"), std::string::npos);
  EXPECT_NE(Response::FromStatus(NotFound("task t-1")).body.find("task t-1"), std::string::npos);
}

TEST(HttpMessageTest, JsonTextAndHeaders) {
  Response j = Response::Json(201, nlohmann::json{{"id", "t-1"}});
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.body, R"({"id":"t-1"})");
  EXPECT_EQ(*j.Header("Content-Type"), "application/json");
  Response t = Response::Text(200, "hi");
  EXPECT_EQ(*t.Header("content-type"), "text/plain; charset=utf-8");
  t.WithHeader("content-type", "text/html").WithHeader("X-A", "1");
  EXPECT_EQ(t.headers.size(), 2u);
  EXPECT_EQ(*t.Header("Content-Type"), "text/html");
  EXPECT_TRUE(Response::EventStream([](std::shared_ptr<EventSink>) {}).is_stream());
}

TEST(HttpMessageTest, SerializeResponse) {
  Response r = Response::Text(200, "hello");
  r.WithHeader("Content-Length", "999");  // the server's own
  std::string wire = SerializeResponse(r, {});
  EXPECT_EQ(wire.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << wire;
  EXPECT_NE(wire.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(wire.find("999"), std::string::npos);
  EXPECT_NE(wire.find("Date: "), std::string::npos);
  EXPECT_EQ(wire.find("Connection:"), std::string::npos);
  EXPECT_EQ(wire.substr(wire.size() - 9), "\r\n\r\nhello");

  std::string head = SerializeResponse(r, {true, false, false});
  EXPECT_NE(head.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");

  EXPECT_NE(SerializeResponse(r, {false, true, true}).find("Connection: keep-alive"), std::string::npos);
  Response none;
  none.status = 204;
  none.body = "dropped";
  std::string nc = SerializeResponse(none, {});
  EXPECT_EQ(nc.find("Content-Length"), std::string::npos);
  EXPECT_EQ(nc.find("dropped"), std::string::npos);

  Response bad = Response::Text(200, "x");
  bad.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x");
  EXPECT_EQ(SerializeResponse(bad, {}).rfind("HTTP/1.1 500", 0), 0u);

  Response stream = Response::EventStream([](std::shared_ptr<EventSink>) {});
  std::string sh = SerializeResponse(stream, {false, false, false});
  EXPECT_NE(sh.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(sh.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_EQ(sh.find("Content-Length"), std::string::npos);
  EXPECT_EQ(SerializeResponse(stream, {false, false, true}).find("chunked"), std::string::npos);
}

TEST(HttpMessageTest, FormatEvent) {
  EXPECT_EQ(FormatEvent("", "x", ""), "data: x\n\n");
  EXPECT_EQ(FormatEvent("progress", "{\"a\":1}", "7"), "event: progress\nid: 7\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(FormatEvent("", "a\nb\r\nc\rd", ""), "data: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(FormatEvent("", "a\n", ""), "data: a\ndata: \n\n");
  EXPECT_EQ(FormatEvent("", "", ""), "data: \n\n");
  EXPECT_EQ(FormatEvent("e\nvil", "x", "1\r\n2"), "event: evil\nid: 12\ndata: x\n\n");
  EXPECT_EQ(Chunk("hello"), "5\r\nhello\r\n");
  EXPECT_EQ(Chunk(std::string(300, 'a')).substr(0, 5), "12c\r\n");
  EXPECT_EQ(Chunk(""), "");
}

TEST(HttpMessageTest, ParseListenAddress) {
  auto a = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(ParseListenAddress("0.0.0.0:80")->port, 80);
  EXPECT_EQ(ParseListenAddress("[::1]:8080")->host, "::1");
  EXPECT_EQ(ParseListenAddress("[::]:0")->port, 0);
  EXPECT_EQ(ParseListenAddress("localhost:1")->host, "127.0.0.1");
  for (const char* bad : {"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                          "::1:8080", "[::1]8080", "[nope]:1", "example.com:80", "1.2.3:80", ":80"}) {
    auto r = ParseListenAddress(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("listen address"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace dth::server
