// StateConformance cases for multipart upload and part records (including the
// last-part decision under concurrency) and run records. Fixture:
// state_conformance_suite.cc.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "state/conformance/state_conformance.h"

namespace dth {
namespace {

UploadRecord Upload(const std::string& upload_id, int part_count, const std::string& key = "big") {
  return UploadRecord{"task-1", key, upload_id, 8 << 20, part_count, "src-etag", {}};
}

}  // namespace

TEST_P(StateConformance, UploadAndPartLifecycle) {
  EXPECT_EQ(store().FindUpload("task-1", "big").status().code(), Code::kNotFound);
  ASSERT_TRUE(store().RecordUpload(Upload("up-1", 3)).ok());
  auto found = peer().FindUpload("task-1", "big");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, Upload("up-1", 3));

  auto done = store().RecordPart("task-1", "big", "up-1", 2, "e2");
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->parts_done, 1);
  EXPECT_FALSE(done->completes_upload);
  done = peer().RecordPart("task-1", "big", "up-1", 2, "e2-again");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->parts_done, 1) << "re-recording a part does not count it twice";
  done = store().RecordPart("task-1", "big", "up-1", 1, "e1");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->parts_done, 2);
  EXPECT_EQ(store().RecordPart("task-1", "big", "up-1", 4, "e4").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(store().RecordPart("task-1", "big", "up-1", 0, "e0").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(store().RecordPart("task-1", "big", "up-old", 3, "e3").status().code(),
            Code::kPreconditionFailed);

  found = store().FindUpload("task-1", "big");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->parts, (std::vector<PartRecord>{{1, "e1", PartStatus::kDone},
                                                   {2, "e2-again", PartStatus::kDone}}));

  // Resuming the same upload keeps its parts; a new upload id drops them.
  ASSERT_TRUE(store().RecordUpload(Upload("up-1", 3)).ok());
  EXPECT_EQ(store().FindUpload("task-1", "big")->parts.size(), 2u);
  ASSERT_TRUE(store().RecordUpload(Upload("up-2", 2)).ok());
  found = store().FindUpload("task-1", "big");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->upload_id, "up-2");
  EXPECT_TRUE(found->parts.empty());
  EXPECT_EQ(store().RecordPart("task-1", "big", "up-1", 3, "e3").status().code(),
            Code::kPreconditionFailed);

  ASSERT_TRUE(peer().DeleteUpload("task-1", "big").ok());
  EXPECT_EQ(store().FindUpload("task-1", "big").status().code(), Code::kNotFound);
  EXPECT_EQ(store().RecordPart("task-1", "big", "up-2", 1, "e1").status().code(),
            Code::kPreconditionFailed);
  EXPECT_TRUE(store().DeleteUpload("task-1", "big").ok()) << "deleting twice is fine";
  EXPECT_EQ(store().RecordUpload(Upload("", 3)).code(), Code::kInvalidArgument);
}

TEST_P(StateConformance, ExactlyOneConcurrentRecorderSeesTheLastPart) {
  constexpr int kParts = 100;
  constexpr int kThreads = 8;
  ASSERT_TRUE(store().RecordUpload(Upload("up-c", kParts, "giant")).ok());
  std::mutex mu;
  std::vector<int> results;
  std::atomic<int> failures{0};
  int completers = 0;  // guarded by mu
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      StateStore& s = t % 2 ? peer() : store();
      for (int part = 1 + t; part <= kParts; part += kThreads) {
        auto done = s.RecordPart("task-1", "giant", "up-c", part, "e" + std::to_string(part));
        if (!done.ok()) { ++failures; continue; }
        std::lock_guard lock(mu);
        results.push_back(done->parts_done);
        if (done->completes_upload) ++completers;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(results.size(), static_cast<size_t>(kParts));
  EXPECT_EQ(std::count(results.begin(), results.end(), kParts), 1);
  EXPECT_EQ(completers, 1);
  std::sort(results.begin(), results.end());
  for (int i = 0; i < kParts; ++i) EXPECT_EQ(results[static_cast<size_t>(i)], i + 1);
  EXPECT_EQ(store().FindUpload("task-1", "giant")->parts.size(), static_cast<size_t>(kParts));
}

// A part recorded again after the upload completed (a retried job) must not make a
// second completer.
TEST_P(StateConformance, RerecordedLastPartDoesNotCompleteTwice) {
  ASSERT_TRUE(store().RecordUpload(Upload("up-r", 2, "twice")).ok());
  ASSERT_FALSE(store().RecordPart("task-1", "twice", "up-r", 1, "e1")->completes_upload);
  auto last = peer().RecordPart("task-1", "twice", "up-r", 2, "e2");
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->completes_upload);
  auto again = store().RecordPart("task-1", "twice", "up-r", 2, "e2");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->parts_done, 2);
  EXPECT_FALSE(again->completes_upload);
}

