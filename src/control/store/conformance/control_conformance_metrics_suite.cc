// ControlConformance: per-minute metric samples (merging, bucketing by step, retention)
// run logs (paging after an id, run, level and text filters, retention), and the
// notifications outbox.
#include <map>

#include "control/store/conformance/control_conformance.h"

namespace dth::control {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TimePoint HourOf(TimePoint t) {
  const int64_t ms = ToUnixMs(t);
  return FromUnixMs(ms - ms % 3'600'000);
}

MetricSample Sample(const std::string& task, TimePoint minute, int64_t counter, int64_t gauge) {
  MetricSample s;
  s.task_id = task;
  s.minute = minute;
  s.bytes = counter * 1000;
  s.objects_done = counter;
  s.objects_failed = counter % 2;
  s.retries_throttled = 1;
  s.retries_server = 2;
  s.retries_network = 3;
  s.jobs_waiting = gauge;
  s.jobs_running = gauge + 1;
  s.workers_busy = gauge + 2;
  return s;
}

// What ListSamples must answer, from the merged per-minute samples.
std::vector<MetricSample> Bucket(const std::map<TimePoint, MetricSample>& by_minute,
                                 const MetricQuery& q) {
  std::map<int64_t, MetricSample> steps;
  const int64_t step_ms = int64_t{q.step_seconds} * 1000;
  for (const auto& [minute, s] : by_minute) {  // in time order: the last gauge wins
    if (minute < q.from || minute >= q.to) continue;
    const int64_t k = (ToUnixMs(minute) - ToUnixMs(q.from)) / step_ms;
    auto [it, fresh] = steps.try_emplace(k, s);
    MetricSample& b = it->second;
    b.minute = q.from + milliseconds(k * step_ms);
    if (fresh) continue;
    b.bytes += s.bytes;
    b.objects_done += s.objects_done;
    b.objects_failed += s.objects_failed;
    b.retries_throttled += s.retries_throttled;
    b.retries_server += s.retries_server;
    b.retries_network += s.retries_network;
    b.jobs_waiting = s.jobs_waiting;
    b.jobs_running = s.jobs_running;
    b.workers_busy = s.workers_busy;
  }
  std::vector<MetricSample> out;
  for (auto& [k, s] : steps) out.push_back(s);
  return out;
}

}  // namespace

TEST_P(ControlConformance, SamplesMergeIntoTheirMinute) {
  const TimePoint m = HourOf(clock_.Now()) + minutes(7);
  ASSERT_TRUE(store().AddSamples({Sample("t-a", m, 5, 40)}).ok());
  // Counters add, gauges take the value reported last: across calls, handles and
  // within one batch; a time inside the minute counts as that minute.
  ASSERT_TRUE(peer().AddSamples({Sample("t-a", m + seconds(59), 2, 30),
                                 Sample("t-a", m, 1, 20), Sample("t-b", m, 100, 100)}).ok());
  auto got = store().ListSamples({"t-a", m, m + minutes(1), 60});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  MetricSample expected = Sample("t-a", m, 8, 20);
  expected.objects_failed = 1 + 0 + 1;
  expected.retries_throttled = 3;
  expected.retries_server = 6;
  expected.retries_network = 9;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0], expected);
  EXPECT_TRUE(store().AddSamples({}).ok());
  EXPECT_EQ(store().AddSamples({Sample("", m, 1, 1)}).code(), Code::kInvalidArgument);
}

