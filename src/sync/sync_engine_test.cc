// SyncEngine on in-memory stores with the real SQLite queue and state store: identical
// destinations, incremental re-runs, same-size rewrites, giant objects as part jobs,
// resuming a recorded upload, dead letters, deletes, malformed jobs.
#include "sync/sync_engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "queue/sqlite/sqlite_queue.h"
#include "state/sqlite/sqlite_state_store.h"
#include "store/memory/memory_store.h"
#include "sync/state_journal.h"

namespace dth {
namespace {

StoreFeatures SmallParts() {
  StoreFeatures f = MemoryStore::DefaultFeatures();
  f.min_part_size = 1024;
  f.streaming_put = false;  // like S3: an object above the threshold goes multipart
  return f;
}

std::string Bytes(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i * 7 % 251);
  return s;
}

class SyncEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("dth-sync-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Reopen();
    options_.task_id = "task";
    options_.workers = 4;
    options_.copy.multipart_threshold = 8 * 1024;
    options_.copy.part_size = 4 * 1024;
    options_.copy.part_concurrency = 2;
    options_.giant_threshold = 20 * 1024;
    options_.retry_delay = std::chrono::seconds(0);
  }
  void TearDown() override {
    queue_.reset();
    state_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    queue_.reset();
    state_.reset();
    const std::string path = (dir_ / "dth.db").string();
    auto q = SqliteQueue::Open(path);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    queue_ = std::move(q).value();
    auto s = SqliteStateStore::Open(path);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    state_ = std::move(s).value();
  }
  SyncReport MustSync() {
    SyncEngine engine(SyncStores{src_, dst_, *queue_, *state_}, options_);
    auto report = engine.Sync();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : SyncReport{};
  }
  void Put(MemoryStore& store, const std::string& key, const std::string& data,
           const PutOptions& options = {}) {
    ASSERT_TRUE(PutString(store, key, data, options).ok()) << key;
  }
  // Keys, bytes and metadata of src (under src_prefix) equal dst's (under dst_prefix).
  void ExpectIdentical(const std::string& src_prefix = "", const std::string& dst_prefix = "") {
    auto src = ListAll(src_, ListOptions{src_prefix, "", "", 1000});
    auto dst = ListAll(dst_, ListOptions{dst_prefix, "", "", 1000});
    ASSERT_TRUE(src.ok() && dst.ok());
    ASSERT_EQ(src->size(), dst->size());
    for (size_t i = 0; i < src->size(); ++i) {
      const std::string rel = (*src)[i].key.substr(src_prefix.size());
      ASSERT_EQ((*dst)[i].key, dst_prefix + rel);
      auto a = GetString(src_, (*src)[i].key);
      auto b = GetString(dst_, (*dst)[i].key);
      ASSERT_TRUE(a.ok() && b.ok()) << rel;
      EXPECT_EQ(*a, *b) << rel;
      auto ha = src_.Head((*src)[i].key);
      auto hb = dst_.Head((*dst)[i].key);
      ASSERT_TRUE(ha.ok() && hb.ok());
      EXPECT_EQ(ha->metadata, hb->metadata) << rel;
    }
    auto uploads = dst_.ListMultipartUploads("");
    ASSERT_TRUE(uploads.ok());
    EXPECT_TRUE(uploads->empty()) << "an upload was left behind";
  }

  std::filesystem::path dir_;
  MemoryStore src_{"src", SmallParts()};
  MemoryStore dst_{"dst", SmallParts()};
  std::unique_ptr<JobQueue> queue_;
  std::unique_ptr<StateStore> state_;
  SyncOptions options_;
};

TEST_F(SyncEngineTest, MixedSizesArriveIdenticalAndASecondRunCopiesNothing) {
  PutOptions meta;
  meta.metadata.content_type = "text/plain";
  meta.metadata.cache_control = "max-age=60";
  meta.metadata.content_disposition = "attachment";
  meta.metadata.user["owner"] = "ops";
  Put(src_, "empty", "");
  Put(src_, "small.txt", "hello", meta);
  Put(src_, "dir/one-part", Bytes(7000, 'a'), meta);
  Put(src_, "dir/multipart", Bytes(15000, 'b'), meta);  // 4 parts in one job
  Put(src_, "giant", Bytes(45000, 'c'), meta);          // 11 part jobs
  Put(src_, "odd key ä+%#", Bytes(10, 'd'));
  SyncReport first = MustSync();
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(first.copied_objects, 6u);
  EXPECT_EQ(first.copied_bytes, 0u + 5 + 7000 + 15000 + 45000 + 10);
  EXPECT_EQ(first.plan.copy_objects, 6u);
  EXPECT_GE(first.parts_sent, 4u + 11u);
  ExpectIdentical();
  auto record = state_->GetObject("task", "giant");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->status, ObjectStatus::kDone);
  EXPECT_EQ(record->size, 45000u);

  const int puts = dst_.Calls("Put") + dst_.Calls("UploadPart");
  SyncReport second = MustSync();
  EXPECT_EQ(second.plan.copy_objects, 0u);
  EXPECT_EQ(second.plan.skip_objects, 6u);
  EXPECT_EQ(second.copied_objects, 0u);
  EXPECT_EQ(dst_.Calls("Put") + dst_.Calls("UploadPart"), puts);
}

