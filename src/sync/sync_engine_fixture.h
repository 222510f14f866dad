// sync/sync_engine_fixture: the fixture of the SyncEngine unit tests: in-memory source and
// destination with small parts, and the real SQLite queue and state store in a temp dir.
// Test-only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "queue/sqlite/sqlite_queue.h"
#include "state/sqlite/sqlite_state_store.h"
#include "store/memory/memory_store.h"
#include "sync/sync_engine.h"

namespace dth::sync_test {


inline StoreFeatures SmallParts() {
  StoreFeatures f = MemoryStore::DefaultFeatures();
  f.min_part_size = 1024;
  f.streaming_put = false;  // like S3: an object above the threshold goes multipart
  return f;
}

inline std::string Bytes(size_t n, char seed) {
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

}  // namespace dth::sync_test
