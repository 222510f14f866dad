#include "registry/reference.h"

#include <gtest/gtest.h>

namespace dth::registry {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

ImageRef Parse(const std::string& text) {
  auto r = ParseImageRef(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
  return r.ok() ? *r : ImageRef{};
}

TEST(ImageRefTest, BareRepositoryMeansLatest) {
  ImageRef r = Parse("nginx");
  EXPECT_EQ(r.registry, "");
  EXPECT_EQ(r.repository, "nginx");
  EXPECT_EQ(r.tag, "latest");
  EXPECT_EQ(r.reference(), "latest");
}

TEST(ImageRefTest, HostPortIsARegistryNotATag) {
  ImageRef r = Parse("127.0.0.1:5000/team/app:v1.2");
  EXPECT_EQ(r.registry, "127.0.0.1:5000");
  EXPECT_EQ(r.repository, "team/app");
  EXPECT_EQ(r.tag, "v1.2");
  ImageRef no_tag = Parse("localhost:5000/app");
  EXPECT_EQ(no_tag.registry, "localhost:5000");
  EXPECT_EQ(no_tag.tag, "latest");
  ImageRef dotted = Parse("registry.example.com/app:1");
  EXPECT_EQ(dotted.registry, "registry.example.com");
  ImageRef plain = Parse("library/nginx:1.25");
  EXPECT_EQ(plain.registry, "");
  EXPECT_EQ(plain.repository, "library/nginx");
}

TEST(ImageRefTest, Digests) {
  ImageRef r = Parse("app@" + kDigest);
  EXPECT_EQ(r.digest, kDigest);
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.reference(), kDigest);
  EXPECT_EQ(r.ToString(), "app@" + kDigest);
  ImageRef both = Parse("127.0.0.1:5000/app:v1@" + kDigest);
  EXPECT_EQ(both.registry, "127.0.0.1:5000");
  EXPECT_EQ(both.tag, "v1");
  EXPECT_EQ(both.reference(), kDigest);
}

TEST(ImageRefTest, AllTags) {
  ImageRef r = Parse("team/app:ALL_TAGS");
  EXPECT_TRUE(r.all_tags);
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.ToString(), "team/app:ALL_TAGS");
}

TEST(ImageRefTest, BadReferencesSayWhy) {
  for (const char* text : {"", "UPPER/app", "app:", "app:bad tag", "app@sha256:abc", "app@md5:" ,
                           "a//b", "-app", "app:ALL_TAGS@sha256:0000000000000000000000000000000000000000000000000000000000000000"}) {
    auto r = ParseImageRef(text);
    EXPECT_FALSE(r.ok()) << text;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
      EXPECT_NE(r.status().message().find("bad image reference"), std::string::npos);
    }
  }
}

TEST(ImageRefTest, ValidComponents) {
  EXPECT_TRUE(IsValidRepository("a/b-c/d__e/f.g"));
  EXPECT_TRUE(IsValidRepository("a---b"));
  EXPECT_FALSE(IsValidRepository("a..b"));
  EXPECT_FALSE(IsValidRepository("a/"));
  EXPECT_TRUE(IsValidTag("v1.0-rc_1"));
  EXPECT_FALSE(IsValidTag(".hidden"));
  EXPECT_FALSE(IsValidTag(std::string(129, 'a')));
}

TEST(ImageListTest, CommasNewlinesBlanksAndComments) {
  auto list = SplitImageList(" a:1, b ,\n# comment\nhost:5000/c:2\r\n\n,d@" + kDigest + "\n");
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0], "a:1");
  EXPECT_EQ(list[1], "b");
  EXPECT_EQ(list[2], "host:5000/c:2");
  EXPECT_EQ(list[3], "d@" + kDigest);
  EXPECT_TRUE(SplitImageList(" , \n").empty());
}

}  // namespace
}  // namespace dth::registry
