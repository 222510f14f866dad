// tests/integration/sync_fixture: what the dth sync integration tests share — test data,
// a comparison of two buckets, and SyncCliTest, which runs the dth binary on RGW as an
// operator would. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "run_process.h"
#include "s3_servers.h"
#include "store/s3/s3_store.h"
#include "testing/fault_server.h"

namespace dth::sync_it {

namespace fs = std::filesystem;
using testing::S3Server;

inline std::string Bytes(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + (i * 31 + i / 4096) % 251);
  return s;
}

inline fs::path MakeTempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / (name + "-" + testing::UniqueBucketName("t"));
  fs::create_directories(dir);
  return dir;
}

inline void ExpectIdentical(ObjectStore& src, ObjectStore& dst) {
  auto a = ListAll(src, ListOptions{});
  auto b = ListAll(dst, ListOptions{});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    const std::string& key = (*a)[i].key;
    ASSERT_EQ((*b)[i].key, key);
    EXPECT_EQ((*b)[i].size, (*a)[i].size) << key;
    auto da = GetString(src, key);
    auto db = GetString(dst, key);
    ASSERT_TRUE(da.ok() && db.ok()) << key;
    EXPECT_TRUE(*da == *db) << key << ": contents differ";
    auto ha = src.Head(key);
    auto hb = dst.Head(key);
    ASSERT_TRUE(ha.ok() && hb.ok()) << key;
    EXPECT_EQ(ha->metadata, hb->metadata) << key;
  }
  if (dst.Features().list_multipart_uploads) {
    auto uploads = dst.ListMultipartUploads("");
    ASSERT_TRUE(uploads.ok());
    EXPECT_TRUE(uploads->empty()) << "a multipart upload was left behind";
  }
}

// The dth binary, as an operator runs it.
class SyncCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::RequireServer(S3Server::kRgw, &env_)) GTEST_SKIP() << "RGW not available";
    src_ = testing::MakeBucketStore(S3Server::kRgw);
    dst_ = testing::MakeBucketStore(S3Server::kRgw);
    ASSERT_TRUE(src_ && dst_);
    dir_ = MakeTempDir("dth-sync-cli");
    state_path_ = (dir_ / "state.db").string();
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string Bucket(const s3::S3Store& store) { return store.client().config().bucket; }
  std::map<std::string, std::string> Env() {
    return {{"HOME", dir_.string()}, {"AWS_ACCESS_KEY_ID", env_.access_key},
            {"AWS_SECRET_ACCESS_KEY", env_.secret_key}, {"AWS_PROFILE", ""},
            {"AWS_SESSION_TOKEN", ""}, {"AWS_REGION", "us-east-1"}};
  }
  testing::ProcessResult Dth(std::vector<std::string> args,
                             const std::function<void(pid_t)>& on_start = nullptr) {
    return testing::RunProcess(DTH_BIN_PATH, args, Env(), 180, on_start);
  }

  testing::ServerEnv env_;
  std::unique_ptr<s3::S3Store> src_, dst_;
  fs::path dir_;
  std::string state_path_;
};

// SyncCliTest with bucket URLs, a slow proxy and a way to act on a running dth.
class SyncSafetyTest : public SyncCliTest {
 protected:
  std::string Url(const s3::S3Store& store, const std::string& prefix = "") {
    return "s3://" + Bucket(store) + "/" + prefix;
  }
  // A proxy in front of RGW that holds every part upload (or every PUT) for a while.
  std::unique_ptr<testing::FaultServer> SlowProxy(const std::string& contains, int ms) {
    auto proxy = testing::FaultServer::Start(env_.endpoint);
    EXPECT_TRUE(proxy.ok());
    testing::FaultRule slow;
    slow.method = "PUT";
    slow.target_contains = contains;
    slow.times = -1;
    slow.action.kind = testing::FaultAction::kDelay;
    slow.action.delay = std::chrono::milliseconds(ms);
    (*proxy)->AddRule(slow);
    return std::move(proxy).value();
  }
  // Runs dth with args; calls act(pid) once `ready()` holds (checked every 25 ms).
  testing::ProcessResult DthWhen(const std::vector<std::string>& args,
                                 const std::function<bool()>& ready,
                                 const std::function<void(pid_t)>& act) {
    std::atomic<pid_t> child{0};
    std::atomic<bool> done{false};
    std::thread watcher([&] {
      for (int i = 0; i < 2400 && !done; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        if (child.load() > 0 && ready()) {
          act(child.load());
          return;
        }
      }
    });
    auto result = Dth(args, [&](pid_t pid) { child = pid; });
    done = true;
    watcher.join();
    return result;
  }
};

}  // namespace dth::sync_it
