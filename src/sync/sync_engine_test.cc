// SyncEngine on in-memory stores with the real SQLite queue and state store: identical
// destinations, incremental re-runs, same-size rewrites, giant objects as part jobs,
// resuming a recorded upload, dead letters, deletes, malformed jobs.
#include "sync/sync_engine.h"

#include <algorithm>

#include "sync/state_journal.h"
#include "sync/sync_engine_fixture.h"

namespace dth {
namespace {

using sync_test::Bytes;
using sync_test::SyncEngineTest;

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

TEST_F(SyncEngineTest, ThePlanLineCountsObjectsInWords) {
  std::vector<std::string> lines;
  options_.log = [&](SyncLogLevel, const std::string& m) { lines.push_back(m); };
  Put(src_, "one", "1");
  MustSync();
  Put(src_, "two", "2");
  Put(src_, "three", "3");
  MustSync();
  auto has = [&](const std::string& text) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("plan of task: 1 object to copy (1 B)"));
  EXPECT_TRUE(has("plan of task: 2 objects to copy (2 B)"));
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
  // A failure a retry could cure (a 5xx) is tried max_receives times.
  src_.FailKey("Get", "bad", Status(Code::kServerError, "InternalError (500)"));
  SyncReport report = MustSync();
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.copied_objects, 2u);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].key, "bad");
  EXPECT_EQ(report.failures[0].attempts, 5);
  EXPECT_NE(report.failures[0].error.find("InternalError"), std::string::npos);
  auto dead = queue_->DeadLetters("task", 0, 10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->front().receive_count, 5);
  EXPECT_NE(dead->front().reason.find("InternalError"), std::string::npos) << dead->front().reason;
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

TEST_F(SyncEngineTest, FailuresNoRetryCanCureAreDeadLetteredAtOnce) {
  Put(src_, "good", "1");
  Put(src_, "denied", "2");
  Put(src_, "gone", "3");
  src_.FailKey("Get", "denied", Status(Code::kPermissionDenied, "AccessDenied (403)"));
  src_.FailKey("Get", "gone", Status(Code::kNotFound, "NoSuchKey (404)"));
  options_.retry_delay = std::chrono::seconds(30);  // a retry would hold the run up
  const auto started = std::chrono::steady_clock::now();
  SyncReport report = MustSync();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  EXPECT_EQ(report.copied_objects, 1u);
  EXPECT_EQ(report.failures_total, 2u);
  for (const SyncFailure& f : report.failures) EXPECT_EQ(f.attempts, 1) << f.key;
  EXPECT_EQ(report.retried_jobs, 0u);
  auto dead = queue_->DeadLetters("task", 0, 10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 2u);
  for (const DeadLetter& d : *dead) {
    EXPECT_EQ(d.receive_count, 1);
    EXPECT_FALSE(d.reason.empty());
  }
}

TEST_F(SyncEngineTest, CorruptedBytesAreRetriedNotDropped) {
  Put(src_, "k", "data");
  // BadDigest once (bytes damaged on the wire): the next attempt succeeds.
  dst_.FailNext("Put", Status(Code::kCorruption, "BadDigest (400)"), 1);
  SyncReport report = MustSync();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.copied_objects, 1u);
  EXPECT_EQ(report.retried_jobs, 1u);
  ExpectIdentical();
}

TEST_F(SyncEngineTest, AGiantObjectBoundForAStreamingDestinationIsOneStream) {
  MemoryStore directory("dir");  // streaming_put, as a local directory
  ASSERT_TRUE(directory.Features().streaming_put);
  Put(src_, "giant", Bytes(45000, 'c'));
  SyncEngine engine(SyncStores{src_, directory, *queue_, *state_}, options_);
  auto report = engine.Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->copied_objects, 1u);
  EXPECT_EQ(report->parts_sent, 0u);
  EXPECT_EQ(directory.Calls("CreateMultipartUpload"), 0);
  EXPECT_EQ(directory.Calls("Put"), 1);
  EXPECT_EQ(*GetString(directory, "giant"), Bytes(45000, 'c'));
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

TEST_F(SyncEngineTest, AMalformedJobIsDeadLetteredOnceWithItsReason) {
  ASSERT_TRUE(queue_->Send({Job{"task", "x", "{not json"}}).ok());
  SyncEngine engine(SyncStores{src_, dst_, *queue_, *state_}, options_);
  engine.progress().finder_done = true;
  ASSERT_TRUE(engine.Work(/*until_idle=*/true).ok());
  EXPECT_EQ(engine.progress().failed_objects, 1u);
  auto stats = queue_->Stats("task");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->waiting + stats->in_flight, 0);
  EXPECT_EQ(stats->dead, 1) << "never dropped silently";
  auto dead = queue_->DeadLetters("task", 0, 10);
  ASSERT_TRUE(dead.ok() && dead->size() == 1u);
  EXPECT_NE(dead->front().reason.find("malformed job"), std::string::npos) << dead->front().reason;
}

TEST_F(SyncEngineTest, StaleJobsOfADeadRunDoNotHoldTheNextRunUp) {
  Put(src_, "k", "data");
  // A killed run left the job leased for a long time.
  SyncEngine killed(SyncStores{src_, dst_, *queue_, *state_}, options_);
  ASSERT_TRUE(killed.Plan(true, nullptr).ok());
  ASSERT_EQ(queue_->Receive("task", 1, std::chrono::seconds(3600))->size(), 1u);
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
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->interrupted) << "a summary, not an error";
    EXPECT_FALSE(report->ok());
  }
  SyncReport next = MustSync();
  EXPECT_EQ(next.copied_objects, 10u);
  ExpectIdentical();
}

TEST_F(SyncEngineTest, OnlyUploadsThisTaskStartedAreAbortedAsStale) {
  Put(src_, "big", Bytes(15000, 'o'));
  // This task started an upload of "big" and replaced it; the abort of the old one
  // failed at the time, so it is still there.
  auto replaced = dst_.CreateMultipartUpload("big", {});
  auto current = dst_.CreateMultipartUpload("big", {});
  // Another tool's upload of the same key, and of a key this task never touched.
  auto foreign_same_key = dst_.CreateMultipartUpload("big", {});
  auto foreign = dst_.CreateMultipartUpload("not-ours", {});
  ASSERT_TRUE(replaced.ok() && current.ok() && foreign_same_key.ok() && foreign.ok());
  ASSERT_TRUE(state_->RecordUpload(UploadRecord{"task", "big", *replaced, 4096, 4, "x", {}}).ok());
  ASSERT_TRUE(state_->RecordUpload(UploadRecord{"task", "big", *current, 4096, 4, "x", {}}).ok());
  SyncReport report = MustSync();
  EXPECT_EQ(report.copied_objects, 1u);
  auto uploads = dst_.ListMultipartUploads("");
  ASSERT_TRUE(uploads.ok());
  std::vector<std::string> left;
  for (const auto& u : *uploads) left.push_back(u.upload_id);
  std::sort(left.begin(), left.end());
  std::vector<std::string> expected{*foreign_same_key, *foreign};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(left, expected) << "ours are gone (replaced: aborted; current: a stale version's, "
                               "aborted on resume); the others' stay";
  EXPECT_TRUE(state_->StaleUploads("task", 10)->empty());
}

}  // namespace
}  // namespace dth