TEST_P(ControlConformance, SamplesBucketByStepFromTheStartOfTheRange) {
  const TimePoint t0 = HourOf(clock_.Now());
  std::map<TimePoint, MetricSample> merged;
  std::vector<MetricSample> first, second, other;
  for (int i = 0; i < 180; ++i) {
    if (i >= 30 && i < 45) continue;  // a quarter hour without samples
    const TimePoint m = t0 + minutes(i);
    first.push_back(Sample("t-a", m, i, 7));
    second.push_back(Sample("t-a", m, 1, 1000 - i));
    other.push_back(Sample("t-b", m, 5000, 5000));
    MetricSample s = Sample("t-a", m, i + 1, 1000 - i);
    s.objects_failed = i % 2 + 1;
    s.retries_throttled = 2;
    s.retries_server = 4;
    s.retries_network = 6;
    merged[m] = s;
  }
  ASSERT_TRUE(store().AddSamples(first).ok());
  ASSERT_TRUE(store().AddSamples(other).ok());
  ASSERT_TRUE(peer().AddSamples(second).ok());

  const MetricQuery queries[] = {
      {"t-a", t0, t0 + hours(3), 60},
      {"t-a", t0 + minutes(1), t0 + hours(3), 180},      // steps start at `from`
      {"t-a", t0 + minutes(20), t0 + minutes(60), 180},  // `to` excluded: minute 60 is not in
      {"t-a", t0, t0 + hours(3), 3600},
      {"t-a", t0 + seconds(30), t0 + hours(2) + seconds(30), 3600},  // not on a minute
      {"t-a", t0 - hours(1), t0 + hours(5), 7200},
      {"t-a", t0 + minutes(31), t0 + minutes(44), 60},  // nothing there
      {"t-a", t0, t0, 60},
  };
  for (const MetricQuery& q : queries) {
    SCOPED_TRACE("from +" + std::to_string(ToUnixMs(q.from) - ToUnixMs(t0)) + " ms to +" +
                 std::to_string(ToUnixMs(q.to) - ToUnixMs(t0)) + " ms, step " +
                 std::to_string(q.step_seconds));
    auto got = peer().ListSamples(q);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    std::vector<MetricSample> expected = Bucket(merged, q);
    EXPECT_EQ(got->size(), expected.size());
    EXPECT_EQ(*got, expected);
  }
  auto steps = store().ListSamples({"t-a", t0, t0 + hours(3), 180});
  ASSERT_TRUE(steps.ok());
  EXPECT_EQ(steps->size(), 60u - 5u);  // 15 empty minutes = 5 omitted steps
  EXPECT_EQ(store().ListSamples({"t-c", t0, t0 + hours(3), 60})->size(), 0u);

  for (int step : {0, -60, 30, 90}) {
    EXPECT_EQ(store().ListSamples({"t-a", t0, t0 + hours(1), step}).status().code(),
              Code::kInvalidArgument) << step;
  }
  EXPECT_EQ(store().ListSamples({"t-a", t0 + hours(1), t0, 60}).status().code(),
            Code::kInvalidArgument);

  // Retention drops whole minutes of every task.
  auto dropped = store().DeleteSamplesBefore(t0 + minutes(60));
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, 2 * (60 - 15));
  EXPECT_EQ(store().ListSamples({"t-a", t0, t0 + hours(1), 60})->size(), 0u);
  EXPECT_EQ(store().ListSamples({"t-b", t0, t0 + hours(3), 60})->size(), 120u);
  EXPECT_EQ(*store().DeleteSamplesBefore(t0 + minutes(60)), 0);
}

