// SyncEngine: the paths where data could be lost, mixed or silently skipped — tasks
// sharing one state file, the delete phase (counted first, after the copies), records
// that cannot be read, and resumes pinned to the source's version.
#include <fstream>
#include <thread>

#include "store/local/local_store.h"
#include "store/local/local_test_util.h"
#include "sync/state_journal.h"
#include "sync/sync_engine_fixture.h"

namespace dth {
namespace {

using sync_test::Bytes;
using sync_test::SyncEngineTest;

std::vector<std::string> Keys(ObjectStore& store) {
  std::vector<std::string> keys;
  auto all = ListAll(store, ListOptions{});
  EXPECT_TRUE(all.ok());
  if (all.ok()) {
    for (const auto& o : *all) keys.push_back(o.key);
  }
  return keys;
}

TEST_F(SyncEngineTest, TwoTasksOnOneStateFileRunAtOnceAndNeverTouchEachOthersObjects) {
  MemoryStore src2{"src2", sync_test::SmallParts()};
  MemoryStore dst2{"dst2", sync_test::SmallParts()};
  for (int i = 0; i < 40; ++i) {
    Put(src_, "a/" + std::to_string(i), Bytes(100 + i, 'a'));
    ASSERT_TRUE(PutString(src2, "b/" + std::to_string(i), Bytes(200 + i, 'b')).ok());
  }
  Put(src_, "giant-a", Bytes(45000, 'g'));
  ASSERT_TRUE(PutString(src2, "giant-b", Bytes(45000, 'h')).ok());
  Put(dst_, "only-in-dst-a", "x");
  ASSERT_TRUE(PutString(dst2, "only-in-dst-b", "y").ok());
  SyncOptions one = options_;
  one.task_id = "task-one";
  one.finder.delete_extra = true;
  SyncOptions two = options_;
  two.task_id = "task-two";
  two.finder.delete_extra = true;
  // Each task on its own handles of the same file, as two processes would be.
  const std::string path = (dir_ / "dth.db").string();
  auto q2 = SqliteQueue::Open(path);
  auto s2 = SqliteStateStore::Open(path);
  ASSERT_TRUE(q2.ok() && s2.ok());
  SyncEngine a(SyncStores{src_, dst_, *queue_, *state_}, one);
  SyncEngine b(SyncStores{src2, dst2, **q2, **s2}, two);
  Result<SyncReport> ra = SyncReport{}, rb = SyncReport{};
  std::thread ta([&] { ra = a.Sync(); });
  std::thread tb([&] { rb = b.Sync(); });
  ta.join();
  tb.join();
  ASSERT_TRUE(ra.ok()) << ra.status().ToString();
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  EXPECT_TRUE(ra->ok());
  EXPECT_TRUE(rb->ok());
  EXPECT_EQ(ra->copied_objects, 41u);
  EXPECT_EQ(rb->copied_objects, 41u);
  EXPECT_EQ(ra->deleted_objects, 1u);
  EXPECT_EQ(rb->deleted_objects, 1u);
  EXPECT_EQ(Keys(dst_), Keys(src_));
  EXPECT_EQ(Keys(dst2), Keys(src2));
  for (const std::string& key : Keys(src2)) {
    EXPECT_EQ(*GetString(dst2, key), *GetString(src2, key)) << key;
  }
}

// A queue that hands the worker a job of another task once (a backend bug).
class LeakyQueue : public JobQueue {
 public:
  explicit LeakyQueue(JobQueue& real) : real_(real) {}
  using JobQueue::Send;
  Result<int> Send(const std::vector<Job>& batch, const SendOptions& o) override {
    return real_.Send(batch, o);
  }
  Result<std::vector<Lease>> Receive(const std::string&, int max,
                                     std::chrono::seconds visibility) override {
    return real_.Receive("other-task", max, visibility);  // the bug
  }
  Status Delete(const Lease& l) override { return real_.Delete(l); }
  Status ChangeVisibility(const Lease& l, std::chrono::seconds v) override {
    return real_.ChangeVisibility(l, v);
  }
  Status SendToDeadLetters(const Lease& l, const std::string& r) override {
    ++dead_lettered;
    return real_.SendToDeadLetters(l, r);
  }
  Result<std::vector<DeadLetter>> DeadLetters(const std::string& t, int64_t a, int m) override {
    return real_.DeadLetters(t, a, m);
  }
  Result<int64_t> RequeueDeadLetters(const std::string& t, const std::vector<int64_t>& i) override {
    return real_.RequeueDeadLetters(t, i);
  }
  Result<int64_t> PurgeDeadLetters(const std::string& t, const std::vector<int64_t>& i) override {
    return real_.PurgeDeadLetters(t, i);
  }
  Result<QueueStats> Stats(const std::string& t) override { return real_.Stats(t); }
  Result<int64_t> ArmHeld(const std::string& t) override { return real_.ArmHeld(t); }
  Result<int64_t> ReleaseHeld(const std::string& t) override { return real_.ReleaseHeld(t); }
  Result<int64_t> DropHeld(const std::string& t) override { return real_.DropHeld(t); }
  Result<int64_t> Purge(const std::string& t) override { return real_.Purge(t); }
  int dead_lettered = 0;