TEST_P(StateConformance, RunRecordsAndCounters) {
  EXPECT_EQ(store().GetRun(424242).status().code(), Code::kNotFound);
  const TimePoint start = clock_.Now();
  auto run = store().StartRun("task-1");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto other = store().StartRun("task-1");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*run, *other);
  ASSERT_TRUE(store().AddToRun(*run, RunCounters{1, 100, 2, 0, 0}).ok());
  ASSERT_TRUE(peer().AddToRun(*run, RunCounters{3, 50, 0, 1, 4}).ok());
  auto got = peer().GetRun(*run);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->task_id, "task-1");
  EXPECT_EQ(got->started_at, start);
  EXPECT_EQ(got->finished_at, TimePoint{}) << "still going";
  EXPECT_EQ(got->counters, (RunCounters{4, 150, 2, 1, 4}));
  clock_.Advance(std::chrono::seconds(90));
  ASSERT_TRUE(store().FinishRun(*run).ok());
  got = store().GetRun(*run);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->finished_at, start + std::chrono::seconds(90));
  EXPECT_EQ(store().GetRun(*other)->counters, RunCounters{});
  EXPECT_EQ(store().AddToRun(424242, RunCounters{1, 0, 0, 0, 0}).code(), Code::kNotFound);
  EXPECT_EQ(store().FinishRun(424242).code(), Code::kNotFound);
}

TEST_P(StateConformance, ReplacedUploadsAreLeftoversUntilForgotten) {
  ASSERT_TRUE(store().RecordUpload(Upload("up-1", 3)).ok());
  ASSERT_TRUE(store().RecordUpload(Upload("up-9", 3, "other")).ok());
  auto stale = peer().StaleUploads("task-1", 10);
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_TRUE(stale->empty()) << "current uploads are not leftovers";
  ASSERT_TRUE(store().RecordUpload(Upload("up-2", 3)).ok());  // replaces up-1
  ASSERT_TRUE(store().RecordUpload(Upload("up-3", 3)).ok());  // replaces up-2
  stale = peer().StaleUploads("task-1", 10);
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(*stale, (std::vector<StaleUpload>{{"big", "up-1"}, {"big", "up-2"}}));
  EXPECT_EQ(peer().StaleUploads("task-1", 1)->size(), 1u);
  EXPECT_TRUE(peer().StaleUploads("task-2", 10)->empty()) << "per task";
  EXPECT_EQ(peer().StaleUploads("task-1", 0).status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(store().ForgetUpload("task-1", "up-1").ok());
  EXPECT_EQ(*peer().StaleUploads("task-1", 10), (std::vector<StaleUpload>{{"big", "up-2"}}));
  // A finished upload (DeleteUpload) is nobody's leftover.
  ASSERT_TRUE(store().DeleteUpload("task-1", "big").ok());
  ASSERT_TRUE(store().DeleteUpload("task-1", "other").ok());
  EXPECT_EQ(*peer().StaleUploads("task-1", 10), (std::vector<StaleUpload>{{"big", "up-2"}}));
  ASSERT_TRUE(store().ForgetUpload("task-1", "up-2").ok());
  EXPECT_TRUE(peer().StaleUploads("task-1", 10)->empty());
  EXPECT_TRUE(store().ForgetUpload("task-1", "no-such").ok());
}

TEST_P(StateConformance, OneExclusiveRunOrManySharedWorkersPerTask) {
  auto run = store().LockTask("task-1", TaskLockMode::kExclusive);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto second = peer().LockTask("task-1", TaskLockMode::kExclusive);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kPreconditionFailed);
  EXPECT_NE(second.status().message().find("task task-1 is already running"), std::string::npos)
      << second.status().message();
  EXPECT_FALSE(peer().LockTask("task-1", TaskLockMode::kShared).ok());
  EXPECT_TRUE(peer().LockTask("task-2", TaskLockMode::kExclusive).ok()) << "per task";
  run->reset();
  auto w1 = peer().LockTask("task-1", TaskLockMode::kShared);
  auto w2 = store().LockTask("task-1", TaskLockMode::kShared);
  ASSERT_TRUE(w1.ok() && w2.ok()) << "workers share a task";
  auto blocked = store().LockTask("task-1", TaskLockMode::kExclusive);
  ASSERT_FALSE(blocked.ok());
  EXPECT_NE(blocked.status().message().find("dth worker"), std::string::npos)
      << blocked.status().message();
  w1->reset();
  w2->reset();
  EXPECT_TRUE(store().LockTask("task-1", TaskLockMode::kExclusive).ok());
}

}  // namespace dth
