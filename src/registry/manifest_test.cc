#include "registry/manifest.h"

#include <gtest/gtest.h>

namespace dth::registry {
namespace {

const std::string kD1 = "sha256:" + std::string(64, '1');
const std::string kD2 = "sha256:" + std::string(64, '2');
const std::string kD3 = "sha256:" + std::string(64, '3');

std::string ImageJson(const char* media_type) {
  return std::string(R"({"schemaVersion":2,"mediaType":")") + media_type +
         R"(","config":{"mediaType":"x","digest":")" + kD1 +
         R"(","size":10},"layers":[{"digest":")" + kD2 + R"(","size":20},{"digest":")" + kD3 +
         R"(","size":5,"urls":["https://example.com/l"]}]})";
}

std::string IndexJson() {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
         R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kD1 +
         R"(","size":100,"platform":{"os":"linux","architecture":"amd64"}},)"
         R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kD2 +
         R"(","size":100,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}}],"annotations":{"a":"b"}})";
}

TEST(ManifestTest, ImageManifestsKeepBytesAndDigest) {
  for (const char* mt : {kDockerManifest, kOciManifest}) {
    std::string bytes = ImageJson(mt);
    auto m = ParseManifest(bytes, "text/plain");
    ASSERT_TRUE(m.ok()) << m.status().message();
    EXPECT_EQ(m->media_type, mt);
    EXPECT_FALSE(m->is_index);
    EXPECT_EQ(m->bytes, bytes);
    EXPECT_EQ(m->digest, ContentDigest(bytes));
    EXPECT_EQ(m->config.digest, kD1);
    ASSERT_EQ(m->layers.size(), 2u);
    EXPECT_EQ(m->layers[0].size, 20u);
    EXPECT_FALSE(m->layers[0].foreign);
    EXPECT_TRUE(m->layers[1].foreign);
  }
}

TEST(ManifestTest, MediaTypeFromContentTypeOrShape) {
  std::string no_type = R"({"schemaVersion":2,"config":{"digest":")" + kD1 + R"("},"layers":[]})";
  auto m = ParseManifest(no_type, std::string(kDockerManifest) + "; charset=utf-8");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->media_type, kDockerManifest);
  auto guessed = ParseManifest(no_type, "");
  ASSERT_TRUE(guessed.ok());
  EXPECT_EQ(guessed->media_type, kOciManifest);
}

TEST(ManifestTest, IndexesAndPlatformFilter) {
  auto m = ParseManifest(IndexJson(), "");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_TRUE(m->is_index);
  ASSERT_EQ(m->children.size(), 2u);
  EXPECT_EQ(m->children[1].platform.ToString(), "linux/arm64/v8");

  auto arm = ParsePlatform("linux/arm64");
  ASSERT_TRUE(arm.ok());
  auto filtered = FilterIndex(*m, {*arm});
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->children.size(), 1u);
  EXPECT_EQ(filtered->children[0].digest, kD2);
  EXPECT_NE(filtered->digest, m->digest);
  EXPECT_NE(filtered->bytes.find("annotations"), std::string::npos);

  auto s390 = ParsePlatform("linux/s390x");
  ASSERT_TRUE(s390.ok());
  EXPECT_EQ(FilterIndex(*m, {*s390}).status().code(), Code::kNotFound);
  auto v7 = ParsePlatform("linux/arm64/v7");
  ASSERT_TRUE(v7.ok());
  EXPECT_FALSE(PlatformMatches(m->children[1].platform, {*v7}));
  EXPECT_TRUE(PlatformMatches(m->children[1].platform, {}));
  EXPECT_FALSE(ParsePlatform("linux").ok());
  EXPECT_FALSE(ParsePlatform("linux/").ok());
}

TEST(ManifestTest, RejectsMalformedAndSchema1) {
  EXPECT_EQ(ParseManifest("not json", "").status().code(), Code::kCorruption);
  EXPECT_EQ(ParseManifest(R"({"schemaVersion":1,"fsLayers":[]})", "").status().code(), Code::kNotSupported);
  EXPECT_EQ(ParseManifest(R"({"mediaType":"application/x-other"})", "").status().code(), Code::kNotSupported);
  EXPECT_EQ(ParseManifest(R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})", "")
                .status().code(),
            Code::kCorruption);
  EXPECT_EQ(ParseManifest(R"({"mediaType":"application/vnd.oci.image.index.v1+json"})", "").status().code(),
            Code::kCorruption);
}

TEST(ManifestTest, WrongTypedFieldsAreCorruptionNotExceptions) {
  const std::string d = "\"digest\":\"" + kD1 + "\"";
  const std::string oci = R"("mediaType":"application/vnd.oci.image.manifest.v1+json")";
  const std::string index = R"("mediaType":"application/vnd.oci.image.index.v1+json")";
  for (const std::string& bad : {
           "{" + oci + R"(,"schemaVersion":"2","config":{)" + d + "}}",
           "{" + oci + R"(,"config":{)" + d + R"(,"size":"10"}})",
           "{" + oci + R"(,"config":{)" + d + R"(,"size":-1}})",
           "{" + oci + R"(,"config":{)" + d + R"(,"size":1.5}})",
           "{" + oci + R"(,"config":{)" + d + R"(,"mediaType":7}})",
           "{" + oci + R"(,"config":{"digest":7}})",
           "{" + oci + R"(,"config":[1]})",
           "{" + oci + R"(,"config":{)" + d + R"(},"layers":[{)" + d + R"(,"urls":"x"}]})",
           "{" + oci + R"(,"config":{)" + d + R"(},"layers":[7]})",
           "{" + oci + R"(,"config":{)" + d + R"(},"layers":{}})",
           R"({"mediaType":7,"config":{)" + d + "}}",
           "{" + index + R"(,"manifests":[{)" + d + R"(,"platform":{"os":1,"architecture":"amd64"}}]})",
           "{" + index + R"(,"manifests":[{)" + d + R"(,"platform":{"os":"linux","variant":[]}}]})",
           "{" + index + R"(,"manifests":[{)" + d + R"(,"platform":"linux/amd64"}]})",
           "{" + index + R"(,"manifests":[null]})",
       }) {
    Result<Manifest> m = Status(Code::kCancelled, "unset");
    ASSERT_NO_THROW(m = ParseManifest(bad, "")) << bad;
    EXPECT_EQ(m.status().code(), Code::kCorruption) << bad;
  }
  // A well-formed index whose filter has nothing odd left to trip on.
  auto idx = ParseManifest(IndexJson(), "");
  ASSERT_TRUE(idx.ok());
  Manifest tampered = *idx;
  tampered.bytes = "[1,2]";
  Result<Manifest> f = Status(Code::kCancelled, "unset");
  ASSERT_NO_THROW(f = FilterIndex(tampered, {*ParsePlatform("linux/amd64")}));
  EXPECT_EQ(f.status().code(), Code::kCorruption);
  std::string deep = "{" + index + R"(,"manifests":[],"annotations":{"a":)" + std::string(5000, '[') +
                     std::string(5000, ']') + "}}";
  EXPECT_EQ(ParseManifest(deep, "").status().code(), Code::kCorruption);
}

TEST(ManifestTest, AcceptNamesAllFour) {
  std::string accept = ManifestAccept();
  for (const char* mt : {kDockerManifest, kDockerManifestList, kOciManifest, kOciIndex}) {
    EXPECT_NE(accept.find(mt), std::string::npos) << mt;
  }
}

}  // namespace
}  // namespace dth::registry
