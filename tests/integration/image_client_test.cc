// The OCI distribution client against two real docker-registry instances: basic auth
// and token auth (a token service of the test's own).
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/image_registries.h"
#include "registry/manifest.h"

namespace dth {
namespace {

using registry::RegistryClient;
using testing::Registry;

class ImageClientTest : public ::testing::TestWithParam<Registry> {
 protected:
  void SetUp() override {
    if (!testing::RequireRegistry(GetParam(), &env_)) GTEST_SKIP() << "registries not running";
    client_ = testing::MakeRegistryClient(GetParam());
  }
  testing::RegistryEnv env_;
  std::shared_ptr<RegistryClient> client_;
};

TEST_P(ImageClientTest, VersionCheckNeedsTheRightCredentials) {
  EXPECT_TRUE(client_->CheckVersion().ok());
  // Anonymous: the basic registry refuses even /v2/; the token service hands out an
  // anonymous token that opens /v2/ but no repository.
  auto anonymous = testing::MakeRegistryClient(GetParam(), false);
  Status st = anonymous->CheckVersion();
  if (GetParam() == Registry::kBasic) {
    EXPECT_EQ(st.code(), Code::kPermissionDenied) << st.message();
  }
  st = anonymous->HeadManifest(testing::UniqueRepo("anon"), "latest").status();
  EXPECT_EQ(st.code(), Code::kPermissionDenied) << st.message();
  auto config = testing::RegistryClientConfig(GetParam());
  config.auth.password = "wrong-" + env_.password;
  RegistryClient wrong(config, std::make_shared<HttpClient>());
  st = wrong.CheckVersion();
  EXPECT_EQ(st.code(), Code::kPermissionDenied) << st.message();
  EXPECT_EQ(st.message().find(config.auth.password), std::string::npos);
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
}

TEST_P(ImageClientTest, ManifestsOfEveryKindRoundTripExactly) {
  std::string repo = testing::UniqueRepo("kinds");
  auto docker = testing::PushImage(*client_, repo, "docker", {testing::RandomBytes(100)});
  ASSERT_TRUE(docker.ok()) << docker.status().message();
  auto oci = testing::PushImage(*client_, repo, "oci", {testing::RandomBytes(100)}, "linux/arm64/v8", true);
  ASSERT_TRUE(oci.ok()) << oci.status().message();
  auto index = testing::PushIndex(*client_, repo, "index", {"linux/amd64", "linux/arm64"});
  ASSERT_TRUE(index.ok()) << index.status().message();
  // A Docker manifest list over the two images above.
  std::string list = std::string(R"({"schemaVersion":2,"mediaType":")") + registry::kDockerManifestList +
                     R"(","manifests":[{"mediaType":")" + registry::kDockerManifest + R"(","digest":")" +
                     docker->digest + R"(","size":1,"platform":{"os":"linux","architecture":"amd64"}}]})";
  auto list_digest = client_->PutManifest(repo, "list", registry::kDockerManifestList, list);
  ASSERT_TRUE(list_digest.ok()) << list_digest.status().message();

  struct Want { const char* tag; std::string digest; const char* media_type; bool index; };
  for (const Want& w : {Want{"docker", docker->digest, registry::kDockerManifest, false},
                        Want{"oci", oci->digest, registry::kOciManifest, false},
                        Want{"index", index->digest, registry::kOciIndex, true},
                        Want{"list", *list_digest, registry::kDockerManifestList, true}}) {
    auto m = client_->GetManifest(repo, w.tag);
    ASSERT_TRUE(m.ok()) << w.tag << ": " << m.status().message();
    EXPECT_EQ(m->digest, w.digest) << w.tag;
    EXPECT_EQ(m->media_type, w.media_type) << w.tag;
    EXPECT_EQ(m->is_index, w.index) << w.tag;
    auto by_digest = client_->GetManifest(repo, w.digest);
    ASSERT_TRUE(by_digest.ok()) << by_digest.status().message();
    EXPECT_EQ(by_digest->bytes, m->bytes);
    auto head = client_->HeadManifest(repo, w.tag);
    ASSERT_TRUE(head.ok()) << head.status().message();
    EXPECT_EQ(head->value_or(""), w.digest) << w.tag;
  }
  auto index_manifest = client_->GetManifest(repo, "index");
  ASSERT_TRUE(index_manifest.ok());
  ASSERT_EQ(index_manifest->children.size(), 2u);
  EXPECT_EQ(index_manifest->children[1].platform.ToString(), "linux/arm64");

  auto missing = client_->GetManifest(repo, "no-such-tag");
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("MANIFEST_UNKNOWN"), std::string::npos) << missing.status().message();
  auto head_missing = client_->HeadManifest(repo, "no-such-tag");
  ASSERT_TRUE(head_missing.ok());
  EXPECT_FALSE(head_missing->has_value());
}

