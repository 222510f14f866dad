// Image replication between the two real registries (basic auth -> token auth and
// back): digests preserved for single-arch images and a two-platform OCI index,
// cross-repository mounts, idempotent re-runs, a registry killed mid-copy, and bad
// entries failing alone.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "imagesync/image_sync.h"
#include "imagesync/plan.h"
#include "integration/image_registries.h"
#include "integration/private_registry.h"
#include "testing/fault_server.h"

namespace dth {
namespace {

using imagesync::ImageJob;
using imagesync::ImageStatus;
using imagesync::ImageSyncSummary;
using registry::RegistryClient;
using testing::Registry;

class ImageSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::RegistryEnv env;
    if (!testing::RequireRegistry(Registry::kBasic, &env) || !testing::RequireRegistry(Registry::kToken, &env)) {
      GTEST_SKIP() << "registries not running";
    }
    src_ = testing::MakeRegistryClient(Registry::kBasic);
    dst_ = testing::MakeRegistryClient(Registry::kToken);
    prefix_ = testing::UniqueRepo("mirror");
    db_ = std::filesystem::temp_directory_path() / (testing::UniqueRepo("db").substr(5) + ".db");
    auto records = imagesync::ImageRecords::Open(db_.string());
    ASSERT_TRUE(records.ok()) << records.status().message();
    records_ = std::move(*records);
  }
  void TearDown() override {
    records_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_.string() + suffix);
  }

  std::vector<ImageJob> Plan(const std::vector<std::string>& images, RegistryClient& src) {
    imagesync::PlanOptions o;
    o.images = images;
    o.destination_prefix = prefix_;
    o.source_host = src.endpoint().host;
    auto jobs = imagesync::PlanImages(o, [&] { return src.Catalog(); },
                                      [&](const std::string& r) { return src.Tags(r); });
    EXPECT_TRUE(jobs.ok());
    return jobs.ok() ? *jobs : std::vector<ImageJob>{};
  }

  ImageSyncSummary Sync(const std::vector<std::string>& images, imagesync::ImageSyncOptions options = {}) {
    options.records = records_.get();
    options.backoff.base_delay = std::chrono::milliseconds(100);
    return imagesync::RunImageSync(*src_, *dst_, Plan(images, *src_), options);
  }

  std::string DstDigest(const std::string& repo, const std::string& ref) {
    auto d = dst_->HeadManifest(prefix_ + "/" + repo, ref);
    EXPECT_TRUE(d.ok()) << d.status().message();
    return d.ok() ? d->value_or("(missing)") : "";
  }

  std::shared_ptr<RegistryClient> src_, dst_;
  std::string prefix_;
  std::filesystem::path db_;
  std::unique_ptr<imagesync::ImageRecords> records_;
};

TEST_F(ImageSyncTest, SingleAndMultiArchArriveWithIdenticalDigestsAndReRunCopiesNothing) {
  std::string a = testing::UniqueRepo("single"), b = testing::UniqueRepo("multi");
  auto single = testing::PushImage(*src_, a, "v1",
                                   {testing::RandomBytes(1000), testing::RandomBytes(3 << 20), testing::RandomBytes(10)});
  ASSERT_TRUE(single.ok()) << single.status().message();
  auto index = testing::PushIndex(*src_, b, "multi", {"linux/amd64", "linux/arm64/v8"});
  ASSERT_TRUE(index.ok()) << index.status().message();

  ImageSyncSummary first = Sync({a + ":v1", b + ":multi"});
  ASSERT_EQ(first.failed, 0) << first.results[0].error.message() << " | " << first.results[1].error.message();
  EXPECT_EQ(first.copied, 2);
  EXPECT_EQ(DstDigest(a, "v1"), single->digest);
  EXPECT_EQ(DstDigest(b, "multi"), index->digest);
  auto dst_index = dst_->GetManifest(prefix_ + "/" + b, "multi");
  ASSERT_TRUE(dst_index.ok());
  ASSERT_EQ(dst_index->children.size(), 2u);
  for (const auto& child : dst_index->children) {
    auto m = dst_->GetManifest(prefix_ + "/" + b, child.digest);
    ASSERT_TRUE(m.ok()) << child.platform.ToString() << ": " << m.status().message();
    for (const auto& layer : m->layers) {
      auto blob = dst_->HeadBlob(prefix_ + "/" + b, layer.digest);
      ASSERT_TRUE(blob.ok());
      EXPECT_TRUE(blob->has_value());
    }
  }
  EXPECT_EQ(first.results[0].stats.blobs_copied, 4);  // config + 3 layers
  uint64_t layer_bytes = 1000u + (3u << 20) + 10u;  // plus the config's few hundred bytes
  EXPECT_GT(first.results[0].stats.bytes_copied, layer_bytes);
  EXPECT_LT(first.results[0].stats.bytes_copied, layer_bytes + 4096);
  auto record = records_->Get("image-sync", a + ":v1");
  ASSERT_TRUE(record.ok()) << record.status().message();
  EXPECT_EQ(record->status, ImageStatus::kCopied);
  EXPECT_EQ(record->source_digest, single->digest);
  EXPECT_EQ(record->dest_digest, single->digest);
  EXPECT_EQ(record->destination, prefix_ + "/" + a + ":v1");

  int requests = dst_->requests();
  ImageSyncSummary again = Sync({a + ":v1", b + ":multi"});
  EXPECT_EQ(again.failed, 0);
  EXPECT_EQ(again.copied, 0);
  EXPECT_EQ(again.up_to_date, 2);
  EXPECT_EQ(again.blobs_copied + again.blobs_mounted + again.blobs_skipped, 0);
  EXPECT_LE(dst_->requests() - requests, 2) << "one HEAD per image";
  EXPECT_EQ(records_->Get("image-sync", b + ":multi")->status, ImageStatus::kUpToDate);
}

