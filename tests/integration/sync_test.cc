// dth sync against the real servers: the engine on Ceph RGW and s3rver (identical
// destinations, incremental re-runs, same-size rewrites, dead letters), and the dth
// binary on RGW (kill -9 in the middle of a multipart upload, then a resume that sends
// no part twice and leaves no upload behind; the finder and worker processes).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "queue/sqlite/sqlite_queue.h"
#include "run_process.h"
#include "s3_servers.h"
#include "state/sqlite/sqlite_state_store.h"
#include "store/s3/s3_store.h"
#include "sync/sync_engine.h"
#include "sync_fixture.h"
#include "testing/fault_server.h"

namespace dth {
namespace {

using namespace sync_it;  // NOLINT: the shared fixture

class SyncServerTest : public ::testing::TestWithParam<S3Server> {
 protected:
  void SetUp() override {
    testing::ServerEnv env;
    if (!testing::RequireServer(GetParam(), &env)) GTEST_SKIP() << "server not available";
    src_ = testing::MakeBucketStore(GetParam());
    dst_ = testing::MakeBucketStore(GetParam());
    ASSERT_TRUE(src_ && dst_);
    dir_ = MakeTempDir("dth-sync");
    const std::string path = (dir_ / "dth.db").string();
    queue_ = std::move(SqliteQueue::Open(path).value());
    state_ = std::move(SqliteStateStore::Open(path).value());
    options_.task_id = "it";
    options_.workers = 4;
    options_.copy.multipart_threshold = 5u << 20;
    options_.copy.part_size = 5u << 20;
    options_.giant_threshold = 10u << 20;
    options_.retry_delay = std::chrono::seconds(0);
  }
  void TearDown() override {
    queue_.reset();
    state_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  SyncReport Sync(ObjectStore& src, ObjectStore& dst) {
    SyncEngine engine(SyncStores{src, dst, *queue_, *state_}, options_);
    auto report = engine.Sync();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : SyncReport{};
  }

  std::unique_ptr<s3::S3Store> src_, dst_;
  fs::path dir_;
  std::unique_ptr<JobQueue> queue_;
  std::unique_ptr<StateStore> state_;
  SyncOptions options_;
};

INSTANTIATE_TEST_SUITE_P(Servers, SyncServerTest,
                         ::testing::Values(S3Server::kRgw, S3Server::kS3rver),
                         [](const auto& param_info) {
                           return param_info.param == S3Server::kRgw ? "Rgw" : "S3rver";
                         });

TEST_P(SyncServerTest, MixedSizesArriveIdenticalAndASecondRunCopiesNothing) {
  PutOptions meta;
  meta.metadata.content_type = "application/x-test";
  meta.metadata.cache_control = "max-age=60";
  meta.metadata.content_disposition = "attachment; filename=\"x\"";
  meta.metadata.content_language = "en";
  meta.metadata.user["owner"] = "ops";
  ASSERT_TRUE(PutString(*src_, "empty", "").ok());
  ASSERT_TRUE(PutString(*src_, "small.txt", Bytes(1024, 's'), meta).ok());
  ASSERT_TRUE(PutString(*src_, "dir/key with space+plus", "x").ok());
  ASSERT_TRUE(PutString(*src_, "dir/seven", Bytes(7u << 20, '7'), meta).ok());   // 2 parts, one job
  ASSERT_TRUE(PutString(*src_, "dir/giant", Bytes(12u << 20, 'g'), meta).ok());  // 3 part jobs
  SyncReport first = Sync(*src_, *dst_);
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(first.copied_objects, 5u);
  EXPECT_EQ(first.parts_sent, 2u + 3u);
  ExpectIdentical(*src_, *dst_);

  SyncReport second = Sync(*src_, *dst_);
  EXPECT_EQ(second.plan.copy_objects, 0u);
  EXPECT_EQ(second.plan.count(Reason::kUnchanged), 5u);
  EXPECT_EQ(second.copied_objects, 0u);

  // Rewritten with the same size: the recorded ETag catches it.
  ASSERT_TRUE(PutString(*src_, "small.txt", Bytes(1024, 'S'), meta).ok());
  ASSERT_TRUE(PutString(*src_, "dir/giant", Bytes(12u << 20, 'G'), meta).ok());
  SyncReport third = Sync(*src_, *dst_);
  EXPECT_EQ(third.plan.count(Reason::kSourceChanged), 2u);
  EXPECT_EQ(third.copied_objects, 2u);
  ExpectIdentical(*src_, *dst_);
}

TEST_P(SyncServerTest, ServerSideCopiesWithinOneEndpoint) {
  PutOptions meta;
  meta.metadata.content_type = "text/csv";
  meta.metadata.user["k"] = "v";
  ASSERT_TRUE(PutString(*src_, "small.csv", "a,b\n", meta).ok());
  ASSERT_TRUE(PutString(*src_, "big", Bytes(11u << 20, 'b'), meta).ok());   // giant: part copies
  options_.copy.server_side = true;
  options_.copy.server_side_source_bucket = src_->client().config().bucket;
  SyncReport report = Sync(*src_, *dst_);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.copied_objects, 2u);
  ExpectIdentical(*src_, *dst_);
}

TEST_P(SyncServerTest, AnObjectThatCannotBeReadIsDeadLetteredWhileTheOthersComplete) {
  testing::ServerEnv env;
  testing::FindServer(GetParam(), &env);
  auto proxy = testing::FaultServer::Start(env.endpoint);
  ASSERT_TRUE(proxy.ok());
  testing::FaultRule deny;
  deny.method = "GET";
  deny.target_contains = "/bad";
  deny.times = -1;
  deny.action.status = 403;
  deny.action.headers = {{"Content-Type", "application/xml"}};
  deny.action.body = "<Error><Code>AccessDenied</Code><Message>denied by the test</Message></Error>";
  (*proxy)->AddRule(deny);
  s3::S3Config config = testing::ServerConfig(GetParam(), src_->client().config().bucket);
  config.endpoint = (*proxy)->endpoint();
  s3::S3Store via_proxy(config, testing::SharedHttp(), testing::ServerFeatures(GetParam()));
  for (const char* key : {"a", "bad", "c"}) ASSERT_TRUE(PutString(*src_, key, key).ok());

  SyncReport report = Sync(via_proxy, *dst_);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.copied_objects, 2u);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].key, "bad");
  // Access denied: no retry can cure it, so it is tried once and dead-lettered at once.
  EXPECT_EQ(report.failures[0].attempts, 1);
  EXPECT_NE(report.failures[0].error.find("AccessDenied"), std::string::npos)
      << report.failures[0].error;
  EXPECT_EQ((*proxy)->CountRequests("GET", "/bad"), 1);
  auto stats = queue_->Stats("it");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->dead, 1);
  EXPECT_TRUE(GetString(*dst_, "a").ok());
  EXPECT_TRUE(GetString(*dst_, "c").ok());
}