 private:
  JobQueue& real_;
};

TEST_F(SyncEngineTest, AWorkerRefusesAJobOfAnotherTaskAsABug) {
  ASSERT_TRUE(PutString(src_, "k", "v").ok());
  const Job foreign = ToQueueJob("other-task", SyncJob{SyncJobKind::kDelete, "precious", 1, "",
                                                       "", 0, "", ""});
  ASSERT_TRUE(queue_->Send({foreign}).ok());
  Put(dst_, "precious", "keep me");
  LeakyQueue leaky(*queue_);
  SyncEngine engine(SyncStores{src_, dst_, leaky, *state_}, options_);
  engine.progress().finder_done = true;
  Status st = engine.Work(/*until_idle=*/true);
  EXPECT_EQ(st.code(), Code::kInternal) << st.ToString();
  EXPECT_NE(st.message().find("other-task"), std::string::npos) << st.message();
  EXPECT_TRUE(dst_.Head("precious").ok()) << "the other task's delete never ran";
  EXPECT_EQ(leaky.dead_lettered, 0) << "nor was it dead-lettered in its task";
  auto stats = queue_->Stats("other-task");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->waiting, 1) << "its job is released for its own workers";
}

TEST_F(SyncEngineTest, MoreDeletesThanTheLimitRefusesTheWholePhase) {
  Put(src_, "keep", "1");
  for (int i = 0; i < 5; ++i) Put(dst_, "extra-" + std::to_string(i), "x");
  options_.finder.delete_extra = true;
  options_.max_deletes = 3;
  SyncReport report = MustSync();
  EXPECT_EQ(report.deleted_objects, 0u) << "counted first: nothing deleted";
  EXPECT_EQ(report.delete_phase, DeletePhase::kRefused);
  EXPECT_EQ(report.deletes_not_run, 5u);
  EXPECT_EQ(report.plan.delete_objects, 5u);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.copied_objects, 1u) << "the copies still run";
  EXPECT_EQ(Keys(dst_).size(), 6u);
  EXPECT_EQ(queue_->Stats("task")->held, 0);
  // At the limit, they run.
  options_.max_deletes = 5;
  SyncReport at_limit = MustSync();
  EXPECT_EQ(at_limit.deleted_objects, 5u);
  EXPECT_TRUE(at_limit.ok());
  EXPECT_EQ(Keys(dst_), std::vector<std::string>{"keep"});
}

TEST_F(SyncEngineTest, DeletesWaitForTheCopiesAndAreSkippedWhenOneFails) {
  Put(src_, "good", "1");
  Put(src_, "bad", "2");
  Put(dst_, "extra", "x");
  src_.FailKey("Get", "bad", Status(Code::kPermissionDenied, "AccessDenied (403)"));
  options_.finder.delete_extra = true;
  SyncReport report = MustSync();
  EXPECT_EQ(report.failures_total, 1u);
  EXPECT_EQ(report.deleted_objects, 0u);
  EXPECT_EQ(report.delete_phase, DeletePhase::kSkipped);
  EXPECT_EQ(report.deletes_not_run, 1u);
  EXPECT_TRUE(dst_.Head("extra").ok());
  // Fixed: the next run copies it, then deletes.
  src_.ClearKeyFaults();
  SyncReport fixed = MustSync();
  EXPECT_TRUE(fixed.ok());
  EXPECT_EQ(fixed.deleted_objects, 1u);
  EXPECT_EQ(fixed.delete_phase, DeletePhase::kRan);
  ExpectIdentical();
}