TEST_F(ImageSyncTest, ABlobInAnotherRepositoryOfTheDestinationIsMountedNotUploaded) {
  std::string shared = testing::RandomBytes(200 << 10);
  std::string x = testing::UniqueRepo("x"), y = testing::UniqueRepo("y");
  ASSERT_TRUE(testing::PushImage(*src_, x, "1", {shared, testing::RandomBytes(100)}).ok());
  ASSERT_TRUE(testing::PushImage(*src_, y, "1", {shared, testing::RandomBytes(100)}).ok());
  ImageSyncSummary first = Sync({x + ":1"});
  ASSERT_EQ(first.copied, 1) << first.results[0].error.message();
  // A later run (another process would read the same state file) mounts the layer.
  ImageSyncSummary second = Sync({y + ":1"});
  ASSERT_EQ(second.copied, 1) << second.results[0].error.message();
  EXPECT_EQ(second.blobs_mounted, 1);
  EXPECT_EQ(second.blobs_copied, 2);  // its own config and layer
  EXPECT_EQ(second.bytes_copied, second.results[0].stats.bytes_copied);
  EXPECT_LT(second.bytes_copied, 200u << 10) << "the shared layer was uploaded again";
  auto mounted = dst_->HeadBlob(prefix_ + "/" + y, registry::ContentDigest(shared));
  ASSERT_TRUE(mounted.ok());
  EXPECT_TRUE(mounted->has_value());
  EXPECT_EQ(records_->Get("image-sync", y + ":1")->blobs_mounted, 1);
}

TEST_F(ImageSyncTest, PlatformFilterKeepsMatchingEntriesAndReRunsClean) {
  std::string b = testing::UniqueRepo("plat");
  auto index = testing::PushIndex(*src_, b, "m", {"linux/amd64", "linux/arm64"});
  ASSERT_TRUE(index.ok());
  imagesync::ImageSyncOptions options;
  options.copy.platforms = {*registry::ParsePlatform("linux/arm64")};
  ImageSyncSummary first = Sync({b + ":m"}, options);
  ASSERT_EQ(first.copied, 1) << first.results[0].error.message();
  auto dst_index = dst_->GetManifest(prefix_ + "/" + b, "m");
  ASSERT_TRUE(dst_index.ok());
  ASSERT_EQ(dst_index->children.size(), 1u);
  EXPECT_EQ(dst_index->children[0].platform.architecture, "arm64");
  EXPECT_EQ(dst_index->digest, first.results[0].dest_digest);
  EXPECT_NE(first.results[0].dest_digest, first.results[0].source_digest);
  EXPECT_EQ(Sync({b + ":m"}, options).up_to_date, 1);
}

TEST_F(ImageSyncTest, BadReferenceAndMissingTagFailAloneWithClearErrors) {
  std::string a = testing::UniqueRepo("ok");
  ASSERT_TRUE(testing::PushImage(*src_, a, "v1", {testing::RandomBytes(100)}).ok());
  ImageSyncSummary s = Sync({"Not A Valid:Ref", a + ":v1", a + ":no-such-tag", testing::UniqueRepo("ghost") + ":ALL_TAGS"});
  ASSERT_EQ(s.results.size(), 4u);
  EXPECT_EQ(s.copied, 1);
  EXPECT_EQ(s.failed, 3);
  EXPECT_TRUE(s.results[1].error.ok()) << s.results[1].error.message();
  EXPECT_NE(s.results[0].error.message().find("bad image reference"), std::string::npos) << s.results[0].error.message();
  EXPECT_NE(s.results[2].error.message().find("MANIFEST_UNKNOWN"), std::string::npos) << s.results[2].error.message();
  EXPECT_EQ(s.results[2].attempts, 1) << "a missing tag is not retried";
  EXPECT_NE(s.results[3].error.message().find("NAME_UNKNOWN"), std::string::npos) << s.results[3].error.message();
  auto record = records_->Get("image-sync", a + ":no-such-tag");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->status, ImageStatus::kFailed);
  EXPECT_NE(record->error.find("MANIFEST_UNKNOWN"), std::string::npos);
}

