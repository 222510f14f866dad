// ControlConformance: many threads on both handles at once — creating tasks, starting
// runs, appending logs, adding samples — lose nothing and mix nothing.
#include <set>
#include <thread>

#include "control/store/conformance/control_conformance.h"

namespace dth::control {

TEST_P(ControlConformance, ThreadsCreateTasksAndAppendLogsAtOnce) {
  TaskRecord shared = MustCreate(Task("shared"));
  constexpr int kThreads = 6, kEach = 40;
  std::vector<std::vector<std::string>> created(kThreads);
  std::vector<std::vector<int64_t>> log_ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ControlStore& s = t % 2 ? peer() : store();
      for (int i = 0; i < kEach; ++i) {
        auto task = s.CreateTask(Task("thread " + std::to_string(t)));
        ASSERT_TRUE(task.ok()) << task.status().ToString();
        created[t].push_back(task->id);
        auto run = s.StartRun(task->id, "manual");
        ASSERT_TRUE(run.ok()) << run.status().ToString();
        auto id = s.AppendLog({0, shared.id, 0, clock_.Now(), LogLevel::kInfo,
                               std::to_string(t) + "/" + std::to_string(i)});
        ASSERT_TRUE(id.ok()) << id.status().ToString();
        log_ids[t].push_back(*id);
        MetricSample sample;
        sample.task_id = shared.id;
        sample.minute = clock_.Now();
        sample.bytes = 1;
        sample.objects_done = t;
        ASSERT_TRUE(s.AddSamples({sample}).ok());
      }
    });
  }
  for (auto& th : threads) th.join();

  std::set<std::string> ids{shared.id};
  std::set<int64_t> logs;
  for (int t = 0; t < kThreads; ++t) {
    ids.insert(created[t].begin(), created[t].end());
    for (size_t i = 1; i < log_ids[t].size(); ++i) EXPECT_GT(log_ids[t][i], log_ids[t][i - 1]);
    logs.insert(log_ids[t].begin(), log_ids[t].end());
  }
  EXPECT_EQ(ids.size(), 1u + kThreads * kEach);
  TaskQuery q;
  q.limit = 1000;
  std::vector<std::string> listed = Ids(ListAll(q));
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), ids);
  EXPECT_EQ(listed.size(), ids.size());

  LogQuery lq;
  lq.task_id = shared.id;
  lq.limit = 1000;
  auto entries = peer().ListLogs(lq);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), static_cast<size_t>(kThreads * kEach));
  std::set<int64_t> listed_logs;
  for (const LogEntry& e : *entries) listed_logs.insert(e.id);
  EXPECT_EQ(listed_logs, logs);

  auto samples = store().ListSamples({shared.id, clock_.Now() - std::chrono::minutes(1),
                                      clock_.Now() + std::chrono::minutes(1), 60});
  ASSERT_TRUE(samples.ok());
  ASSERT_EQ(samples->size(), 1u);
  EXPECT_EQ((*samples)[0].bytes, kThreads * kEach);
  EXPECT_EQ((*samples)[0].objects_done, kEach * (kThreads * (kThreads - 1) / 2));
}

}  // namespace dth::control