TEST_F(SyncCliTest, KillNineMidMultipartThenResumeSendsNoPartTwiceAndLeavesNoUpload) {
  const std::string big = Bytes(30u << 20, 'k');  // 6 parts of 5 MiB
  ASSERT_TRUE(PutString(*src_, "big", big).ok());
  ASSERT_TRUE(PutString(*src_, "small", "s").ok());
  // The destination is reached through a proxy that slows every part down, so the
  // kill lands in the middle of the upload.
  auto proxy = testing::FaultServer::Start(env_.endpoint);
  ASSERT_TRUE(proxy.ok());
  testing::FaultRule slow;
  slow.method = "PUT";
  slow.target_contains = "partNumber=";
  slow.times = -1;
  slow.action.kind = testing::FaultAction::kDelay;
  slow.action.delay = std::chrono::milliseconds(700);
  (*proxy)->AddRule(slow);
  const std::vector<std::string> args = {
      "sync", "s3://" + Bucket(*src_) + "/", "s3://" + Bucket(*dst_) + "/",
      "--endpoint", env_.endpoint, "--dst-endpoint", (*proxy)->endpoint(),
      "--state", state_path_, "--workers", "1", "--part-concurrency", "1",
      "--multipart-threshold", "5", "--part-size", "5", "--retries", "1"};

  // Kill -9 once the third part is on its way (two are through).
  std::atomic<pid_t> child{0};
  std::thread killer([&] {
    for (int i = 0; i < 1200; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      if ((*proxy)->CountRequests("PUT", "partNumber=") >= 3 && child.load() > 0) {
        ::kill(child.load(), SIGKILL);
        return;
      }
    }
  });
  auto killed = Dth(args, [&](pid_t pid) { child = pid; });
  killer.join();
  ASSERT_EQ(killed.signal, SIGKILL) << "the first run finished before the kill: " << killed.out
                                    << killed.err;
  // A part the proxy was still holding reaches the server after the kill: let it land.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const int parts_before = (*proxy)->CountRequests("PUT", "partNumber=");
  auto uploads = dst_->ListMultipartUploads("");
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->size(), 1u) << "the killed run's upload should be there to resume";
  auto listed_parts = dst_->ListParts("big", uploads->front().upload_id);
  ASSERT_TRUE(listed_parts.ok());
  const int uploaded = static_cast<int>(listed_parts->size());
  ASSERT_GE(uploaded, 2);
  ASSERT_LT(uploaded, 6);

  (*proxy)->ClearRules();
  auto resumed = Dth(args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  const int parts_after = (*proxy)->CountRequests("PUT", "partNumber=");
  EXPECT_EQ(parts_after - parts_before, 6 - uploaded) << "parts already uploaded were sent again";
  EXPECT_NE(resumed.out.find("resumed: " + std::to_string(uploaded) + " parts"), std::string::npos)
      << resumed.out;
  ExpectIdentical(*src_, *dst_);
}

