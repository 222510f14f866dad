#include "core/hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "core/bytes.h"

namespace dth {
namespace {

TEST(HashTest, KnownDigests) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Base64Encode(Md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST(HashTest, IncrementalEqualsOneShot) {
  Hasher h(Hasher::Algorithm::kMd5);
  h.Update("hello ");
  h.Update("world");
  EXPECT_EQ(h.Final(), Md5("hello world"));
}

TEST(HashTest, Base64RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\x00\x01"}) {
    std::string back;
    ASSERT_TRUE(Base64Decode(Base64Encode(s), &back));
    EXPECT_EQ(back, s);
  }
  std::string out;
  EXPECT_FALSE(Base64Decode("abc", &out));
}

TEST(HashTest, HexDecodeRejectsJunk) {
  std::string out;
  EXPECT_TRUE(HexDecode("00ff", &out));
  EXPECT_EQ(out, std::string("\x00\xff", 2));
  EXPECT_FALSE(HexDecode("0g", &out));
  EXPECT_FALSE(HexDecode("abc", &out));
}

}  // namespace
}  // namespace dth

namespace dth {
namespace {

// A source that only streams (not in memory), in small reads.
class TrickleSource : public ByteSource {
 public:
  explicit TrickleSource(std::string data) : data_(std::move(data)) {}
  uint64_t size() const override { return data_.size(); }
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min({n, size_t{7}, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  Status Rewind() override {
    pos_ = 0;
    return Status::Ok();
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

TEST(DigestSourceTest, InMemoryAndStreamedSourcesHashAlikeAndAreRewound) {
  std::string data(3 << 20, 'x');
  for (size_t i = 0; i < data.size(); i += 4093) data[i] = static_cast<char>(i);
  StringViewSource in_memory(data);
  TrickleSource streamed(data.substr(0, 100000));
  auto a = DigestSource(in_memory, Hasher::Algorithm::kSha256);
  auto b = DigestSource(streamed, Hasher::Algorithm::kMd5);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, Sha256(data));
  EXPECT_EQ(*b, Md5(data.substr(0, 100000)));
  char c = 0;
  ASSERT_EQ(*streamed.Read(&c, 1), 1u);  // rewound: reads from the start
  EXPECT_EQ(c, data[0]);
}

}  // namespace
}  // namespace dth