TEST_F(SyncEngineTest, DeleteDuringDoesNotWaitForTheCopies) {
  Put(src_, "bad", "2");
  Put(dst_, "extra", "x");
  src_.FailKey("Get", "bad", Status(Code::kPermissionDenied, "AccessDenied (403)"));
  options_.finder.delete_extra = true;
  options_.delete_during = true;
  SyncReport report = MustSync();
  EXPECT_EQ(report.failures_total, 1u);
  EXPECT_EQ(report.deleted_objects, 1u) << "the user asked not to wait";
  EXPECT_EQ(report.delete_phase, DeletePhase::kRan);
}

// A state store whose record listing fails (a damaged or locked file).
class UnreadableRecords : public SqliteStateStore {
 public:
  static std::unique_ptr<UnreadableRecords> Open(const std::string& path) {
    auto conn = SqliteConnection::Open(path);
    EXPECT_TRUE(conn.ok());
    return std::unique_ptr<UnreadableRecords>(new UnreadableRecords(*conn));
  }
  Result<ObjectPage> ListObjects(const ObjectQuery&) override {
    return Status(Code::kIo, "disk I/O error");
  }
  Result<ObjectRecord> GetObject(const std::string&, const std::string&) override {
    return Status(Code::kIo, "disk I/O error");
  }

 private:
  explicit UnreadableRecords(std::shared_ptr<SqliteConnection> conn)
      : SqliteStateStore(std::move(conn), StateStoreOptions{}) {}
};

TEST_F(SyncEngineTest, UnreadableRecordsFailTheRunInsteadOfComparingBySize) {
  Put(src_, "k", "aaaa");
  MustSync();
  Put(src_, "k", "bbbb");  // a same-size rewrite only the record can tell
  auto broken = UnreadableRecords::Open((dir_ / "dth.db").string());
  SyncEngine engine(SyncStores{src_, dst_, *queue_, *broken}, options_);
  auto report = engine.Sync();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("reading the task's records"), std::string::npos)
      << report.status().ToString();
  EXPECT_EQ(*GetString(dst_, "k"), "aaaa");
}

// A local source: plain files have no ETag; a resume is pinned to the file's version.
class LocalSourceTest : public SyncEngineTest {
 protected:
  void SetUp() override {
    SyncEngineTest::SetUp();
    root_ = local_test::MakeTempDir();
    auto store = LocalStore::Open(root_, false);
    ASSERT_TRUE(store.ok());
    local_ = std::move(store).value();
  }
  void Write(const std::string& name, const std::string& data) {
    std::ofstream out(root_ + "/" + name, std::ios::binary | std::ios::trunc);
    out << data;
  }
  SyncReport SyncLocal() {
    SyncEngine engine(SyncStores{*local_, dst_, *queue_, *state_}, options_);
    auto report = engine.Sync();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : SyncReport{};
  }
  // What a process that died mid-copy leaves: an upload of the file as it was then, two
  // parts of it uploaded and recorded.
  std::string LeaveHalfAnUpload(const std::string& key, const std::string& data, int parts) {
    auto head = local_->Head(key);
    EXPECT_TRUE(head.ok());
    EXPECT_FALSE(head->info.version.empty());
    auto upload_id = dst_.CreateMultipartUpload(key, {});
    EXPECT_TRUE(upload_id.ok());
    StateJournal journal(*state_, "task", key);
    EXPECT_TRUE(journal.Started(JournaledUpload{*upload_id, 4096,
                                                static_cast<int>((data.size() + 4095) / 4096),
                                                PinVersion(head->info), {}}).ok());
    for (int n = 1; n <= parts; ++n) {
      StringViewSource body(std::string_view(data).substr((n - 1) * 4096, 4096));
      auto etag = dst_.UploadPart(key, *upload_id, n, body);
      EXPECT_TRUE(etag.ok());
      EXPECT_TRUE(journal.PartDone(*upload_id, n, *etag).ok());
    }
    EXPECT_TRUE(state_->UpsertObject(ObjectRecord{"task", key, data.size(), "",
                                                  ObjectStatus::kCopying, 1, "", 0, {}, {}}).ok());
    return *upload_id;
  }
  std::string root_;
  std::unique_ptr<LocalStore> local_;
};

