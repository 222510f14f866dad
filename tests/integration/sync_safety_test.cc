// dth sync on RGW where data could be lost, mixed or silently skipped: two tasks on one
// state file (at once, and as finder + worker processes), a prefix without a trailing
// slash, the delete limit, a second run of a running task, Ctrl-C, a local file
// rewritten between a kill -9 and the resume, a lost state file, failures no retry can
// cure and the dead-letter commands, and what -v / -vv show.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "sync_fixture.h"
#include "testing/fault_server.h"

namespace dth {
namespace {

using namespace sync_it;  // NOLINT: the shared fixture

std::vector<std::string> Keys(ObjectStore& store, const std::string& prefix = "") {
  std::vector<std::string> keys;
  auto all = ListAll(store, ListOptions{prefix, "", "", 1000});
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  if (all.ok()) {
    for (const auto& o : *all) keys.push_back(o.key);
  }
  return keys;
}

TEST_F(SyncSafetyTest, TwoTasksOnOneStateFileAtOnceEachWithDeleteEndExactlyRight) {
  auto src2 = testing::MakeBucketStore(S3Server::kRgw);
  auto dst2 = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src2 && dst2);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(PutString(*src_, "one/" + std::to_string(i), Bytes(2000 + i, '1')).ok());
    ASSERT_TRUE(PutString(*src2, "two/" + std::to_string(i), Bytes(3000 + i, '2')).ok());
  }
  ASSERT_TRUE(PutString(*dst_, "stale-1", "x").ok());
  ASSERT_TRUE(PutString(*dst2, "stale-2", "y").ok());
  testing::ProcessResult a, b;
  std::thread other([&] {
    b = Dth({"sync", Url(*src2), Url(*dst2), "--endpoint", env_.endpoint, "--state", state_path_,
             "--delete", "--task-id", "two", "--workers", "4"});
  });
  a = Dth({"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--state", state_path_,
           "--delete", "--task-id", "one", "--workers", "4"});
  other.join();
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_NE(a.out.find("copied 30 objects"), std::string::npos) << a.out;
  EXPECT_NE(b.out.find("copied 30 objects"), std::string::npos) << b.out;
  ExpectIdentical(*src_, *dst_);
  ExpectIdentical(*src2, *dst2);
}

TEST_F(SyncSafetyTest, AWorkerOfOneTaskNeverTakesTheJobsOfAnother) {
  // The scenario of the issue: two finders on one state file, then the first task's
  // worker, then the second's.
  auto src2 = testing::MakeBucketStore(S3Server::kRgw);
  auto dst2 = testing::MakeBucketStore(S3Server::kRgw);
  ASSERT_TRUE(src2 && dst2);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(PutString(*src_, "a" + std::to_string(i), "one").ok());
    ASSERT_TRUE(PutString(*src2, "b" + std::to_string(i), "two").ok());
  }
  auto common = [&](const s3::S3Store& s, const s3::S3Store& d, const std::string& task) {
    return std::vector<std::string>{Url(s), Url(d), "--endpoint", env_.endpoint, "--state",
                                    state_path_, "--task-id", task};
  };
  auto with = [](std::vector<std::string> args, const std::string& cmd) {
    args.insert(args.begin(), cmd);
    return args;
  };
  ASSERT_EQ(Dth(with(common(*src_, *dst_, "one"), "finder")).exit_code, 0);
  ASSERT_EQ(Dth(with(common(*src2, *dst2, "two"), "finder")).exit_code, 0);
  auto w1 = Dth(with(common(*src_, *dst_, "one"), "worker"));
  ASSERT_EQ(w1.exit_code, 0) << w1.out << w1.err;
  EXPECT_NE(w1.out.find("copied 10 objects"), std::string::npos) << w1.out;
  EXPECT_NE(w1.out.find("failed 0"), std::string::npos) << w1.out;
  EXPECT_TRUE(Keys(*dst2).empty()) << "the first task's worker copied the second's objects";
  auto w2 = Dth(with(common(*src2, *dst2, "two"), "worker"));
  ASSERT_EQ(w2.exit_code, 0) << w2.out << w2.err;
  EXPECT_NE(w2.out.find("copied 10 objects"), std::string::npos) << w2.out;
  ExpectIdentical(*src_, *dst_);
  ExpectIdentical(*src2, *dst2);
}