TEST_F(SyncEngineTest, PrefixesMapSourceKeysToDestinationKeys) {
  Put(src_, "in/a", "1");
  Put(src_, "in/b/c", "22");
  Put(src_, "other", "3");
  options_.source_prefix = "in/";
  options_.destination_prefix = "out/x-";
  MustSync();
  ExpectIdentical("in/", "out/x-");
}

TEST_F(SyncEngineTest, ASameSizeRewriteIsCopiedAgain) {
  Put(src_, "k", "aaaa");
  MustSync();
  Put(src_, "k", "bbbb");  // same size, new ETag
  SyncReport again = MustSync();
  EXPECT_EQ(again.plan.count(Reason::kSourceChanged), 1u);
  EXPECT_EQ(again.copied_objects, 1u);
  EXPECT_EQ(*GetString(dst_, "k"), "bbbb");
}

TEST_F(SyncEngineTest, AFailingObjectIsDeadLetteredAfterFiveReceivesWhileOthersComplete) {
  Put(src_, "good-1", "1");
  Put(src_, "bad", "2");
  Put(src_, "good-2", "3");
  src_.FailKey("Get", "bad", Status(Code::kPermissionDenied, "AccessDenied"));
  SyncReport report = MustSync();
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.copied_objects, 2u);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].key, "bad");
  EXPECT_EQ(report.failures[0].attempts, 5);
  EXPECT_NE(report.failures[0].error.find("AccessDenied"), std::string::npos);
  auto dead = queue_->DeadLetters(10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->front().receive_count, 5);
  auto record = state_->GetObject("task", "bad");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->status, ObjectStatus::kFailed);
  // Fixed at the source: the next run copies it.
  src_.ClearKeyFaults();
  SyncReport fixed = MustSync();
  EXPECT_TRUE(fixed.ok());
  EXPECT_EQ(fixed.copied_objects, 1u);
  ExpectIdentical();
}

TEST_F(SyncEngineTest, AFailedGiantObjectLeavesNoUploadBehind) {
  Put(src_, "giant", Bytes(45000, 'g'));
  dst_.FailNext("UploadPart", Status(Code::kPermissionDenied, "denied"), 1000);
  SyncReport report = MustSync();
  EXPECT_EQ(report.failures_total, 1u);
  auto uploads = dst_.ListMultipartUploads("");
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->empty());
}

TEST_F(SyncEngineTest, ARecordedUploadIsResumedWithoutResendingItsParts) {
  const std::string data = Bytes(15000, 'r');  // 4 parts of 4 KiB in one job
  Put(src_, "big", data);
  auto head = src_.Head("big");
  ASSERT_TRUE(head.ok());
  // An earlier process got two parts up, recorded them, and died.
  auto upload_id = dst_.CreateMultipartUpload("big", {});
  ASSERT_TRUE(upload_id.ok());
  StateJournal journal(*state_, "task", "big");
  ASSERT_TRUE(journal.Started(JournaledUpload{*upload_id, 4096, 4, head->info.etag, {}}).ok());
  for (int n = 1; n <= 2; ++n) {
    StringViewSource body(std::string_view(data).substr((n - 1) * 4096, 4096));
    auto etag = dst_.UploadPart("big", *upload_id, n, body);
    ASSERT_TRUE(etag.ok());
    ASSERT_TRUE(journal.PartDone(*upload_id, n, *etag).ok());
  }
  ASSERT_TRUE(state_->UpsertObject(ObjectRecord{"task", "big", 15000, head->info.etag,
                                                ObjectStatus::kCopying, 1, "", 0, {}, {}}).ok());
  const int before = dst_.Calls("UploadPart");
  SyncReport report = MustSync();
  EXPECT_EQ(report.plan.count(Reason::kMissing), 1u);
  EXPECT_EQ(report.parts_resumed, 2u);
  EXPECT_EQ(report.parts_sent, 2u);
  EXPECT_EQ(dst_.Calls("UploadPart") - before, 2);
  ExpectIdentical();
}

