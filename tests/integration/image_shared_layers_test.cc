// Images copied at once that share layers (the usual case under --all: one base image
// under many repositories) upload each distinct blob once; the others wait for that
// upload and mount the blob. Counted on the wire by a proxy in front of the real
// token-auth registry, which also slows the uploads so the images surely overlap.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "imagesync/image_sync.h"
#include "imagesync/plan.h"
#include "integration/image_registries.h"
#include "testing/fault_server.h"

namespace dth {
namespace {

using testing::Registry;

TEST(ImageSharedLayersTest, EachDistinctBlobIsUploadedOnceAndMountedElsewhere) {
  testing::RegistryEnv basic, token;
  if (!testing::RequireRegistry(Registry::kBasic, &basic) || !testing::RequireRegistry(Registry::kToken, &token)) {
    GTEST_SKIP() << "registries not running";
  }
  auto src = testing::MakeRegistryClient(Registry::kBasic);
  std::string small = testing::RandomBytes(200 << 10);  // through memory
  std::string big = testing::RandomBytes(3 << 20);      // streamed
  const int kImages = 6;
  std::vector<std::string> entries;
  std::map<std::string, std::string> source_digests;  // entry -> digest
  std::set<std::string> distinct;
  for (int i = 0; i < kImages; ++i) {
    std::string repo = testing::UniqueRepo("base-user");
    auto image = testing::PushImage(*src, repo, "v1", {small, big, testing::RandomBytes(1000)});
    ASSERT_TRUE(image.ok()) << image.status().message();
    entries.push_back(repo + ":v1");
    source_digests[repo] = image->digest;
    distinct.insert(image->blobs.begin(), image->blobs.end());
  }
  ASSERT_EQ(distinct.size(), 2u + 2u * kImages);  // the shared two, a config and a layer each

  auto proxy = testing::FaultServer::Start(token.url);
  ASSERT_TRUE(proxy.ok());
  testing::FaultRule slow;
  slow.method = "PUT";
  slow.target_contains = "digest=sha256";
  slow.times = -1;
  slow.action.kind = testing::FaultAction::kDelay;
  slow.action.delay = std::chrono::milliseconds(300);
  (*proxy)->AddRule(slow);
  auto config = testing::RegistryClientConfig(Registry::kToken);
  config.endpoint = *registry::ParseRegistryEndpoint((*proxy)->endpoint());
  registry::RegistryClient dst(config, std::make_shared<HttpClient>());

  imagesync::PlanOptions plan;
  plan.images = entries;
  plan.destination_prefix = testing::UniqueRepo("mirror");
  plan.source_host = src->endpoint().host;
  auto jobs = imagesync::PlanImages(plan, nullptr, nullptr);
  ASSERT_TRUE(jobs.ok());
  imagesync::ImageSyncOptions options;
  options.concurrency = kImages;
  auto summary = imagesync::RunImageSync(*src, dst, *jobs, options);
  ASSERT_EQ(summary.failed, 0) << summary.results[0].error.message();
  ASSERT_EQ(summary.copied, kImages);

  std::map<std::string, int> uploads;  // digest -> completed upload PUTs
  for (const auto& r : (*proxy)->requests()) {
    auto at = r.target.find("digest=sha256%3A");
    if (r.method == "PUT" && at != std::string::npos) {
      uploads["sha256:" + r.target.substr(at + 16, 64)]++;
    }
  }
  EXPECT_EQ(uploads.size(), distinct.size());
  for (const auto& [digest, n] : uploads) EXPECT_EQ(n, 1) << digest << " uploaded " << n << " times";
  EXPECT_EQ(summary.blobs_copied, static_cast<int>(distinct.size()));
  EXPECT_EQ(summary.blobs_mounted, 2 * (kImages - 1));
  EXPECT_LT(summary.bytes_copied, 2 * (small.size() + big.size())) << "shared layers were sent more than once";
  for (const auto& job : *jobs) {
    auto d = dst.HeadManifest(job.destination_repo, "v1");
    ASSERT_TRUE(d.ok()) << d.status().message();
    EXPECT_EQ(d->value_or(""), source_digests[job.source_repo]);
  }
}

}  // namespace
}  // namespace dth
