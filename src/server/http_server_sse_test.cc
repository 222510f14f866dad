// Server-sent events through a real server on 127.0.0.1, read with raw sockets.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/event_sink.h"
#include "server/http_server.h"
#include "server/server_test_util.h"

namespace dth::server {
namespace {

using server::testing::RawClient;
using server::testing::StartServer;
using server::testing::TestOptions;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr char kGetQuiet[] = "GET /events/quiet HTTP/1.1\r\nHost: x\r\n\r\n";

// The streams the handlers opened, and how many have closed.
struct Streams {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::shared_ptr<EventSink>> sinks;
  int closed = 0;
  std::atomic<int> started{0};

  void Keep(const std::shared_ptr<EventSink>& sink) {
    sink->OnClose([this] {
      std::lock_guard lock(mu);
      ++closed;
      cv.notify_all();
    });
    std::lock_guard lock(mu);
    sinks.push_back(sink);
    cv.notify_all();
  }
  std::shared_ptr<EventSink> WaitFor(size_t n) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(5), [&] { return sinks.size() >= n; });
    return sinks.size() >= n ? sinks[n - 1] : nullptr;
  }
  bool WaitClosed(int n, milliseconds timeout = milliseconds(5000)) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return closed >= n; });
  }
};

class HttpServerSseTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = TestOptions()) {
    Router r;
    r.Add("GET", "/events", [this](const Request& req) {
      std::string resume = req.LastEventId();
      return Response::EventStream([this, resume](std::shared_ptr<EventSink> sink) {
        ++streams_.started;
        sink->Send("resume", resume.empty() ? "none" : resume);
        for (int i = 1; i <= 100; ++i) sink->Send("n", std::to_string(i), std::to_string(i));
        streams_.Keep(sink);
      });
    });
    r.Add("GET", "/events/quiet", [this](const Request&) {
      return Response::EventStream([this](std::shared_ptr<EventSink> sink) {
        ++streams_.started;
        streams_.Keep(sink);
      });
    });
    r.Add("GET", "/hello", [](const Request&) { return Response::Text(200, "hello"); });
    server_ = StartServer(std::move(r), std::move(options));
    ASSERT_NE(server_, nullptr);
  }
  int port() const { return server_->port(); }

  Streams streams_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerSseTest, EventsArriveInOrder) {
  Start();
  RawClient c(port());
  c.Send("GET /events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 41\r\n\r\n");
  ASSERT_TRUE(c.ReadUntil("data: 100\n\n")) << c.received();
  const std::string& got = c.received();
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(got.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(got.find("Cache-Control: no-cache\r\n"), std::string::npos);
  EXPECT_NE(got.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(got.find("Content-Length"), std::string::npos);
  size_t at = got.find("event: resume\ndata: 41\n\n");
  ASSERT_NE(at, std::string::npos) << got;
  for (int i = 1; i <= 100; ++i) {
    std::string event = "event: n\nid: " + std::to_string(i) + "\ndata: " + std::to_string(i) + "\n\n";
    size_t next = got.find(event, at);
    ASSERT_NE(next, std::string::npos) << "event " << i << " missing or out of order";
    at = next;
  }
  // Later events, sent from another thread, follow.
  auto sink = streams_.WaitFor(1);
  ASSERT_NE(sink, nullptr);
  std::thread([sink] {
    for (int i = 101; i <= 110; ++i) sink->Send("n", std::to_string(i), std::to_string(i));
  }).join();
  EXPECT_TRUE(c.ReadUntil("data: 110\n\n"));
  EXPECT_FALSE(sink->closed());
  // The server may end a stream: the client sees the last chunk and the close.
  sink->Close();
  EXPECT_TRUE(c.ReadUntilClose());
  EXPECT_EQ(c.received().substr(c.received().size() - 5), "0\r\n\r\n");
  EXPECT_TRUE(streams_.WaitClosed(1));
}

TEST_F(HttpServerSseTest, KeepAliveCommentsWhenQuiet) {
  auto o = TestOptions();
  o.sse_keepalive = milliseconds(100);
  Start(o);
  RawClient c(port());
  c.Send(kGetQuiet);
  ASSERT_TRUE(c.ReadUntilCount("e\r\n: keep-alive\n\n\r\n", 3, milliseconds(3000))) << c.received();
}

TEST_F(HttpServerSseTest, ClientDisconnectIsDetected) {
  auto o = TestOptions();
  o.sse_keepalive = milliseconds(60000);  // seen without writing to the dead connection
  Start(o);
  RawClient c(port());
  c.Send(kGetQuiet);
  ASSERT_TRUE(c.ReadUntil("text/event-stream"));
  auto sink = streams_.WaitFor(1);
  ASSERT_NE(sink, nullptr);
  EXPECT_FALSE(sink->closed());
  EXPECT_EQ(server_->stats().streams_open, 1u);
  c.Close();
  ASSERT_TRUE(streams_.WaitClosed(1, milliseconds(2000))) << "on-close did not run after the client went away";
  EXPECT_TRUE(sink->closed());
  EXPECT_FALSE(sink->Send("n", "after"));
  EXPECT_EQ(server_->stats().streams_open, 0u);
  int ran = 0;
  sink->OnClose([&] { ++ran; });  // already closed: runs at once
  EXPECT_EQ(ran, 1);
}

TEST_F(HttpServerSseTest, SlowReaderIsDroppedWithoutBlockingTheSender) {
  auto o = TestOptions();
  o.sse_queue_bytes = 64 * 1024;
  o.write_timeout = milliseconds(30000);  // the queue, not the write timeout, must act
  Start(o);
  RawClient slow(port(), 4096);
  slow.Send(kGetQuiet);
  ASSERT_TRUE(slow.ReadUntil("text/event-stream"));
  auto sink = streams_.WaitFor(1);
  ASSERT_NE(sink, nullptr);
  std::string payload(16 * 1024, 'p');
  int sent = 0;
  auto t0 = Clock::now();
  auto slowest = Clock::duration::zero();
  // 16 MB/s: the server keeps up until the socket buffers are full and its write is
  // stuck; then the queue fills while the write waits, and must drop the client at once.
  while (sent < 5000) {
    auto s0 = Clock::now();
    bool ok = sink->Send("big", payload);
    slowest = std::max(slowest, Clock::now() - s0);
    if (!ok) break;
    ++sent;
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_LT(sent, 5000) << "the queue never overflowed";
  EXPECT_LT(Clock::now() - t0, milliseconds(10000));
  EXPECT_LT(slowest, milliseconds(500)) << "Send() blocked";
  EXPECT_TRUE(sink->closed());
  ASSERT_TRUE(streams_.WaitClosed(1, milliseconds(2000))) << "the stuck client was not dropped";
  EXPECT_EQ(server_->stats().streams_dropped, 1u);
  EXPECT_TRUE(slow.ReadUntilClose(milliseconds(10000)));  // the client sees the connection end
  // Everyone else is still served.
  RawClient other(port());
  other.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(other.ReadUntil("hello"));
}

TEST_F(HttpServerSseTest, HeadOfAStreamRouteStartsNoStream) {
  Start();
  RawClient c(port());
  c.Send("HEAD /events/quiet HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.ReadUntil("\r\n\r\n"));
  EXPECT_NE(c.received().find("text/event-stream"), std::string::npos);
  c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");  // the connection stays usable
  EXPECT_TRUE(c.ReadUntil("hello"));
  EXPECT_EQ(streams_.started.load(), 0);
}

TEST_F(HttpServerSseTest, Http10StreamIsDelimitedByTheClose) {
  Start();
  RawClient c(port());
  c.Send("GET /events HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(c.ReadUntil("data: 100\n\n"));
  EXPECT_EQ(c.received().find("chunked"), std::string::npos);
  EXPECT_NE(c.received().find("\r\n\r\nevent: resume\ndata: none\n\n"), std::string::npos);
  streams_.WaitFor(1)->Close();
  EXPECT_TRUE(c.ReadUntilClose());
}

TEST_F(HttpServerSseTest, StopWithOpenStreamsReturnsWithinTheDeadline) {
  auto o = TestOptions();
  o.sse_queue_bytes = 16 << 20;
  o.write_timeout = milliseconds(30000);
  Start(o);
  std::vector<std::unique_ptr<RawClient>> readers;
  for (int i = 0; i < 3; ++i) {
    readers.push_back(std::make_unique<RawClient>(port()));
    readers.back()->Send(kGetQuiet);
    ASSERT_TRUE(readers.back()->ReadUntil("text/event-stream"));
  }
  // A fourth client never reads: its stream is stuck behind full socket buffers.
  RawClient stuck(port(), 4096);
  stuck.Send(kGetQuiet);
  ASSERT_TRUE(stuck.ReadUntil("text/event-stream"));
  auto stuck_sink = streams_.WaitFor(4);
  ASSERT_NE(stuck_sink, nullptr);
  std::string payload(64 * 1024, 's');
  for (int i = 0; i < 160; ++i) ASSERT_TRUE(stuck_sink->Send("fill", payload));  // 10 MiB

  auto t0 = Clock::now();
  server_->Stop(milliseconds(500));
  auto took = Clock::now() - t0;
  EXPECT_LT(took, milliseconds(1500));
  EXPECT_GE(took, milliseconds(400)) << "the stuck stream should have held Stop to its deadline";
  EXPECT_TRUE(streams_.WaitClosed(4, milliseconds(100)));
  for (auto& r : readers) {
    EXPECT_TRUE(r->ReadUntilClose());
    EXPECT_EQ(r->received().substr(r->received().size() - 5), "0\r\n\r\n") << "a clean end of stream";
  }
  for (auto& sink : streams_.sinks) {
    EXPECT_TRUE(sink->closed());
    EXPECT_FALSE(sink->Send("n", "after stop"));
  }
  server_.reset();
  EXPECT_FALSE(stuck_sink->Send("n", "after the server is gone"));
}

}  // namespace
}  // namespace dth::server