TEST_F(ImageSyncTest, RegistryKilledMidCopyAndRestartedTheRetryCompletes) {
  auto victim = testing::PrivateRegistry::Start();
  ASSERT_NE(victim, nullptr);
  registry::RegistryConfig config;
  config.endpoint = *registry::ParseRegistryEndpoint(victim->url());
  config.retry = RetryPolicy::None();  // no request retries: the image-level retry must do it
  RegistryClient dst(config, std::make_shared<HttpClient>());

  std::string a = testing::UniqueRepo("fault");
  std::vector<std::string> layers;
  for (int i = 0; i < 6; ++i) layers.push_back(testing::RandomBytes(300 << 10));
  layers.push_back(testing::RandomBytes(4 << 20));  // streamed through the pipe
  auto image = testing::PushImage(*src_, a, "v1", layers);
  ASSERT_TRUE(image.ok());

  std::atomic<bool> killed{false};
  std::thread restarter;
  imagesync::ImageSyncOptions options;
  // A window of ~15 s for the restart: docker-registry took over 2.5 s to answer
  // again while builds loaded the machine (load ~20 on 2 cores).
  options.image_retries = 10;
  options.backoff.base_delay = std::chrono::milliseconds(300);
  options.backoff.max_delay = std::chrono::milliseconds(3000);
  options.copy.blob_concurrency = 1;
  options.copy.on_blob = [&](const registry::Descriptor&, imagesync::BlobOutcome) {
    if (killed.exchange(true)) return;
    victim->Kill();  // after the first blob: the next request is refused
    restarter = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(800));
      EXPECT_TRUE(victim->Restart().ok());
    });
  };
  options.records = records_.get();
  auto summary = imagesync::RunImageSync(*src_, dst, Plan({a + ":v1"}, *src_), options);
  if (restarter.joinable()) restarter.join();
  ASSERT_TRUE(killed.load());
  ASSERT_EQ(summary.copied, 1) << summary.results[0].error.message();
  EXPECT_GE(summary.results[0].attempts, 2);
  auto digest = dst.HeadManifest(prefix_ + "/" + a, "v1");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->value_or(""), image->digest);
  EXPECT_GE(records_->Get("image-sync", a + ":v1")->attempts, 2);
}

TEST_F(ImageSyncTest, AConnectionResetDuringAStreamedUploadIsRetriedAsAWhole) {
  // A fault-injecting proxy in front of the token registry resets the first upload PUT
  // of a streamed (4 MiB) layer after reading it: the pipe's download is cancelled, the
  // image is retried, and it arrives intact.
  testing::RegistryEnv env;
  testing::FindRegistry(Registry::kToken, &env);
  auto proxy = testing::FaultServer::Start(env.url);
  ASSERT_TRUE(proxy.ok());
  std::string big = testing::RandomBytes(4 << 20);
  testing::FaultRule reset;
  reset.method = "PUT";
  reset.target_contains = "digest=sha256%3A" + registry::ContentDigest(big).substr(7);
  reset.times = 1;
  reset.action.kind = testing::FaultAction::kResetConnection;
  (*proxy)->AddRule(reset);
  auto config = testing::RegistryClientConfig(Registry::kToken);
  config.endpoint = *registry::ParseRegistryEndpoint((*proxy)->endpoint());
  RegistryClient dst(config, std::make_shared<HttpClient>());

  std::string a = testing::UniqueRepo("reset");
  auto image = testing::PushImage(*src_, a, "v1", {testing::RandomBytes(1000), big});
  ASSERT_TRUE(image.ok());
  imagesync::ImageSyncOptions options;
  options.backoff.base_delay = std::chrono::milliseconds(100);
  auto summary = imagesync::RunImageSync(*src_, dst, Plan({a + ":v1"}, *src_), options);
  ASSERT_EQ(summary.copied, 1) << summary.results[0].error.message();
  EXPECT_EQ(summary.results[0].attempts, 2);
  EXPECT_EQ((*proxy)->CountRequests("PUT", reset.target_contains), 2);
  auto digest = dst_->HeadManifest(prefix_ + "/" + a, "v1");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->value_or(""), image->digest);
}

}  // namespace
}  // namespace dth
