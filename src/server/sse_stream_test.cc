#include "server/sse_stream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace dth::server {
namespace {

TEST(SseStreamTest, QueuesFramedEventsBehindTheHead) {
  SseStream s(1024, true);
  int wakes = 0;
  s.SetWake([&] { ++wakes; });
  EXPECT_TRUE(s.Send("e", "x", "1"));
  EXPECT_EQ(wakes, 1);
  EXPECT_TRUE(s.Send("", "y", ""));
  EXPECT_EQ(wakes, 1);  // one wake until the connection drains
  s.QueueHead("HEAD\r\n\r\n");
  std::string out;
  ASSERT_EQ(s.Drain(&out), SseStream::Next::kWrite);
  EXPECT_EQ(out, "HEAD\r\n\r\n18\r\nevent: e\nid: 1\ndata: x\n\n\r\n9\r\ndata: y\n\n\r\n");
  EXPECT_EQ(s.Drain(&out), SseStream::Next::kIdle);
  EXPECT_TRUE(s.Send("", "z", ""));
  EXPECT_EQ(wakes, 2);
}

TEST(SseStreamTest, OverflowDropsTheClientWithoutBlocking) {
  SseStream s(100, false);
  std::atomic<int> wakes{0};
  s.SetWake([&] { ++wakes; });
  std::string out;
  ASSERT_TRUE(s.Send("", std::string(45, 'a'), ""));
  ASSERT_EQ(s.Drain(&out), SseStream::Next::kWrite);  // a write is now in flight
  EXPECT_TRUE(s.Send("", std::string(45, 'b'), ""));
  EXPECT_FALSE(s.Send("", std::string(45, 'c'), ""));  // 2 x 53 bytes > 100
  EXPECT_TRUE(s.closed());
  EXPECT_TRUE(s.overflowed());
  EXPECT_EQ(wakes, 2);  // the overflow wakes the connection even mid-write
  EXPECT_FALSE(s.Send("", "d", ""));
  EXPECT_EQ(s.Drain(&out), SseStream::Next::kAbort);
  int closed = 0;
  s.OnClose([&] { ++closed; });
  EXPECT_TRUE(s.End());
  EXPECT_FALSE(s.End());
  EXPECT_EQ(closed, 1);
}

TEST(SseStreamTest, CloseFinishesAfterTheQueue) {
  SseStream s(1024, false);
  s.SetWake([] {});
  int closed = 0;
  s.OnClose([&] { ++closed; });
  EXPECT_TRUE(s.Send("", "last", ""));
  s.Close();
  EXPECT_TRUE(s.closed());
  EXPECT_FALSE(s.Send("", "late", ""));
  std::string out;
  ASSERT_EQ(s.Drain(&out), SseStream::Next::kWrite);
  EXPECT_EQ(out, "data: last\n\n");
  EXPECT_EQ(s.Drain(&out), SseStream::Next::kFinish);
  EXPECT_EQ(closed, 0);
  EXPECT_FALSE(s.End());
  EXPECT_EQ(closed, 1);
  s.OnClose([&] { closed += 10; });  // already ended: runs at once
  EXPECT_EQ(closed, 11);
}

TEST(SseStreamTest, KeepAliveOnlyWhenQuiet) {
  SseStream s(1024, false);
  std::string out;
  s.KeepAlive();
  ASSERT_EQ(s.Drain(&out), SseStream::Next::kWrite);
  EXPECT_EQ(out, ": keep-alive\n\n");
  s.Send("", "x", "");
  s.KeepAlive();  // something was sent since the last tick
  ASSERT_EQ(s.Drain(&out), SseStream::Next::kWrite);
  EXPECT_EQ(out, "data: x\n\n");
  s.KeepAlive();
  ASSERT_EQ(s.Drain(&out), SseStream::Next::kWrite);
  EXPECT_EQ(out, ": keep-alive\n\n");
}

TEST(SseStreamTest, ManyThreadsSendWhileTheStreamEnds) {
  auto s = std::make_shared<SseStream>(1 << 20, true);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) accepted += s->Send("e", "data", std::to_string(i)) ? 1 : 0;
    });
  }
  std::string out;
  for (int i = 0; i < 100 || (accepted == 0 && i < 1000000); ++i) s->Drain(&out);
  s->End();
  for (auto& t : threads) t.join();
  EXPECT_TRUE(s->closed());
  EXPECT_FALSE(s->Send("e", "after", ""));
  EXPECT_GT(accepted.load(), 0);
}

}  // namespace
}  // namespace dth::server
