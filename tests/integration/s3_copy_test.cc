// Server-side copies and tags on the real servers: a multipart server-side copy whose
// source is rewritten between or during its parts never completes a mix of versions;
// tags arrive on every copy path to Ceph RGW (which drops them on some writes); a copy
// asked to carry tags to or from s3rver (which keeps none) fails with the reason; and
// what a server-side `dth sync` costs in requests per object, counted at a proxy.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "integration/s3_servers.h"
#include "queue/sqlite/sqlite_queue.h"
#include "state/sqlite/sqlite_state_store.h"
#include "sync/sync_engine.h"
#include "testing/fault_server.h"
#include "transfer/object_copy.h"

namespace dth {
namespace {

namespace fs = std::filesystem;
using testing::FaultAction;
using testing::FaultRule;
using testing::FaultServer;
using testing::S3Server;

constexpr uint64_t kMiB = 1ull << 20;

std::string Bytes(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + (i * 31 + i / 4096) % 251);
  return s;
}

// Server-side, 5 MiB parts one at a time above 5 MiB.
CopyOptions ServerSideParts(const s3::S3Store& source) {
  CopyOptions options;
  options.server_side = true;
  options.server_side_source_bucket = source.client().config().bucket;
  options.multipart_threshold = 5 * kMiB;
  options.part_size = 5 * kMiB;
  options.part_concurrency = 1;
  return options;
}

// The same bucket as `store`, reached through `proxy`.
std::unique_ptr<s3::S3Store> Through(const FaultServer& proxy, const s3::S3Store& store,
                                     StoreFeatures features) {
  s3::S3Config config = store.client().config();
  config.endpoint = proxy.endpoint();
  return std::make_unique<s3::S3Store>(config, testing::SharedHttp(), features);
}

// The destination holds one whole version, or nothing: never a mix.
void ExpectNoMix(s3::S3Store& store, const std::string& key, const std::string& v1,
                 const std::string& v2) {
  auto got = GetString(store, key);
  if (!got.ok()) {
    EXPECT_EQ(got.status().code(), Code::kNotFound) << got.status().ToString();
    return;
  }
  EXPECT_TRUE(*got == v1 || *got == v2) << key << " was stitched from two versions";
}

TEST(S3CopyTest, ServerSideMultipartCopyOfASourceRewrittenBetweenPartsFails) {
  auto store = testing::MakeBucketStore(S3Server::kRgw);
  if (!store) return;
  const std::string v1 = Bytes(12 * kMiB, 'a'), v2 = Bytes(12 * kMiB, 'b');
  ASSERT_TRUE(PutString(*store, "src", v1).ok());
  CopyOptions options = ServerSideParts(*store);
  bool rewritten = false;
  options.on_progress = [&](uint64_t, uint64_t) {  // after the first part
    if (!rewritten) rewritten = PutString(*store, "src", v2).ok();
  };
  auto r = CopyObject(*store, "src", *store, "dst", options);
  EXPECT_TRUE(rewritten);
  ASSERT_FALSE(r.ok()) << "a copy whose source changed between parts must fail";
  EXPECT_EQ(r.status().code(), Code::kPreconditionFailed) << r.status().ToString();
  ExpectNoMix(*store, "dst", v1, v2);
  auto uploads = store->ListMultipartUploads("");
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->empty()) << "the failed upload must be aborted";
}

