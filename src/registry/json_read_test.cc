#include "registry/json_read.h"

#include <gtest/gtest.h>

namespace dth::registry {
namespace {

TEST(JsonReadTest, WrongTypesAreCorruptionNamingTheField) {
  auto j = ParseJsonObject(R"({"s":"x","n":5,"neg":-1,"f":1.5,"a":[1],"o":{},"z":null})", "reply");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(*JsonString(*j, "s", "reply"), "x");
  EXPECT_EQ(*JsonString(*j, "missing", "reply"), "");
  EXPECT_EQ(*JsonString(*j, "z", "reply"), "");  // null = missing
  auto wrong = JsonString(*j, "n", "reply");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Code::kCorruption);
  EXPECT_EQ(wrong.status().message(), "reply: field 'n' is a number, not a string");
  EXPECT_EQ(**JsonUnsigned(*j, "n", "reply"), 5u);
  EXPECT_EQ(JsonUnsigned(*j, "neg", "reply").status().message(), "reply: field 'neg' is negative");
  EXPECT_EQ(JsonUnsigned(*j, "f", "reply").status().code(), Code::kCorruption);
  EXPECT_EQ(JsonUnsigned(*j, "s", "reply").status().code(), Code::kCorruption);
  EXPECT_FALSE(JsonUnsigned(*j, "missing", "reply")->has_value());
  EXPECT_EQ(**JsonNumber(*j, "f", "reply"), 1.5);
  EXPECT_EQ(JsonNumber(*j, "a", "reply").status().message(), "reply: field 'a' is an array, not a number");
  EXPECT_EQ((*JsonArray(*j, "a", "reply"))->size(), 1u);
  EXPECT_TRUE((*JsonArray(*j, "z", "reply"))->empty());
  EXPECT_EQ(JsonArray(*j, "o", "reply").status().code(), Code::kCorruption);
  EXPECT_EQ(*JsonObject(*j, "missing", "reply"), nullptr);
  EXPECT_EQ(JsonObject(*j, "s", "reply").status().code(), Code::kCorruption);
  EXPECT_EQ(JsonStringOr(*j, "n"), "");
  EXPECT_EQ(JsonStringOr(Json::array(), "n"), "");
}

TEST(JsonReadTest, NotAnObjectOrTooDeepIsCorruption) {
  for (const char* bad : {"", "[1]", "\"s\"", "{", "{\"a\":}", "null"}) {
    EXPECT_EQ(ParseJsonObject(bad, "reply").status().code(), Code::kCorruption) << bad;
  }
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(ParseJsonObject("{\"a\":" + deep + "}", "reply").status().code(), Code::kCorruption);
  std::string ok_depth = "{\"a\":" + std::string(60, '[') + std::string(60, ']') + "}";
  EXPECT_TRUE(ParseJsonObject(ok_depth, "reply").ok());
  // Brackets inside strings do not count.
  EXPECT_TRUE(ParseJsonObject("{\"a\":\"" + std::string(1000, '[') + "\\\"\"}", "reply").ok());
}

}  // namespace
}  // namespace dth::registry