TEST_F(SyncSafetyTest, APrefixNamesAFolderWithOrWithoutItsSlash) {
  for (const char* src_prefix : {"data", "data/"}) {
    for (const char* dst_prefix : {"data", "data/"}) {
      SCOPED_TRACE(std::string(src_prefix) + " -> " + dst_prefix);
      auto src = testing::MakeBucketStore(S3Server::kRgw);
      auto dst = testing::MakeBucketStore(S3Server::kRgw);
      ASSERT_TRUE(src && dst);
      ASSERT_TRUE(PutString(*src, "data/a", "A").ok());
      ASSERT_TRUE(PutString(*src, "data/sub/b", "B").ok());
      ASSERT_TRUE(PutString(*src, "data-archive/x", "X").ok());
      ASSERT_TRUE(PutString(*dst, "data/a", "A").ok());        // already there
      ASSERT_TRUE(PutString(*dst, "data/old", "O").ok());      // to delete
      ASSERT_TRUE(PutString(*dst, "data-archive/y", "Y").ok()); // a neighbour: never touched
      ASSERT_TRUE(PutString(*dst, "database", "D").ok());       // likewise
      auto run = Dth({"sync", Url(*src, src_prefix), Url(*dst, dst_prefix), "--endpoint",
                      env_.endpoint, "--state", state_path_, "--delete", "--json"});
      ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
      EXPECT_NE(run.out.find("\"copied_objects\":1"), std::string::npos) << run.out;
      EXPECT_NE(run.out.find("\"deleted_objects\":1"), std::string::npos) << run.out;
      EXPECT_EQ(Keys(*dst), (std::vector<std::string>{"data-archive/y", "data/a", "data/sub/b",
                                                      "database"}));
    }
  }
}