TEST(S3CopyTest, ASourceRewrittenBetweenTheCheckAndThePartCopyIsCaught) {
  auto direct = testing::MakeBucketStore(S3Server::kRgw);
  if (!direct) return;
  testing::ServerEnv env;
  testing::FindServer(S3Server::kRgw, &env);
  auto proxy = FaultServer::Start(env.endpoint);
  ASSERT_TRUE(proxy.ok()) << proxy.status().message();
  auto store = Through(**proxy, *direct, testing::ServerFeatures(S3Server::kRgw));
  const std::string v1 = Bytes(8 * kMiB, 'c'), v2 = Bytes(8 * kMiB, 'd');  // 2 parts
  ASSERT_TRUE(PutString(*direct, "src", v1).ok());
  CopyOptions options = ServerSideParts(*direct);
  std::thread rewriter;
  std::atomic<bool> rewritten{false};
  options.on_progress = [&](uint64_t, uint64_t) {
    if (rewriter.joinable()) return;
    // After part 1: the next HEAD of the source (the check before part 2) is answered
    // late; meanwhile the source is rewritten, so the check says "unchanged" and the
    // part copy reads the new version.
    const int heads = (*proxy)->CountRequests("HEAD", "/src");
    FaultAction late;
    late.kind = FaultAction::kDelay;
    late.delay = std::chrono::milliseconds(1000);
    (*proxy)->AddRule(FaultRule{"HEAD", "/src", 1, late});
    rewriter = std::thread([&, heads] {
      for (int i = 0; i < 500 && (*proxy)->CountRequests("HEAD", "/src") <= heads; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // RGW has answered it
      rewritten = PutString(*direct, "src", v2).ok();
    });
  };
  auto r = CopyObject(*store, "src", *store, "dst", options);
  if (rewriter.joinable()) rewriter.join();
  EXPECT_TRUE(rewritten);
  ASSERT_FALSE(r.ok()) << "a part copied from a rewritten source must fail the copy";
  EXPECT_EQ(r.status().code(), Code::kPreconditionFailed) << r.status().ToString();
  ExpectNoMix(*direct, "dst", v1, v2);
}

// Every copy path to RGW, with and without --copy-tags, keeps the source's tags.
TEST(S3CopyTest, TagsArriveOnEveryCopyPathToRgw) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  if (!src || !dst) return;
  PutOptions put;
  put.tags = {{"team", "media"}, {"stage", "2"}};
  put.metadata.content_type = "image/png";
  auto small_etag = PutString(*src, "small", "png bytes", put);
  ASSERT_TRUE(small_etag.ok());
  ASSERT_TRUE(PutString(*src, "big", Bytes(11 * kMiB, 'e'), put).ok());
  const ObjectInfo listed{"small", 9, *small_etag, {}, {}, ""};
  struct Path {
    std::string name;
    bool server_side, copy_tags, copy_metadata, use_listing;
    std::string key;
  };
  const Path paths[] = {
      {"client PUT", false, true, true, false, "small"},
      {"client PUT from a listing", false, true, true, true, "small"},
      {"client multipart", false, true, true, false, "big"},
      {"server-side CopyObject", true, true, true, false, "small"},
      {"server-side CopyObject from a listing", true, false, true, true, "small"},
      {"server-side CopyObject, --no-metadata", true, false, false, true, "small"},
      {"server-side multipart", true, true, true, false, "big"},
      {"server-side multipart without --copy-tags", true, false, true, false, "big"},
  };
  int n = 0;
  for (const Path& p : paths) {
    CopyOptions options = ServerSideParts(*src);
    options.part_concurrency = 2;
    options.server_side = p.server_side;
    options.copy_tags = p.copy_tags;
    options.copy_metadata = p.copy_metadata;
    const std::string key = "out/" + std::to_string(n++);
    auto r = CopyObject(*src, p.key, *dst, key, options, p.use_listing ? &listed : nullptr);
    ASSERT_TRUE(r.ok()) << p.name << ": " << r.status().ToString();
    EXPECT_EQ(r->server_side, p.server_side) << p.name;
    auto tags = dst->GetTagging(key);
    ASSERT_TRUE(tags.ok()) << p.name << ": " << tags.status().ToString();
    std::sort(tags->begin(), tags->end());
    EXPECT_EQ(*tags, (Tags{{"stage", "2"}, {"team", "media"}})) << p.name;
    auto head = dst->Head(key);
    ASSERT_TRUE(head.ok()) << p.name;
    EXPECT_EQ(head->metadata.content_type == "image/png", p.copy_metadata) << p.name;
  }
}

