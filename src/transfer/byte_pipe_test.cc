#include "transfer/byte_pipe.h"

#include <gtest/gtest.h>

#include <thread>

namespace dth {
namespace {

TEST(BytePipeTest, StreamsEverythingInOrderThroughASmallBuffer) {
  BytePipe pipe(1000);
  std::string data(100000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  std::thread writer([&] {
    PipeSink sink(pipe);
    for (size_t i = 0; i < data.size(); i += 333) {
      ASSERT_TRUE(sink.Write(std::string_view(data).substr(i, 333)).ok());
    }
    pipe.CloseWrite(Status::Ok());
  });
  PipeSource source(pipe, data.size());
  auto got = ReadAll(source);
  writer.join();
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
}

TEST(BytePipeTest, WriterErrorReachesTheReader) {
  BytePipe pipe(10);
  std::thread writer([&] {
    ASSERT_TRUE(pipe.Write("abc").ok());
    pipe.CloseWrite(Status(Code::kServerError, "download failed"));
  });
  PipeSource source(pipe, 100);
  char buf[64];
  size_t total = 0;
  Status error;
  for (;;) {
    auto got = source.Read(buf, sizeof buf);
    if (!got.ok()) {
      error = got.status();
      break;
    }
    total += *got;
  }
  writer.join();
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(error.code(), Code::kServerError);
}

TEST(BytePipeTest, ShortStreamIsAnErrorNotASilentlyShortObject) {
  BytePipe pipe(10);
  ASSERT_TRUE(pipe.Write("abc").ok());
  pipe.CloseWrite(Status::Ok());
  PipeSource source(pipe, 5);
  char buf[8];
  ASSERT_EQ(*source.Read(buf, sizeof buf), 3u);
  auto end = source.Read(buf, sizeof buf);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.status().code(), Code::kCorruption);
  EXPECT_FALSE(source.Rewind().ok());
}

TEST(BytePipeTest, ReaderGivingUpUnblocksTheWriter) {
  BytePipe pipe(4);
  std::thread writer([&] {
    Status st = pipe.Write("0123456789");  // blocks once 4 bytes wait
    EXPECT_EQ(st.code(), Code::kCancelled);
  });
  char buf[2];
  ASSERT_TRUE(pipe.Read(buf, 2).ok());
  pipe.CloseRead();
  writer.join();
}

TEST(BytePipeTest, TheLastBytesWaitForTheWritersEndAndCarryItsError) {
  // A download that delivered every byte but then failed (a local file that changed
  // while it was read): the reader must not get the last byte, or an upload would
  // complete with it.
  BytePipe pipe(1 << 20);
  std::thread writer([&] {
    ASSERT_TRUE(pipe.Write(std::string(1000, 'x')).ok());
    pipe.CloseWrite(Status(Code::kIo, "file changed while it was read"));
  });
  PipeSource source(pipe, 1000);
  char buf[4096];
  auto got = source.Read(buf, sizeof buf);
  writer.join();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kIo);
}

TEST(BytePipeTest, MoreBytesThanPromisedFailTheLastRead) {
  BytePipe pipe(1 << 20);
  std::thread writer([&] {
    (void)pipe.Write(std::string(2000, 'x'));
    pipe.CloseWrite(Status::Ok());
  });
  PipeSource source(pipe, 1000);
  char buf[4096];
  auto got = source.Read(buf, sizeof buf);
  pipe.CloseRead();
  writer.join();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace dth