TEST_F(SyncSafetyTest, MoreDeletesThanMaxDeleteDeletesNothing) {
  ASSERT_TRUE(PutString(*src_, "keep", "k").ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(PutString(*dst_, "extra" + std::to_string(i), "x").ok());
  auto dry = Dth({"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--state",
                  state_path_, "--delete", "--max-delete", "3", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("delete 5 (more than --max-delete 3: none would go)"), std::string::npos)
      << dry.out;
  auto run = Dth({"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--state",
                  state_path_, "--delete", "--max-delete", "3"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("deletes refused: 5 destination-only keys exceed --max-delete 3"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(Keys(*dst_).size(), 6u) << "a refused delete phase deletes nothing";
  EXPECT_TRUE(dst_->Head("keep").ok()) << "the copies still ran";
  auto as_json = Dth({"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--state",
                   state_path_, "--delete", "--max-delete", "3", "--json"});
  EXPECT_EQ(as_json.exit_code, 1);
  EXPECT_NE(as_json.out.find("\"status\":\"refused\""), std::string::npos) << as_json.out;
}

TEST_F(SyncSafetyTest, ASecondRunOfARunningTaskIsRefusedWithItsPid) {
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(PutString(*src_, "k" + std::to_string(i), "v").ok());
  auto proxy = SlowProxy("", 500);  // every PUT to the destination waits
  const std::vector<std::string> args = {"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint,
                                         "--dst-endpoint", proxy->endpoint(), "--state",
                                         state_path_, "--workers", "1"};
  testing::ProcessResult second;
  pid_t first_pid = 0;
  auto first = DthWhen(
      args, [&] { return proxy->CountRequests("PUT", "") >= 1; },
      [&](pid_t pid) {
        first_pid = pid;
        second = Dth(args);
      });
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_NE(second.err.find("is already running (pid " + std::to_string(first_pid) + ")"),
            std::string::npos)
      << second.err;
  ExpectIdentical(*src_, *dst_);
}

TEST_F(SyncSafetyTest, CtrlCStopsAtAPartBoundaryPrintsTheSummaryAndTheNextRunResumes) {
  ASSERT_TRUE(PutString(*src_, "big", Bytes(30u << 20, 'c')).ok());  // 6 parts
  auto proxy = SlowProxy("partNumber=", 600);
  const std::vector<std::string> args = {
      "sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--dst-endpoint",
      proxy->endpoint(), "--state", state_path_, "--workers", "1", "--part-concurrency", "1",
      "--multipart-threshold", "5", "--part-size", "5"};
  auto stopped = DthWhen(
      args, [&] { return proxy->CountRequests("PUT", "partNumber=") >= 2; },
      [](pid_t pid) { ::kill(pid, SIGINT); });
  EXPECT_EQ(stopped.exit_code, 130) << stopped.out << stopped.err;
  EXPECT_NE(stopped.out.find("copied 0 objects"), std::string::npos) << stopped.out;
  EXPECT_NE(stopped.out.find("interrupted: run the same command again to resume"),
            std::string::npos)
      << stopped.out;
  EXPECT_NE(stopped.err.find("stopping at a resumable point"), std::string::npos) << stopped.err;
  auto uploads = dst_->ListMultipartUploads("");
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->size(), 1u) << "the upload is kept to resume";
  proxy->ClearRules();
  auto resumed = Dth(args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("resumed: "), std::string::npos) << resumed.out;
  ExpectIdentical(*src_, *dst_);
}

TEST_F(SyncSafetyTest, ALocalFileRewrittenBetweenAKillAndTheResumeIsCopiedWhole) {
  const fs::path local = dir_ / "src";
  fs::create_directories(local);
  auto write = [&](char seed) {
    std::ofstream out(local / "big", std::ios::binary | std::ios::trunc);
    out << Bytes(30u << 20, seed);
  };
  write('o');
  auto proxy = SlowProxy("partNumber=", 700);
  const std::vector<std::string> args = {
      "sync", local.string(), Url(*dst_), "--endpoint", proxy->endpoint(), "--state",
      state_path_, "--workers", "1", "--part-concurrency", "1", "--multipart-threshold", "5",
      "--part-size", "5"};
  auto killed = DthWhen(
      args, [&] { return proxy->CountRequests("PUT", "partNumber=") >= 3; },
      [](pid_t pid) { ::kill(pid, SIGKILL); });
  ASSERT_EQ(killed.signal, SIGKILL) << killed.out << killed.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // parts in the proxy land
  write('n');  // the same size, new content
  proxy->ClearRules();
  auto resumed = Dth(args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(resumed.out.find("resumed: "), std::string::npos)
      << "parts of the old version were reused: " << resumed.out;
  auto got = GetString(*dst_, "big");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == Bytes(30u << 20, 'n')) << "the object mixes two versions of the file";
  // And the record does not make a later run skip a correct object: nothing to do now.
  auto again = Dth(args);
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("copied 0 objects"), std::string::npos) << again.out;
}

TEST_F(SyncSafetyTest, ALostStateFileStillCatchesASameSizeRewrite) {
  ASSERT_TRUE(PutString(*src_, "k", "version-1").ok());
  ASSERT_EQ(Dth({"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--state",
                 state_path_}).exit_code, 0);
  ASSERT_TRUE(PutString(*src_, "k", "version-2").ok());  // same size
  fs::remove(state_path_);
  auto run = Dth({"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--state",
                  (dir_ / "new.db").string(), "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\"checksum-differs\":1"), std::string::npos) << run.out;
  EXPECT_EQ(*GetString(*dst_, "k"), "version-2");
}

TEST_F(SyncSafetyTest, FailuresNoRetryCanCureFailFastAndAreListedAsDeadLetters) {
  auto proxy = testing::FaultServer::Start(env_.endpoint);
  ASSERT_TRUE(proxy.ok());
  testing::FaultRule deny;
  deny.method = "GET";
  deny.target_contains = "/denied";
  deny.times = -1;
  deny.action.status = 403;
  deny.action.headers = {{"Content-Type", "application/xml"}};
  deny.action.body = "<Error><Code>AccessDenied</Code><Message>by the test</Message></Error>";
  (*proxy)->AddRule(deny);
  ASSERT_TRUE(PutString(*src_, "ok", "1").ok());
  ASSERT_TRUE(PutString(*src_, "denied", "2").ok());
  // 1000 bytes of key + a 40-byte destination prefix: over S3's 1,024.
  const std::string long_key(1000, 'l');
  ASSERT_TRUE(PutString(*src_, long_key, "3").ok());
  const std::vector<std::string> args = {"sync", Url(*src_), Url(*dst_, std::string(39, 'p')),
                                         "--endpoint", (*proxy)->endpoint(), "--dst-endpoint",
                                         env_.endpoint, "--state", state_path_,
                                         "--retry-delay", "30"};
  auto run = Dth(args);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("copied 1 object "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("failed 2"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("AccessDenied"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("(1 attempt)"), std::string::npos) << run.out;
  EXPECT_EQ((*proxy)->CountRequests("GET", "/denied"), 1) << "retried a 403";

  std::vector<std::string> list = args;
  list.push_back("--dead-letters");
  auto listed = Dth(list);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("copy   denied"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("2 dead letters"), std::string::npos) << listed.out;
  list.push_back("--json");
  auto as_json = Dth(list);
  ASSERT_EQ(as_json.exit_code, 0);
  EXPECT_NE(as_json.out.find("\"reason\":"), std::string::npos) << as_json.out;
  EXPECT_NE(as_json.out.find("\"key\":\"denied\""), std::string::npos) << as_json.out;
  std::vector<std::string> purge = args;
  purge.push_back("--purge-dead-letters");
  auto purged = Dth(purge);
  ASSERT_EQ(purged.exit_code, 0) << purged.err;
  EXPECT_NE(purged.out.find("removed 2 dead letters"), std::string::npos) << purged.out;
  list.pop_back();
  EXPECT_NE(Dth(list).out.find("0 dead letters"), std::string::npos);
}

TEST_F(SyncSafetyTest, VerboseShowsEachObjectAndVeryVerboseEachRequestWithoutSecrets) {
  const fs::path local = dir_ / "v";
  fs::create_directories(local);
  std::ofstream(local / "a") << "1";
  std::ofstream(local / "big", std::ios::binary) << Bytes(6u << 20, 'v');
  auto v = Dth({"-v", "sync", local.string(), Url(*dst_), "--endpoint", env_.endpoint, "--state",
                state_path_, "--multipart-threshold", "5", "--part-size", "5"});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.err.find("plan of"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("copied a (1 bytes, single request)"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("big (6291456 bytes, multipart, 2 parts sent)"), std::string::npos) << v.err;
  // Server-side copies say so.
  ASSERT_TRUE(PutString(*src_, "s", "2").ok());
  auto server_side = Dth({"-v", "sync", Url(*src_), Url(*dst_, "ss"), "--endpoint", env_.endpoint,
                          "--state", state_path_});
  ASSERT_EQ(server_side.exit_code, 0) << server_side.err;
  EXPECT_NE(server_side.err.find("copied ss/s (1 bytes, server-side"), std::string::npos)
      << server_side.err;
  std::ofstream(local / "b") << "2";
  auto vv = Dth({"-vv", "sync", local.string(), Url(*dst_), "--endpoint", env_.endpoint, "--state",
                 state_path_});
  ASSERT_EQ(vv.exit_code, 0) << vv.err;
  EXPECT_NE(vv.err.find("PutObject PUT"), std::string::npos) << vv.err;
  EXPECT_NE(vv.err.find("-> 200 in"), std::string::npos) << vv.err;
  EXPECT_EQ(vv.err.find(env_.secret_key), std::string::npos) << "a secret in the log";
  EXPECT_EQ(vv.err.find("Signature="), std::string::npos) << "a signature in the log";
}

}  // namespace
}  // namespace dth