// RGW answers GetObjectTagging with an empty body for a multipart object created with
// x-amz-tagging (as any client may have made it; RGW dropped the tags): that is an
// object without tags, not a failed copy.
TEST(S3CopyTest, AMultipartSourceWhoseTagsRgwDroppedCopiesWithoutTags) {
  auto src = testing::MakeBucketStore(S3Server::kRgw);
  auto dst = testing::MakeBucketStore(S3Server::kRgw);
  if (!src || !dst) return;
  const std::string data = Bytes(6 * kMiB, 'g');
  PutOptions tagged;
  tagged.tags = {{"team", "media"}};
  auto id = src->CreateMultipartUpload("mp", tagged);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  StringViewSource body(data);
  auto part = src->UploadPart("mp", *id, 1, body);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  ASSERT_TRUE(src->CompleteMultipartUpload("mp", *id, {{1, *part, data.size()}}).ok());
  for (bool server_side : {false, true}) {
    CopyOptions options = ServerSideParts(*src);
    options.server_side = server_side;
    options.copy_tags = true;
    const std::string key = server_side ? "server" : "client";
    auto r = CopyObject(*src, "mp", *dst, key, options);
    ASSERT_TRUE(r.ok()) << key << ": " << r.status().ToString();
    EXPECT_TRUE(r->multipart);
    auto tags = dst->GetTagging(key);
    ASSERT_TRUE(tags.ok()) << key << ": " << tags.status().ToString();
    EXPECT_TRUE(tags->empty()) << key;
    EXPECT_TRUE(*GetString(*dst, key) == data) << key;
  }
}

TEST(S3CopyTest, CopyTagsToOrFromS3rverFailsWithTheReason) {
  auto rgw = testing::MakeBucketStore(S3Server::kRgw);
  auto s3rver = testing::MakeBucketStore(S3Server::kS3rver);
  if (!rgw || !s3rver) return;
  PutOptions put;
  put.tags = {{"team", "media"}};
  ASSERT_TRUE(PutString(*rgw, "tagged", "bytes", put).ok());
  ASSERT_TRUE(PutString(*s3rver, "plain", "bytes").ok());
  CopyOptions options;
  options.copy_tags = true;
  auto to = CopyObject(*rgw, "tagged", *s3rver, "tagged", options);
  ASSERT_FALSE(to.ok()) << "s3rver would drop the tags";
  EXPECT_EQ(to.status().code(), Code::kNotSupported);
  EXPECT_NE(to.status().message().find("--copy-tags"), std::string::npos) << to.status().message();
  EXPECT_EQ(s3rver->Head("tagged").status().code(), Code::kNotFound);
  options.server_side = true;
  options.server_side_source_bucket = s3rver->client().config().bucket;
  auto within = CopyObject(*s3rver, "plain", *s3rver, "copy", options);
  ASSERT_FALSE(within.ok()) << "s3rver cannot tell the tags, so it cannot carry them";
  EXPECT_EQ(within.status().code(), Code::kNotSupported) << within.status().ToString();
  options.copy_tags = false;  // not asked for: copies
  EXPECT_TRUE(CopyObject(*s3rver, "plain", *s3rver, "copy", options).ok());
}

// A server-side `dth sync` of small objects, counted at a proxy in front of RGW: one
// CopyObject per object, plus one HEAD where the server ignores
// x-amz-copy-source-if-match (RGW does; the second run pretends it does not).
class ServerSideRequests : public ::testing::Test {
 protected:
  struct Counts {
    int heads = 0, copies = 0, tagging = 0, listings = 0, other = 0;
    int PerObjectTotal() const { return heads + copies + tagging + other; }
  };

