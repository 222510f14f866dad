// `dth image sync` end to end: the binary against the two registries (and a private
// one for --all), JSON output, exit codes, one-line errors, no secrets in output,
// what -v and -vv log, and what --platform does to digests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "integration/image_registries.h"
#include "integration/private_registry.h"
#include "integration/run_process.h"
#include "testing/fault_server.h"

namespace dth {
namespace {

namespace fs = std::filesystem;
using testing::Registry;

class ImageCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::RequireRegistry(Registry::kBasic, &basic_) || !testing::RequireRegistry(Registry::kToken, &token_)) {
      GTEST_SKIP() << "registries not running";
    }
    home_ = fs::temp_directory_path() / ("dth-image-cli-" + testing::UniqueRepo("h").substr(5));
    fs::create_directories(home_);
    src_ = testing::MakeRegistryClient(Registry::kBasic);
    dst_ = testing::MakeRegistryClient(Registry::kToken);
    prefix_ = testing::UniqueRepo("cli");
  }
  void TearDown() override { fs::remove_all(home_); }

  static std::string Host(const std::string& url) { return url.substr(url.find("://") + 3); }

  testing::ProcessResult Dth(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    std::map<std::string, std::string> e = {{"HOME", home_.string()}, {"DTH_STATE_DIR", ""}, {"XDG_STATE_HOME", ""},
                                            {"DTH_SRC_CREDS", basic_.user + ":" + basic_.password},
                                            {"DTH_DST_CREDS", token_.user + ":" + token_.password}};
    for (auto& [k, v] : env) e[k] = v;
    return testing::RunProcess(DTH_BIN_PATH, args, e);
  }

  static void ExpectOneLineError(const testing::ProcessResult& r, int code, const std::string& fragment) {
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(r.err.rfind("dth: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  }

  testing::RegistryEnv basic_, token_;
  fs::path home_;
  std::shared_ptr<registry::RegistryClient> src_, dst_;
  std::string prefix_;
};

TEST_F(ImageCliTest, CopiesReportsJsonAndFailsOnlyTheMissingImage) {
  std::string repo = testing::UniqueRepo("app");
  auto image = testing::PushImage(*src_, repo, "v1", {testing::RandomBytes(5000), testing::RandomBytes(70)});
  ASSERT_TRUE(image.ok());
  std::string src_host = Host(basic_.url), dst_host = Host(token_.url);
  auto r = Dth({"image", "sync", src_host, dst_host, "--images", repo + ":v1," + repo + ":missing",
                "--dest-prefix", prefix_, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  ASSERT_EQ(j["images"].size(), 2u);
  EXPECT_EQ(j["images"][0]["status"], "copied");
  EXPECT_EQ(j["images"][0]["dest_digest"], image->digest);
  EXPECT_EQ(j["images"][1]["status"], "failed");
  EXPECT_NE(j["images"][1]["error"].get<std::string>().find("MANIFEST_UNKNOWN"), std::string::npos);
  EXPECT_EQ(j["summary"]["failed"], 1);
  auto digest = dst_->HeadManifest(prefix_ + "/" + repo, "v1");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->value_or(""), image->digest);
  EXPECT_EQ(r.out.find(basic_.password), std::string::npos);
  EXPECT_EQ(r.err.find(token_.password), std::string::npos);
  EXPECT_TRUE(fs::exists(home_ / ".local" / "state" / "dth" / "images.db"));

  auto again = Dth({"image", "sync", src_host, dst_host, "--images", repo + ":v1", "--dest-prefix", prefix_});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("up-to-date  " + repo + ":v1"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("1 images: 0 copied, 1 up to date, 0 failed"), std::string::npos) << again.out;
}

TEST_F(ImageCliTest, DryRunChangesNothing) {
  std::string repo = testing::UniqueRepo("dry");
  ASSERT_TRUE(testing::PushImage(*src_, repo, "latest", {testing::RandomBytes(100)}).ok());
  // --platform before the positionals takes one value (it is repeatable, not greedy).
  auto r = Dth({"image", "sync", "--platform", "linux/amd64", Host(basic_.url), Host(token_.url), "--images", repo,
                "--dest-prefix", prefix_, "--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["images"][0]["status"], "would-copy");
  EXPECT_EQ(j["images"][0]["source"], repo + ":latest");
  auto digest = dst_->HeadManifest(prefix_ + "/" + repo, "latest");
  ASSERT_TRUE(digest.ok());
  EXPECT_FALSE(digest->has_value());
}

TEST_F(ImageCliTest, AllModeWithTagFiltersFromAPrivateSource) {
  auto source = testing::PrivateRegistry::Start();
  ASSERT_NE(source, nullptr);
  registry::RegistryConfig config;
  config.endpoint = *registry::ParseRegistryEndpoint(source->url());
  registry::RegistryClient src(config, std::make_shared<HttpClient>());
  for (const char* repo : {"one", "two/deep"}) {
    for (const char* tag : {"1.0", "1.1", "dev"}) {
      ASSERT_TRUE(testing::PushImage(src, repo, tag, {testing::RandomBytes(64)}).ok());
    }
  }
  auto r = Dth({"image", "sync", Host(source->url()), Host(token_.url), "--all", "--exclude-tags", "^dev$",
                "--dest-prefix", prefix_, "--concurrency", "3"},
               {{"DTH_SRC_CREDS", ""}});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("4 images: 4 copied"), std::string::npos) << r.out;
  auto tags = dst_->Tags(prefix_ + "/two/deep");
  ASSERT_TRUE(tags.ok()) << tags.status().message();
  std::sort(tags->begin(), tags->end());
  EXPECT_EQ(*tags, (std::vector<std::string>{"1.0", "1.1"}));
}

TEST_F(ImageCliTest, BadInputAndBadCredentialsAreOneLineErrors) {
  std::string s = Host(basic_.url), d = Host(token_.url);
  ExpectOneLineError(Dth({"image", "sync", s, d}), 2, "--images");
  ExpectOneLineError(Dth({"image", "sync", s, d, "--all", "--include-tags", "("}), 2, "--include-tags");
  ExpectOneLineError(Dth({"image", "sync", s, d, "--all", "--platform", "linux"}), 2, "platform");
  ExpectOneLineError(Dth({"image", "sync", "ftp://x", d, "--all"}), 2, "bad registry");
  auto wrong = Dth({"image", "sync", s, d, "--all"}, {{"DTH_SRC_CREDS", "dth:not-the-password"}});
  ExpectOneLineError(wrong, 1, "UNAUTHORIZED");
  EXPECT_EQ(wrong.err.find("not-the-password"), std::string::npos);
  auto unreachable = Dth({"image", "sync", "127.0.0.1:9", d, "--all", "--retries", "0"});
  ExpectOneLineError(unreachable, 1, "127.0.0.1:9");
}

TEST_F(ImageCliTest, AnEmptyImageListIsNamedAsSuch) {
  std::string s = Host(basic_.url), d = Host(token_.url);
  ExpectOneLineError(Dth({"image", "sync", s, d, "--images", ""}), 2, "the image list (--images) is empty");
  ExpectOneLineError(Dth({"image", "sync", s, d, "--images", " , ,"}), 2, "the image list (--images) is empty");
  fs::path empty = home_ / "list.txt";
  std::ofstream(empty) << "# nothing\n\n";
  ExpectOneLineError(Dth({"image", "sync", s, d, "--images-file", empty.string()}), 2, "is empty");
  ExpectOneLineError(Dth({"image", "sync", s, d, "--images", "", "--all"}), 2, "give exactly one of");
}

TEST_F(ImageCliTest, VerboseLogsRetriesAndVeryVerboseEveryRequestWithoutSecrets) {
  std::string repo = testing::UniqueRepo("logged");
  ASSERT_TRUE(testing::PushImage(*src_, repo, "v1", {testing::RandomBytes(3000)}).ok());
  auto proxy = testing::FaultServer::Start(basic_.url);
  ASSERT_TRUE(proxy.ok());
  testing::FaultRule busy;
  busy.method = "GET";
  busy.target_contains = "/manifests/v1";
  busy.times = 1;
  busy.action.status = 503;
  (*proxy)->AddRule(busy);
  std::string via = Host((*proxy)->endpoint()), d = Host(token_.url);
  auto quiet = Dth({"image", "sync", via, d, "--images", repo + ":v1", "--dest-prefix", prefix_ + "/a"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("retry"), std::string::npos) << quiet.err;
  (*proxy)->AddRule(busy);
  auto v = Dth({"image", "sync", via, d, "--images", repo + ":v1", "--dest-prefix", prefix_ + "/b", "-v"});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.err.find("retry 1 of"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("GET manifest " + repo + ":v1 at " + via + ": HTTP (503)"), std::string::npos) << v.err;
  EXPECT_EQ(v.err.find("registry GET"), std::string::npos) << "requests are logged at -vv only";
  auto vv = Dth({"image", "sync", via, d, "--images", repo + ":v1", "--dest-prefix", prefix_ + "/c", "-vv"});
  ASSERT_EQ(vv.exit_code, 0) << vv.err;
  EXPECT_NE(vv.err.find("registry GET " + (*proxy)->endpoint() + "/v2/" + repo + "/manifests/v1 -> 200 ("),
            std::string::npos) << vv.err;
  EXPECT_NE(vv.err.find("registry PUT " + token_.url + "/v2/" + prefix_ + "/c/" + repo + "/manifests/v1 -> 201"),
            std::string::npos) << vv.err;
  EXPECT_NE(vv.err.find("token GET http://"), std::string::npos) << vv.err;
  for (const std::string& secret : {basic_.password, token_.password, std::string("Bearer"), std::string("Basic"),
                                    std::string("_state="), std::string("digest="), std::string("scope=")}) {
    EXPECT_EQ(vv.err.find(secret), std::string::npos) << secret << " in " << vv.err;
  }
}

TEST_F(ImageCliTest, PlatformNarrowingSaysTheDigestChanged) {
  std::string repo = testing::UniqueRepo("narrow");
  auto index = testing::PushIndex(*src_, repo, "m", {"linux/amd64", "linux/arm64"});
  ASSERT_TRUE(index.ok());
  auto r = Dth({"image", "sync", Host(basic_.url), Host(token_.url), "--images", repo + ":m", "--dest-prefix", prefix_,
                "--platform", "linux/arm64"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--platform narrowed the index: new digest; the source's is " + index->digest),
            std::string::npos) << r.out;
  auto j = Dth({"image", "sync", Host(basic_.url), Host(token_.url), "--images", repo + ":m", "--dest-prefix", prefix_,
                "--platform", "linux/arm64", "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto doc = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << j.out;
  EXPECT_EQ(doc["images"][0]["status"], "up-to-date");
  EXPECT_EQ(doc["images"][0]["platform_filtered"], true);
  EXPECT_EQ(doc["images"][0]["source_digest"], index->digest);
  EXPECT_NE(doc["images"][0]["dest_digest"], index->digest);
  auto all = Dth({"image", "sync", Host(basic_.url), Host(token_.url), "--images", repo + ":m", "--dest-prefix",
                  prefix_ + "/all", "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(nlohmann::json::parse(all.out)["images"][0]["platform_filtered"], false);
}

}  // namespace
}  // namespace dth
