#include "transfer/buffer_pool.h"

#include <gtest/gtest.h>

namespace dth {
namespace {

TEST(BufferPoolTest, ReusesAGivenBufferAndKeepsWithinItsLimit) {
  BufferPool pool(3u << 20);
  std::string a = pool.Take(1u << 20);
  EXPECT_GE(a.capacity(), 1u << 20);
  a.assign(1000, 'x');
  const char* data = a.data();
  pool.Give(std::move(a));
  EXPECT_GE(pool.idle_bytes(), 1u << 20);
  std::string b = pool.Take(512u << 10);
  EXPECT_EQ(b.data(), data) << "the idle buffer should be reused";
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(pool.idle_bytes(), 0u);
  std::string big1 = pool.Take(2u << 20), big2 = pool.Take(2u << 20);
  pool.Give(std::move(big1));
  pool.Give(std::move(big2));  // over the limit: freed
  EXPECT_LE(pool.idle_bytes(), 3u << 20);
}

TEST(BufferPoolTest, PooledSinkReturnsItsBuffer) {
  BufferPool pool(8u << 20);
  {
    PooledSink sink(pool, 1u << 20);
    ASSERT_TRUE(sink.Write("hello").ok());
    EXPECT_EQ(sink.str(), "hello");
  }
  EXPECT_GE(pool.idle_bytes(), 1u << 20);
}

}  // namespace
}  // namespace dth