TEST_P(ImageClientTest, TagsAndCatalogFollowPagination) {
  std::vector<std::string> repos;
  for (int i = 0; i < 3; ++i) {
    repos.push_back(testing::UniqueRepo("cat"));
    for (const char* tag : {"a", "b"}) {
      ASSERT_TRUE(testing::PushImage(*client_, repos.back(), tag, {testing::RandomBytes(10)}).ok());
    }
  }
  auto tags = client_->Tags(repos[0]);
  ASSERT_TRUE(tags.ok()) << tags.status().message();
  std::sort(tags->begin(), tags->end());
  EXPECT_EQ(*tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(client_->Tags(testing::UniqueRepo("never")).status().code(), Code::kNotFound);

  auto config = testing::RegistryClientConfig(GetParam());
  config.catalog_page_size = 2;
  RegistryClient paged(config, std::make_shared<HttpClient>());
  int before = paged.requests();
  auto catalog = paged.Catalog();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  for (const auto& r : repos) EXPECT_NE(std::find(catalog->begin(), catalog->end(), r), catalog->end()) << r;
  EXPECT_GE(paged.requests() - before, 2) << "one page of 2 cannot hold 3 repositories";
  std::vector<std::string> sorted = *catalog;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "a repository listed twice";
}

TEST_P(ImageClientTest, BlobsMountUploadInChunksAndVerify) {
  std::string a = testing::UniqueRepo("blob-a"), b = testing::UniqueRepo("blob-b");
  std::string data = testing::RandomBytes((5 << 19) + 123);  // 2.5 MiB and a bit
  std::string digest = registry::ContentDigest(data);
  StringViewSource source(data);
  ASSERT_TRUE(client_->PushBlobChunked(a, digest, source, 1 << 20).ok());
  auto head = client_->HeadBlob(a, digest);
  ASSERT_TRUE(head.ok());
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->size, data.size());

  StringSink sink;
  ASSERT_TRUE(client_->GetBlob(a, digest, data.size(), sink).ok());
  EXPECT_EQ(sink.str(), data);
  StringSink wrong_size;
  EXPECT_EQ(client_->GetBlob(a, digest, data.size() + 1, wrong_size).code(), Code::kCorruption);

  auto mounted = client_->MountBlob(b, digest, a);
  ASSERT_TRUE(mounted.ok()) << mounted.status().message();
  EXPECT_TRUE(*mounted);
  auto in_b = client_->HeadBlob(b, digest);
  ASSERT_TRUE(in_b.ok());
  EXPECT_TRUE(in_b->has_value());
  std::string other = registry::ContentDigest("not uploaded anywhere " + testing::RandomBytes(8));
  auto not_mounted = client_->MountBlob(b, other, a);
  ASSERT_TRUE(not_mounted.ok()) << not_mounted.status().message();
  EXPECT_FALSE(*not_mounted);

  // A body that does not match its digest is refused by the registry.
  std::string liar = testing::RandomBytes(100);
  StringViewSource liar_source(liar);
  Status st = client_->PushBlob(a, other, liar_source);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Code::kCorruption) << st.message();
}

INSTANTIATE_TEST_SUITE_P(Registries, ImageClientTest, ::testing::Values(Registry::kBasic, Registry::kToken),
                         [](const auto& p) { return p.param == Registry::kBasic ? "Basic" : "Token"; });

TEST(ImageTokenTest, TokensAreCachedPerScopeAndRefreshedWhenExpired) {
  testing::RegistryEnv env;
  if (!testing::RequireRegistry(Registry::kToken, &env)) GTEST_SKIP();
  FakeClock clock(std::chrono::system_clock::now());
  auto config = testing::RegistryClientConfig(Registry::kToken);
  config.clock = &clock;
  RegistryClient client(config, std::make_shared<HttpClient>());
  std::string repo = testing::UniqueRepo("tok");
  for (int i = 0; i < 5; ++i) {
    auto head = client.HeadManifest(repo, "latest");
    ASSERT_TRUE(head.ok()) << head.status().message();
  }
  EXPECT_EQ(client.auth().tokens_fetched(), 1);
  ASSERT_TRUE(client.HeadManifest(testing::UniqueRepo("tok2"), "latest").ok());
  EXPECT_EQ(client.auth().tokens_fetched(), 2) << "another repository is another scope";
  clock.Advance(std::chrono::minutes(10));  // past the 300 s lifetime
  ASSERT_TRUE(client.HeadManifest(repo, "latest").ok());
  EXPECT_EQ(client.auth().tokens_fetched(), 3);
}

}  // namespace
}  // namespace dth