TEST_F(LocalSourceTest, AResumeAfterASameSizeRewriteStartsOverInsteadOfStitching) {
  const std::string old_data = Bytes(15000, 'o');  // 4 parts, one object job
  const std::string new_data = Bytes(15000, 'n');
  Write("big", old_data);
  LeaveHalfAnUpload("big", old_data, 2);
  Write("big", new_data);  // same size, rewritten after the crash
  SyncReport report = SyncLocal();
  EXPECT_EQ(report.copied_objects, 1u);
  EXPECT_EQ(report.parts_resumed, 0u) << "the old version's parts must not be used";
  EXPECT_EQ(*GetString(dst_, "big"), new_data);
  EXPECT_TRUE(dst_.ListMultipartUploads("")->empty());
  // The same file, unchanged: the resume does take the parts.
  const std::string third = Bytes(15000, 't');
  Write("big2", third);
  LeaveHalfAnUpload("big2", third, 2);
  SyncReport resumed = SyncLocal();
  EXPECT_EQ(resumed.parts_resumed, 2u);
  EXPECT_EQ(*GetString(dst_, "big2"), third);
}

TEST_F(LocalSourceTest, AGiantResumeAfterASameSizeRewriteStartsOver) {
  const std::string old_data = Bytes(45000, 'o');  // 11 part jobs
  const std::string new_data = Bytes(45000, 'N');
  Write("giant", old_data);
  LeaveHalfAnUpload("giant", old_data, 5);
  Write("giant", new_data);
  SyncReport report = SyncLocal();
  EXPECT_EQ(report.copied_objects, 1u);
  EXPECT_EQ(report.parts_resumed, 0u);
  EXPECT_EQ(*GetString(dst_, "giant"), new_data);
}

TEST_F(LocalSourceTest, APartReadAfterARewriteFailsInsteadOfMixingVersions) {
  Write("f", Bytes(9000, 'a'));
  auto head = local_->Head("f");
  ASSERT_TRUE(head.ok());
  Write("f", Bytes(9000, 'b'));
  auto part = GetString(*local_, "f", GetOptions{ByteRange{4096, 4096}, PinVersion(head->info)});
  EXPECT_EQ(part.status().code(), Code::kPreconditionFailed) << part.status().ToString();
  auto now = local_->Head("f");
  ASSERT_TRUE(now.ok());
  EXPECT_TRUE(GetString(*local_, "f", GetOptions{ByteRange{4096, 4096}, PinVersion(now->info)}).ok());
}

}  // namespace
}  // namespace dth

namespace dth {
namespace {

// Directory markers ("dir/", zero bytes, as S3 consoles make for folders) going to a local
// directory: they become directories, not failures retried five times or files.
TEST_F(SyncEngineTest, DirectoryMarkersBecomeDirectoriesOfALocalDestination) {
  const std::string root = local_test::MakeTempDir();
  auto opened = LocalStore::Open(root, true);
  ASSERT_TRUE(opened.ok());
  LocalStore& local = **opened;
  MemoryStore src("src", MemoryStore::DefaultFeatures());  // arbitrary keys, like S3
  ASSERT_TRUE(PutString(src, "photos/", "").ok());
  ASSERT_TRUE(PutString(src, "photos/2024/", "").ok());
  ASSERT_TRUE(PutString(src, "photos/2024/a.jpg", "jpeg").ok());
  ASSERT_TRUE(PutString(src, "empty/", "").ok());
  ASSERT_TRUE(PutString(src, "odd/", "a marker with data").ok());
  std::filesystem::create_directories(root + "/photos");  // an existing directory is fine
  options_.max_receives = 5;
  SyncEngine engine(SyncStores{src, local, *queue_, *state_}, options_);
  auto report = engine.Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->copied_objects, 4u);
  EXPECT_EQ(report->failed_objects, 1u);
  ASSERT_EQ(report->failures.size(), 1u);
  EXPECT_EQ(report->failures[0].key, "odd/");
  EXPECT_EQ(report->failures[0].attempts, 1) << "no retry can cure it";
  EXPECT_NE(report->failures[0].error.find("directory marker with 18 bytes"), std::string::npos)
      << report->failures[0].error;
  EXPECT_TRUE(std::filesystem::is_directory(root + "/photos/2024"));
  EXPECT_TRUE(std::filesystem::is_directory(root + "/empty"));
  EXPECT_FALSE(std::filesystem::exists(root + "/odd"));
  EXPECT_EQ(*GetString(local, "photos/2024/a.jpg"), "jpeg");
}

}  // namespace
}  // namespace dth
