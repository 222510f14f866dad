#include "sync/record_cursor.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "state/sqlite/sqlite_state_store.h"

namespace dth {
namespace {

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%05d", i);
  return buf;
}

class RecordCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStateStore::Open(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    state_ = std::move(opened).value();
    std::vector<ObjectRecord> records;
    for (int i = 0; i < 5000; i += 2) {  // even keys only
      ObjectRecord r;
      r.task_id = "t";
      r.key = Key(i);
      r.source_etag = "etag-" + std::to_string(i);
      r.status = ObjectStatus::kDone;
      records.push_back(r);
    }
    ObjectRecord other;
    other.task_id = "other-task";
    other.key = Key(1);
    records.push_back(other);
    ASSERT_TRUE(state_->UpsertObjects(records).ok());
  }

  // Asks every key in `keys` and checks each answer against the records.
  void Walk(RecordCursor& cursor, const std::vector<int>& keys) {
    for (int i : keys) {
      auto found = cursor.Find(Key(i));
      ASSERT_TRUE(found.ok()) << found.status().message();
      if (i % 2 == 0 && i < 5000) {
        ASSERT_TRUE(found->has_value()) << Key(i);
        EXPECT_EQ((*found)->source_etag, "etag-" + std::to_string(i));
      } else {
        EXPECT_FALSE(found->has_value()) << Key(i);
      }
    }
  }

  std::unique_ptr<SqliteStateStore> state_;
};

TEST_F(RecordCursorTest, AnAscendingWalkReadsPagesNotKeys) {
  RecordCursor cursor(*state_, "t", 100);
  std::vector<int> keys;
  for (int i = 0; i < 6000; ++i) keys.push_back(i);
  Walk(cursor, keys);
  // 2,500 records in pages of 100, plus the first key alone: about 26 queries, not 6,000.
  EXPECT_LE(cursor.queries(), 30);
}

TEST_F(RecordCursorTest, GoingBackOrJumpingAheadStillAnswersRight) {
  RecordCursor cursor(*state_, "t", 100);
  std::vector<int> keys;
  for (int i = 3000; i < 3300; ++i) keys.push_back(i);  // a range
  for (int i = 100; i < 400; ++i) keys.push_back(i);    // an earlier range
  for (int i = 4500; i < 4700; ++i) keys.push_back(i);  // a later range, far ahead
  keys.insert(keys.end(), {4700, 4700, 4699, 7, 4998, 4999, 5000, 12000});
  Walk(cursor, keys);
  EXPECT_LE(cursor.queries(), 30);
}

TEST_F(RecordCursorTest, AnotherTasksRecordsAreNotSeen) {
  RecordCursor cursor(*state_, "t", 100);
  Walk(cursor, {0, 1, 2, 3});  // k00001 belongs to other-task only
}

TEST_F(RecordCursorTest, AnEmptyTaskHasNoRecords) {
  RecordCursor cursor(*state_, "nothing", 100);
  for (int i = 0; i < 50; ++i) {
    auto found = cursor.Find(Key(i));
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value());
  }
  EXPECT_LE(cursor.queries(), 3);
}

}  // namespace
}  // namespace dth
