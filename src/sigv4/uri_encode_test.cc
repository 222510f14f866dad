#include "sigv4/uri_encode.h"

#include <gtest/gtest.h>

namespace dth {
namespace {

TEST(SigV4UriEncodeTest, KeepsUnreservedOnly) {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  EXPECT_EQ(UriEncode(unreserved, true), unreserved);
  EXPECT_EQ(UriEncode(" ", true), "%20");
  EXPECT_EQ(UriEncode("+", true), "%2B");
  EXPECT_EQ(UriEncode("*", true), "%2A");
  EXPECT_EQ(UriEncode("%", true), "%25");
  EXPECT_EQ(UriEncode("=&?#!'()$,;:@[]", true), "%3D%26%3F%23%21%27%28%29%24%2C%3B%3A%40%5B%5D");
  EXPECT_EQ(UriEncode(std::string("\0\x7f", 2), true), "%00%7F");
}

TEST(SigV4UriEncodeTest, SlashOnlyWhenAsked) {
  EXPECT_EQ(UriEncode("a/b c", true), "a%2Fb%20c");
  EXPECT_EQ(UriEncode("a/b c", false), "a/b%20c");
  EXPECT_EQ(UriEncode("//", false), "//");
}

TEST(SigV4UriEncodeTest, EncodesEachUtf8ByteUpperCase) {
  EXPECT_EQ(UriEncode("\xe1\x88\xb4", true), "%E1%88%B4");  // U+1234
  EXPECT_EQ(UriEncode("caf\xc3\xa9", false), "caf%C3%A9");
  EXPECT_EQ(UriEncode("\xf0\x9f\x98\x80", false), "%F0%9F%98%80");  // emoji
}

TEST(SigV4UriEncodeTest, DecodeRoundTripsAndRejectsMalformed) {
  std::string out;
  ASSERT_TRUE(UriDecode("a%20b%2Fc%e1%88%B4+", &out));
  EXPECT_EQ(out, "a b/c\xe1\x88\xb4+");  // '+' stays '+'
  for (std::string s : {"", "plain", "a b+c/d%e", "\xff\x01"}) {
    ASSERT_TRUE(UriDecode(UriEncode(s, true), &out)) << s;
    EXPECT_EQ(out, s);
  }
  EXPECT_FALSE(UriDecode("%", &out));
  EXPECT_FALSE(UriDecode("abc%2", &out));
  EXPECT_FALSE(UriDecode("%G0", &out));
  EXPECT_FALSE(UriDecode("%0G", &out));
}

TEST(SigV4UriEncodeTest, CanonicalQuerySortsByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQueryString({}), "");
  EXPECT_EQ(CanonicalQueryString({{"prefix", "J"}, {"max-keys", "2"}}), "max-keys=2&prefix=J");
  EXPECT_EQ(CanonicalQueryString({{"lifecycle", ""}}), "lifecycle=");
  // Upper case sorts before lower case (byte order of the encoded form).
  EXPECT_EQ(CanonicalQueryString({{"b", "1"}, {"B", "2"}, {"a", "3"}}), "B=2&a=3&b=1");
  // Same name: sorted by value.
  EXPECT_EQ(CanonicalQueryString({{"k", "z"}, {"k", "a"}, {"k", ""}}), "k=&k=a&k=z");
  // Sorting uses the encoded names: "%E1..." < "Param" < "Param-3".
  EXPECT_EQ(CanonicalQueryString(
                {{"Param-3", "Value3"}, {"Param", "Value2"}, {"\xe1\x88\xb4", "Value1"}}),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3");
  EXPECT_EQ(CanonicalQueryString({{"a b", "c/d+e=f&"}}), "a%20b=c%2Fd%2Be%3Df%26");
}

TEST(SigV4UriEncodeTest, EncodeAndSortQueryKeepsPairs) {
  const QueryParams sorted = EncodeAndSortQuery({{"z", "1 2"}, {"a", ""}});
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted[0], (std::pair<std::string, std::string>("a", "")));
  EXPECT_EQ(sorted[1], (std::pair<std::string, std::string>("z", "1%202")));
}

TEST(SigV4UriEncodeTest, ParseQueryString) {
  QueryParams params;
  ASSERT_TRUE(ParseQueryString("a=1&b&c=&&d=x%20y%3D&e=f=g", &params));
  const QueryParams expected = {{"a", "1"}, {"b", ""}, {"c", ""}, {"d", "x y="}, {"e", "f=g"}};
  EXPECT_EQ(params, expected);
  ASSERT_TRUE(ParseQueryString("", &params));
  EXPECT_TRUE(params.empty());
  EXPECT_FALSE(ParseQueryString("a=%zz", &params));
  EXPECT_FALSE(ParseQueryString("%=1", &params));
}

}  // namespace
}  // namespace dth
