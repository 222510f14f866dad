// StateConformance fixture and the object-record cases. Uploads, parts and runs:
// state_conformance_upload_suite.cc.
#include "state/conformance/state_conformance.h"

#include <algorithm>
#include <vector>

namespace dth {

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StateConformance);

std::string StateTargetName(const ::testing::TestParamInfo<StateTarget>& info) {
  return info.param.name;
}

void PrintTo(const StateTarget& target, std::ostream* os) { *os << target.name; }

void StateConformance::SetUp() {
  handles_ = GetParam().make(&clock_);
  if (!handles_.store) GTEST_SKIP() << "state backend " << GetParam().name << " not available";
}

void StateConformance::TearDown() {
  handles_.peer.reset();
  handles_.store.reset();
  if (handles_.cleanup) handles_.cleanup();
}

ObjectRecord StateConformance::Object(const std::string& key, ObjectStatus status,
                                      const std::string& task) {
  ObjectRecord r;
  r.task_id = task;
  r.key = key;
  r.size = 5'000'000'000ULL + key.size();
  r.source_etag = "etag-" + key;
  r.status = status;
  return r;
}

void StateConformance::MustUpsert(const ObjectRecord& record) {
  Status status = store().UpsertObject(record);
  ASSERT_TRUE(status.ok()) << status.ToString();
}

namespace {

std::vector<std::string> PageKeys(const ObjectPage& page) {
  std::vector<std::string> keys;
  for (const auto& r : page.records) keys.push_back(r.key);
  return keys;
}

}  // namespace

TEST_P(StateConformance, ObjectRoundTripAndReplace) {
  EXPECT_EQ(store().GetObject("task-1", "a").status().code(), Code::kNotFound);
  ObjectRecord r = Object("dir/a b+é", ObjectStatus::kFailed);
  r.attempts = 3;
  r.last_error = "Throttled: SlowDown";
  r.bytes = 1234;
  r.started_at = clock_.Now();
  r.finished_at = clock_.Now() + std::chrono::milliseconds(1500);
  MustUpsert(r);
  auto got = peer().GetObject("task-1", r.key);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, r);
  r.status = ObjectStatus::kDone;
  r.attempts = 4;
  r.last_error.clear();
  MustUpsert(r);
  got = store().GetObject("task-1", r.key);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, r);
  EXPECT_EQ(store().GetObject("task-2", r.key).status().code(), Code::kNotFound);
  EXPECT_EQ(store().UpsertObject(Object("", ObjectStatus::kDone)).code(),
            Code::kInvalidArgument);
}

TEST_P(StateConformance, UpsertManyAtOnce) {
  std::vector<ObjectRecord> records;
  for (int i = 0; i < 300; ++i) records.push_back(Object("k" + std::to_string(i), ObjectStatus::kPending));
  ASSERT_TRUE(store().UpsertObjects(records).ok());
  auto counts = peer().CountObjects("task-1");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 300);
  records[7].status = ObjectStatus::kDone;
  ASSERT_TRUE(store().UpsertObjects({records[7]}).ok());
  EXPECT_EQ(store().GetObject("task-1", "k7")->status, ObjectStatus::kDone);
  // One bad record refuses the batch before anything is written.
  std::vector<ObjectRecord> bad = {Object("fine", ObjectStatus::kDone), Object("", ObjectStatus::kDone)};
  EXPECT_EQ(store().UpsertObjects(bad).code(), Code::kInvalidArgument);
  EXPECT_EQ(store().GetObject("task-1", "fine").status().code(), Code::kNotFound);
  EXPECT_TRUE(store().UpsertObjects({}).ok());
}

TEST_P(StateConformance, SplitKeysDivideTheRecordsEvenly) {
  std::vector<ObjectRecord> records;
  for (int i = 0; i < 100; ++i) {
    char key[8];
    std::snprintf(key, sizeof key, "k%03d", i);
    records.push_back(Object(key, ObjectStatus::kDone));
  }
  ASSERT_TRUE(store().UpsertObjects(records).ok());
  auto keys = store().SplitKeys("task-1", 4);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(*keys, (std::vector<std::string>{"k024", "k049", "k074"}));
  EXPECT_TRUE(store().SplitKeys("task-1", 1)->empty());
  EXPECT_TRUE(store().SplitKeys("no-task", 4)->empty());
  EXPECT_EQ(store().StateStore::SplitKeys("task-1", 4).value(), *keys) << "the default agrees";
}