  void SetUp() override {
    if (!testing::RequireServer(S3Server::kRgw, &env_)) GTEST_SKIP() << "RGW not running";
    src_ = testing::MakeBucketStore(S3Server::kRgw);
    dst_ = testing::MakeBucketStore(S3Server::kRgw);
    ASSERT_TRUE(src_ && dst_);
    PutOptions put;
    put.metadata.content_type = "text/plain";
    put.metadata.user["owner"] = "ops";
    put.tags = {{"team", "data"}};
    for (int i = 0; i < kObjects; ++i)
      ASSERT_TRUE(PutString(*src_, "obj/" + std::to_string(i), Bytes(1024, 'f'), put).ok());
    dir_ = fs::temp_directory_path() / testing::UniqueBucketName("dth-ssc");
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  Counts SyncThroughProxy(StoreFeatures features, bool copy_tags, const std::string& task) {
    auto proxy = FaultServer::Start(env_.endpoint);
    EXPECT_TRUE(proxy.ok());
    if (!proxy.ok()) return {};
    auto src = Through(**proxy, *src_, features);
    auto dst = Through(**proxy, *dst_, features);
    const std::string path = (dir_ / (task + ".db")).string();
    auto queue = std::move(SqliteQueue::Open(path).value());
    auto state = std::move(SqliteStateStore::Open(path).value());
    SyncOptions options;
    options.task_id = task;
    options.workers = 4;
    options.destination_prefix = task + "/";
    options.copy.server_side = true;
    options.copy.server_side_source_bucket = src_->client().config().bucket;
    options.copy.copy_tags = copy_tags;
    options.retry_delay = std::chrono::seconds(0);
    SyncEngine engine(SyncStores{*src, *dst, *queue, *state}, options);
    auto report = engine.Sync();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (report.ok()) {
      EXPECT_EQ(report->copied_objects, static_cast<uint64_t>(kObjects));
      for (const auto& f : report->failures) ADD_FAILURE() << f.key << ": " << f.error;
    }
    Counts c;
    for (const auto& r : (*proxy)->requests()) {
      const bool tagging = r.target.find("tagging") != std::string::npos;
      if (r.method == "HEAD") {
        ++c.heads;
      } else if (r.method == "PUT" && FindHeader(r.headers, "x-amz-copy-source") != nullptr) {
        ++c.copies;
      } else if (tagging) {
        ++c.tagging;
      } else if (r.method == "GET" && r.target.find("list-type") != std::string::npos) {
        ++c.listings;
      } else {
        ++c.other;
      }
    }
    std::printf("server-side sync of %d objects%s, %s: %.2f requests per object "
                "(HEAD %d, CopyObject %d, tagging %d, other %d; listings %d)\n",
                kObjects, copy_tags ? " --copy-tags" : "",
                features.copy_source_if_match ? "if-match honoured" : "if-match checked by HEAD",
                static_cast<double>(c.PerObjectTotal()) / kObjects, c.heads, c.copies, c.tagging,
                c.other, c.listings);
    for (int i = 0; i < kObjects; i += 7) {
      const std::string key = task + "/obj/" + std::to_string(i);
      auto tags = dst_->GetTagging(key);
      EXPECT_TRUE(tags.ok() && *tags == (Tags{{"team", "data"}})) << key;
      auto head = dst_->Head(key);
      EXPECT_TRUE(head.ok() && head->metadata.user["owner"] == "ops") << key;
    }
    return c;
  }

  static constexpr int kObjects = 20;
  testing::ServerEnv env_;
  std::unique_ptr<s3::S3Store> src_, dst_;
  fs::path dir_;
};

TEST_F(ServerSideRequests, TwoPerObjectWhereTheServerIgnoresCopySourceIfMatch) {
  StoreFeatures rgw = testing::ServerFeatures(S3Server::kRgw);
  for (bool copy_tags : {false, true}) {
    Counts c = SyncThroughProxy(rgw, copy_tags, copy_tags ? "tags" : "plain");
    EXPECT_EQ(c.copies, kObjects);
    EXPECT_EQ(c.heads, kObjects) << "one HEAD per object, for the ETag check";
    EXPECT_EQ(c.tagging, 0) << "tags travel with the copy";
    EXPECT_EQ(c.other, 0);
  }
}

TEST_F(ServerSideRequests, OnePerObjectWhereTheServerHonoursIt) {
  StoreFeatures honours = testing::ServerFeatures(S3Server::kRgw);
  honours.copy_source_if_match = true;  // counting only: RGW does not check it
  Counts c = SyncThroughProxy(honours, true, "honoured");
  EXPECT_EQ(c.copies, kObjects);
  EXPECT_EQ(c.heads, 0);
  EXPECT_EQ(c.PerObjectTotal(), kObjects);
}

}  // namespace
}  // namespace dth