TEST_F(SyncEngineTest, AGiantUploadIsResumedFromTheDestinationsParts) {
  const std::string data = Bytes(45000, 'q');  // 11 part jobs
  Put(src_, "giant", data);
  auto head = src_.Head("giant");
  auto upload_id = dst_.CreateMultipartUpload("giant", {});
  ASSERT_TRUE(head.ok() && upload_id.ok());
  ASSERT_TRUE(state_->RecordUpload(UploadRecord{"task", "giant", *upload_id, 4096, 11,
                                                head->info.etag, {}}).ok());
  // Three parts reached the destination; only one was recorded before the crash.
  for (int n = 1; n <= 3; ++n) {
    StringViewSource body(std::string_view(data).substr((n - 1) * 4096, 4096));
    auto etag = dst_.UploadPart("giant", *upload_id, n, body);
    ASSERT_TRUE(etag.ok());
    if (n == 1) {
      ASSERT_TRUE(state_->RecordPart("task", "giant", *upload_id, 1, *etag).ok());
    }
  }
  ASSERT_TRUE(state_->UpsertObject(ObjectRecord{"task", "giant", 45000, head->info.etag,
                                                ObjectStatus::kCopying, 1, "", 0, {}, {}}).ok());
  const int before = dst_.Calls("UploadPart");
  SyncReport report = MustSync();
  EXPECT_EQ(report.parts_resumed, 3u);
  EXPECT_EQ(dst_.Calls("UploadPart") - before, 8);
  ExpectIdentical();
}

TEST_F(SyncEngineTest, ASourceRewrittenAfterListingIsCopiedAsItIsNow) {
  Put(src_, "k", "old!");
  // The listing said "old!"; by the time the worker reads it, it is "new!".
  SyncEngine engine(SyncStores{src_, dst_, *queue_, *state_}, options_);
  auto plan = engine.Plan(/*enqueue=*/true, nullptr);
  ASSERT_TRUE(plan.ok());
  Put(src_, "k", "new!");
  ASSERT_TRUE(engine.Work(/*until_idle=*/true).ok());
  EXPECT_EQ(*GetString(dst_, "k"), "new!");
  auto record = state_->GetObject("task", "k");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->source_etag, src_.Head("k")->info.etag);
}

TEST_F(SyncEngineTest, DeletesDestinationOnlyKeysWhenAsked) {
  Put(src_, "keep", "1");
  Put(dst_, "extra", "2");
  options_.finder.delete_extra = true;
  SyncReport report = MustSync();
  EXPECT_EQ(report.deleted_objects, 1u);
  EXPECT_FALSE(dst_.Head("extra").ok());
  ExpectIdentical();
}

TEST_F(SyncEngineTest, AMalformedJobFailsOnceAndIsReported) {
  ASSERT_TRUE(queue_->Send({Job{"task", "x", "{not json"}}).ok());
  SyncEngine engine(SyncStores{src_, dst_, *queue_, *state_}, options_);
  engine.progress().finder_done = true;
  ASSERT_TRUE(engine.Work(/*until_idle=*/true).ok());
  EXPECT_EQ(engine.progress().failed_objects, 1u);
  auto stats = queue_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->waiting + stats->in_flight, 0);
}

TEST_F(SyncEngineTest, StaleJobsOfADeadRunDoNotHoldTheNextRunUp) {
  Put(src_, "k", "data");
  // A killed run left the job leased for a long time.
  SyncEngine killed(SyncStores{src_, dst_, *queue_, *state_}, options_);
  ASSERT_TRUE(killed.Plan(true, nullptr).ok());
  ASSERT_EQ(queue_->Receive(1, std::chrono::seconds(3600))->size(), 1u);
  SyncReport report = MustSync();
  EXPECT_EQ(report.copied_objects, 1u);
  EXPECT_EQ(report.plan.count(Reason::kMissing), 1u);
}

TEST_F(SyncEngineTest, AStoppedSyncReportsInterruptedAndTheNextRunFinishes) {
  for (int i = 0; i < 10; ++i) Put(src_, "k" + std::to_string(i), "v");
  {
    SyncEngine engine(SyncStores{src_, dst_, *queue_, *state_}, options_);
    engine.Stop();  // as Ctrl-C does
    auto report = engine.Sync();
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), Code::kCancelled);
    EXPECT_NE(report.status().message().find("run the same sync again"), std::string::npos);
  }
  SyncReport next = MustSync();
  EXPECT_EQ(next.copied_objects, 10u);
  ExpectIdentical();
}

}  // namespace
}  // namespace dth