TEST_P(StateConformance, ListPaginatesInByteOrderWithStatusFilter) {
  const std::vector<std::string> keys = {"B", "a", "a/b", "a0", "ab", "z", "\xc3\xa9"};
  for (size_t i = 0; i < keys.size(); ++i) {
    MustUpsert(Object(keys[i], i % 2 ? ObjectStatus::kDone : ObjectStatus::kFailed));
  }
  MustUpsert(Object("other-task", ObjectStatus::kDone, "task-2"));
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());  // char_traits<char> compares as unsigned bytes
  std::vector<std::string> listed;
  ObjectQuery query{"task-1", std::nullopt, "", 3, ""};
  for (int pages = 0; pages < 10; ++pages) {
    auto page = peer().ListObjects(query);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_LE(page->records.size(), 3u);
    for (const auto& k : PageKeys(*page)) listed.push_back(k);
    if (page->next_start_after.empty()) break;
    query.start_after = page->next_start_after;
  }
  EXPECT_EQ(listed, sorted);

  auto done = store().ListObjects(ObjectQuery{"task-1", ObjectStatus::kDone, "", 100, ""});
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(PageKeys(*done), (std::vector<std::string>{"a", "a0", "z"}));
  EXPECT_TRUE(done->next_start_after.empty());
  auto after = store().ListObjects(ObjectQuery{"task-1", ObjectStatus::kFailed, "a/b", 100, ""});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(PageKeys(*after), (std::vector<std::string>{"ab", "\xc3\xa9"}));
  EXPECT_EQ(store().ListObjects(ObjectQuery{"task-1", std::nullopt, "", 0, ""}).status().code(),
            Code::kInvalidArgument);
}

TEST_P(StateConformance, ListByPrefixIsAKeyRange) {
  for (const std::string key : {"a", "a/", "a/b", "a/b/c", "a0", "a\xff", "a\xff\xff", "b", "\xff\xff"}) {
    MustUpsert(Object(key, key.size() % 2 ? ObjectStatus::kDone : ObjectStatus::kFailed));
  }
  auto list = [&](const std::string& prefix, std::optional<ObjectStatus> status, const std::string& after,
                  int limit) {
    ObjectQuery q{"task-1", status, after, limit, prefix};
    std::vector<std::string> keys;
    for (int pages = 0; pages < 20; ++pages) {
      auto page = peer().ListObjects(q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const auto& k : PageKeys(*page)) keys.push_back(k);
      if (page->next_start_after.empty()) break;
      q.start_after = page->next_start_after;
    }
    return keys;
  };
  EXPECT_EQ(list("a/", std::nullopt, "", 1), (std::vector<std::string>{"a/", "a/b", "a/b/c"}));
  EXPECT_EQ(list("a/b", std::nullopt, "", 100), (std::vector<std::string>{"a/b", "a/b/c"}));
  EXPECT_EQ(list("a/", ObjectStatus::kDone, "", 100), (std::vector<std::string>{"a/b", "a/b/c"})) << "sizes 3 and 5";
  EXPECT_EQ(list("a/", std::nullopt, "a/b", 100), (std::vector<std::string>{"a/b/c"}));
  EXPECT_EQ(list("a\xff", std::nullopt, "", 100), (std::vector<std::string>{"a\xff", "a\xff\xff"}));
  EXPECT_EQ(list("\xff", std::nullopt, "", 100), (std::vector<std::string>{"\xff\xff"}));
  EXPECT_TRUE(list("c", std::nullopt, "", 100).empty());
  EXPECT_EQ(list("", std::nullopt, "", 100).size(), 9u);
}

TEST_P(StateConformance, CountsPerTaskAndStatus) {
  MustUpsert(Object("p1", ObjectStatus::kPending));
  MustUpsert(Object("p2", ObjectStatus::kPending));
  MustUpsert(Object("c", ObjectStatus::kCopying));
  MustUpsert(Object("d", ObjectStatus::kDone));
  MustUpsert(Object("f", ObjectStatus::kFailed));
  MustUpsert(Object("s", ObjectStatus::kSkipped));
  MustUpsert(Object("x", ObjectStatus::kDone, "task-2"));
  MustUpsert(Object("p2", ObjectStatus::kDone));  // a status change moves the count
  auto counts = peer().CountObjects("task-1");
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(*counts, (ObjectCounts{1, 1, 2, 1, 1}));
  EXPECT_EQ(counts->total(), 6);
  auto none = store().CountObjects("task-none");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->total(), 0);
}

}  // namespace dth