TEST_F(SyncCliTest, SyncPrintsPlanAndSummaryAndExitsNonZeroOnFailure) {
  ASSERT_TRUE(PutString(*src_, "a", "1").ok());
  ASSERT_TRUE(PutString(*src_, "b/c", "22").ok());
  ASSERT_TRUE(PutString(*dst_, "extra", "3").ok());
  const std::string src = "s3://" + Bucket(*src_) + "/";
  const std::string dst = "s3://" + Bucket(*dst_) + "/";
  auto dry = Dth({"sync", src, dst, "--endpoint", env_.endpoint, "--state", state_path_, "--dry-run",
                  "--delete"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("copy   missing"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("delete destination-only  extra"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("dry run: copy 2 objects"), std::string::npos) << dry.out;
  EXPECT_FALSE(dst_->Head("a").ok()) << "a dry run copied";

  auto as_json = Dth({"sync", src, dst, "--endpoint", env_.endpoint, "--state", state_path_, "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  EXPECT_NE(as_json.out.find("\"copied_objects\":2"), std::string::npos) << as_json.out;
  EXPECT_NE(as_json.out.find("\"ok\":true"), std::string::npos) << as_json.out;
  EXPECT_EQ(as_json.out.find(env_.secret_key), std::string::npos);

  auto again = Dth({"sync", src, dst, "--endpoint", env_.endpoint, "--state", state_path_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("copied 0 objects"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("(unchanged 2, destination-only 1)"), std::string::npos) << again.out;

  // A source bucket that does not exist: one clear line, exit 1.
  auto missing = Dth({"sync", "s3://no-such-bucket-dth/", dst, "--endpoint", env_.endpoint, "--state",
                      state_path_, "--retries", "0"});
  EXPECT_EQ(missing.exit_code, 1) << missing.out << missing.err;
  EXPECT_EQ(missing.err.rfind("dth: error: ", 0), 0u) << missing.err;
}

TEST_F(SyncCliTest, FinderAndWorkerProcessesShareOneStore) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(PutString(*src_, "k" + std::to_string(i), Bytes(1000 + i, 'f')).ok());
  const std::string task = dir_.string() + "/task.yaml";
  {
    std::ofstream out(task);
    out << "srcType: Amazon_S3\n"
        << "srcBucket: " << Bucket(*src_) << "\n"
        << "srcEndpoint: " << env_.endpoint << "\n"
        << "destBucket: " << Bucket(*dst_) << "\n"
        << "destPrefix: copy/\n"
        << "workerNumber: 2\n"
        << "statePath: " << state_path_ << "\n";
  }
  auto finder = Dth({"finder", "--task-file", task});
  ASSERT_EQ(finder.exit_code, 0) << finder.err;
  EXPECT_NE(finder.out.find("plan: copy 20 objects"), std::string::npos) << finder.out;
  EXPECT_FALSE(dst_->Head("copy/k0").ok()) << "the finder copied";
  testing::ProcessResult w1, w2;
  std::thread other([&] { w2 = Dth({"worker", "--task-file", task, "--json"}); });
  w1 = Dth({"worker", "--task-file", task, "--json"});
  other.join();
  ASSERT_EQ(w1.exit_code, 0) << w1.err;
  ASSERT_EQ(w2.exit_code, 0) << w2.err;
  auto listed = ListAll(*dst_, ListOptions{"copy/", "", "", 1000});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 20u);
  auto rerun = Dth({"sync", "--task-file", task, "--json"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find("\"copy_objects\":0"), std::string::npos) << rerun.out;
}

}  // namespace
}  // namespace dth
