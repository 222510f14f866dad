#include "core/hash.h"

#include <gtest/gtest.h>

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
