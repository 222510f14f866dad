// ControlConformance: runs — start, update, get, newest-first paging by task.
#include <algorithm>

#include "control/store/conformance/control_conformance.h"

namespace dth::control {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace

TEST_P(ControlConformance, RunRoundTrip) {
  TaskRecord task = MustCreate(Task("runs"));
  clock_.Advance(seconds(3));
  auto run = store().StartRun(task.id, "schedule");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_GT(run->id, 0);
  RunRecord expected;
  expected.id = run->id;
  expected.task_id = task.id;
  expected.trigger = "schedule";
  expected.status = RunStatus::kRunning;
  expected.started_at = clock_.Now();
  EXPECT_EQ(*run, expected);
  auto got = peer().GetRun(run->id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, expected);

  clock_.Advance(seconds(60));
  RunRecord finished = *run;
  finished.status = RunStatus::kError;
  finished.error = "3 objects failed";
  finished.totals = RunTotals{10, 5'000'000'000, 7, 4'000'000'000, 2, 3, 1};
  finished.finished_at = clock_.Now();
  finished.trigger = "ignored";  // only status, error, totals and finished_at change
  finished.started_at = TimePoint{};
  ASSERT_TRUE(peer().UpdateRun(finished).ok());
  expected.status = RunStatus::kError;
  expected.error = finished.error;
  expected.totals = finished.totals;
  expected.finished_at = finished.finished_at;
  EXPECT_EQ(*store().GetRun(run->id), expected);

  EXPECT_EQ(store().GetRun(run->id + 1000).status().code(), Code::kNotFound);
  RunRecord missing = finished;
  missing.id = run->id + 1000;
  EXPECT_EQ(store().UpdateRun(missing).code(), Code::kNotFound);
  EXPECT_EQ(store().StartRun("t-000000000000", "manual").status().code(), Code::kNotFound);
}

TEST_P(ControlConformance, RunIdsIncreaseAcrossTasksAndListNewestFirst) {
  TaskRecord a = MustCreate(Task("a"));
  TaskRecord b = MustCreate(Task("b"));
  std::vector<int64_t> runs_of_a;
  int64_t last = 0;
  for (int i = 0; i < 25; ++i) {
    for (const TaskRecord* t : {&a, &b}) {
      if (t == &b && i % 3 != 0) continue;
      auto run = (i % 2 == 0 ? store() : peer()).StartRun(t->id, "manual");
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      EXPECT_GT(run->id, last);
      last = run->id;
      if (t == &a) runs_of_a.push_back(run->id);
    }
    clock_.Advance(milliseconds(10));
  }
  std::reverse(runs_of_a.begin(), runs_of_a.end());  // newest first

  auto first = store().ListRuns(a.id, 0, 10);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 10u);
  std::vector<int64_t> listed;
  int64_t before = 0;
  for (;;) {
    auto page = peer().ListRuns(a.id, before, 10);
    ASSERT_TRUE(page.ok());
    for (const RunRecord& r : *page) {
      EXPECT_EQ(r.task_id, a.id);
      listed.push_back(r.id);
    }
    if (page->size() < 10) break;
    before = page->back().id;
  }
  EXPECT_EQ(listed, runs_of_a);
  EXPECT_EQ(first->front().id, runs_of_a.front());
  EXPECT_EQ(store().ListRuns(b.id, 0, 100)->size(), 9u);
  EXPECT_TRUE(store().ListRuns("t-000000000000", 0, 100)->empty());
  EXPECT_EQ(store().ListRuns(a.id, runs_of_a.back(), 10)->size(), 0u);
  EXPECT_EQ(store().ListRuns(a.id, 0, 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store().ListRuns(a.id, 0, 1001).status().code(), Code::kInvalidArgument);

  // Ids are never reused, not even once the newest runs are gone with their task.
  ASSERT_TRUE(store().DeleteTask(b.id).ok());
  ASSERT_TRUE(store().DeleteTask(a.id).ok());
  TaskRecord c = MustCreate(Task("c"));
  EXPECT_GT(peer().StartRun(c.id, "manual")->id, last);
}

}  // namespace dth::control