TEST_P(ControlConformance, LogsPageAfterAnIdAndFilterByRunLevelAndText) {
  TaskRecord task = MustCreate(Task("logs"));
  const int64_t run1 = store().StartRun(task.id, "manual")->id;
  const int64_t run2 = store().StartRun(task.id, "retry")->id;
  const char* messages[] = {"copied a_b.txt", "copied aXb.txt", "100% done",
                            "Throttled: SlowDown", "listing C:\\in"};
  const LogLevel levels[] = {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError};
  std::vector<LogEntry> all;
  int64_t last = 0;
  for (int i = 0; i < 40; ++i) {
    LogEntry e{0, task.id, i < 5 ? 0 : (i % 2 ? run1 : run2), clock_.Now() + seconds(i),
               levels[i % 4], std::string(messages[i % 5]) + " #" + std::to_string(i)};
    auto id = (i % 2 ? peer() : store()).AppendLog(e);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_GT(*id, last);
    last = e.id = *id;
    all.push_back(e);
    ASSERT_TRUE(store().AppendLog({0, "t-other", 0, clock_.Now(), LogLevel::kError, "x #1"}).ok());
  }
  auto list = [&](LogQuery q) {
    std::vector<LogEntry> out;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = peer().ListLogs(q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      out.insert(out.end(), page->begin(), page->end());
      if (static_cast<int>(page->size()) < q.limit) break;
      q.after_id = page->back().id;
    }
    return out;
  };
  auto expect = [&](auto keep) {
    std::vector<LogEntry> out;
    for (const LogEntry& e : all) {
      if (keep(e)) out.push_back(e);
    }
    return out;
  };
  LogQuery q;
  q.task_id = task.id;
  q.limit = 7;
  EXPECT_EQ(list(q), all);
  q.after_id = all[9].id;
  EXPECT_EQ(list(q), std::vector<LogEntry>(all.begin() + 10, all.end()));
  q.after_id = 0;
  q.run_id = run1;
  EXPECT_EQ(list(q), expect([&](const LogEntry& e) { return e.run_id == run1; }));
  q.min_level = LogLevel::kWarn;
  EXPECT_EQ(list(q), expect([&](const LogEntry& e) {
              return e.run_id == run1 && e.level >= LogLevel::kWarn;
            }));
  q.run_id = 0;
  q.min_level = LogLevel::kError;
  EXPECT_EQ(list(q), expect([](const LogEntry& e) { return e.level == LogLevel::kError; }));
  q.min_level = LogLevel::kDebug;
  q.text = "_";  // literal, not "any one character"
  EXPECT_EQ(list(q), expect([](const LogEntry& e) { return e.message.find('_') != e.message.npos; }));
  q.text = "%";
  EXPECT_EQ(list(q), expect([](const LogEntry& e) { return e.message.find('%') != e.message.npos; }));
  q.text = "slowdown";
  EXPECT_EQ(list(q).size(), 8u);
  q.text = "C:\\IN";
  EXPECT_EQ(list(q).size(), 8u);
  q.text = "#1";  // #1, #10..#19
  q.min_level = LogLevel::kInfo;
  EXPECT_EQ(list(q), expect([](const LogEntry& e) {
              return e.message.find("#1") != e.message.npos && e.level >= LogLevel::kInfo;
            }));

  // A log without a time gets the store's; retention drops entries older than a time.
  auto stamped = store().AppendLog({0, task.id, 0, TimePoint{}, LogLevel::kInfo, "now"});
  ASSERT_TRUE(stamped.ok());
  LogQuery after;
  after.task_id = task.id;
  after.after_id = all.back().id;
  auto tail = store().ListLogs(after);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ((*tail)[0].time, clock_.Now());
  EXPECT_EQ((*tail)[0].id, *stamped);

  auto dropped = store().DeleteLogsBefore(clock_.Now() + seconds(10));
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, 10 + 40 + 1);  // ten of the task's, every "t-other" one, "now"
  q = LogQuery{};
  q.task_id = task.id;
  q.limit = 1000;
  EXPECT_EQ(list(q), std::vector<LogEntry>(all.begin() + 10, all.end()));

  // Ids are never reused, not even once the newest entries are gone.
  ASSERT_TRUE(store().DeleteLogsBefore(clock_.Now() + hours(1)).ok());
  auto next = peer().AppendLog({0, task.id, 0, clock_.Now(), LogLevel::kInfo, "later"});
  ASSERT_TRUE(next.ok());
  EXPECT_GT(*next, *stamped);

  LogQuery bad;
  EXPECT_EQ(store().ListLogs(bad).status().code(), Code::kInvalidArgument);  // no task
  bad.task_id = task.id;
  bad.limit = 0;
  EXPECT_EQ(store().ListLogs(bad).status().code(), Code::kInvalidArgument);
  bad.limit = 1001;
  EXPECT_EQ(store().ListLogs(bad).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store().AppendLog({0, "", 0, clock_.Now(), LogLevel::kInfo, "x"}).status().code(),
            Code::kInvalidArgument);
}

TEST_P(ControlConformance, NotificationsWaitInOrderUntilDeleted) {
  NotificationRecord hook{0, "t-aaaaaaaaaaaa", 3, "webhook", "https://hooks.example.com/x", {}, R"({"text":"a"})",
                          TimePoint{}};
  NotificationRecord mail{0, "t-bbbbbbbbbbbb", 4, "email", "a@example.com, b@example.com",
                          {"a@example.com", "b@example.com"}, "Subject: x\r\n\r\nbody\xff", clock_.Now()};
  auto first = store().AddNotification(hook);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = peer().AddNotification(mail);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_GT(*second, *first);
  auto pending = peer().ListNotifications(10);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->size(), 2u);
  hook.id = *first;
  hook.created_at = clock_.Now();  // the store's clock
  mail.id = *second;
  EXPECT_EQ((*pending)[0], hook);
  EXPECT_EQ((*pending)[1], mail);
  pending = store().ListNotifications(1);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().id, *first);
  ASSERT_TRUE(store().DeleteNotification(*first).ok());
  EXPECT_EQ(store().DeleteNotification(*first).code(), Code::kNotFound);
  pending = store().ListNotifications(10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front(), mail);
  EXPECT_EQ(store().AddNotification(NotificationRecord{}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store().ListNotifications(0).status().code(), Code::kInvalidArgument);
}

}  // namespace dth::control
