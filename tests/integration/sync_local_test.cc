// dth sync with a local directory on one side, on RGW: directory markers become
// directories, orphaned temp files of a killed run go, a read-only source is only read,
// an explicit --state in a missing directory works (the state files private), and a
// second SIGTERM ends a stopping run at once.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "sync_fixture.h"

namespace dth {
namespace {

using namespace sync_it;  // NOLINT: the shared fixture

constexpr int64_t kLongAgo = 946684800;  // 2000-01-01, in seconds

void SetMtime(const fs::path& path, int64_t seconds) {
  struct timespec times[2] = {{0, UTIME_OMIT}, {seconds, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

int64_t MtimeSeconds(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mtim.tv_sec;
}

void WriteFile(const fs::path& path, const std::string& data) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

TEST_F(SyncSafetyTest, DirectoryMarkersBecomeLocalDirectoriesAndOrphanedTempFilesGo) {
  ASSERT_TRUE(PutString(*src_, "photos/", "").ok());
  ASSERT_TRUE(PutString(*src_, "photos/2024/", "").ok());
  ASSERT_TRUE(PutString(*src_, "photos/2024/a.jpg", "jpeg").ok());
  ASSERT_TRUE(PutString(*src_, "empty/", "").ok());
  ASSERT_TRUE(PutString(*src_, "odd/", "a marker with data").ok());
  const fs::path local = dir_ / "dst";
  fs::create_directories(local / "photos");  // an existing directory is fine
  // What a run killed mid-write leaves behind.
  WriteFile(local / "photos" / ".dth-tmp-0123456789abcdef", "half an object");
  SetMtime(local / "photos" / ".dth-tmp-0123456789abcdef", kLongAgo);
  auto run = Dth({"sync", Url(*src_), local.string(), "--endpoint", env_.endpoint, "--state",
                  state_path_, "--retry-delay", "30"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("copied 4 objects"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("failed 1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("directory marker with 18 bytes"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("(1 attempt)"), std::string::npos) << run.out;
  EXPECT_TRUE(fs::is_directory(local / "photos" / "2024"));
  EXPECT_TRUE(fs::is_directory(local / "empty"));
  EXPECT_FALSE(fs::exists(local / "odd"));
  std::ifstream in(local / "photos" / "2024" / "a.jpg");
  std::string jpeg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(jpeg, "jpeg");
  EXPECT_FALSE(fs::exists(local / "photos" / ".dth-tmp-0123456789abcdef"))
      << "an orphaned temp file older than the run stays";
}

TEST_F(SyncSafetyTest, AReadOnlyLocalSourceIsOnlyRead) {
  const fs::path local = dir_ / "ro";
  WriteFile(local / "a" / "file", "data");
  WriteFile(local / "top", "more");
  ASSERT_EQ(::chmod((local / "a").c_str(), 0555), 0);
  ASSERT_EQ(::chmod(local.c_str(), 0555), 0);
  // The tests run as root, whom 0555 does not stop: an entry made and removed shows in
  // the directory's mtime, set far back first.
  SetMtime(local, kLongAgo);
  SetMtime(local / "a", kLongAgo);
  auto run = Dth({"sync", local.string(), Url(*dst_), "--endpoint", env_.endpoint, "--state",
                  state_path_});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("copied 2 objects"), std::string::npos) << run.out;
  EXPECT_EQ(MtimeSeconds(local), kLongAgo) << "something was created in the source";
  EXPECT_EQ(MtimeSeconds(local / "a"), kLongAgo);
  ::chmod(local.c_str(), 0755);
  ::chmod((local / "a").c_str(), 0755);
}

TEST_F(SyncSafetyTest, AnExplicitStateInAMissingDirectoryIsMadePrivate) {
  ASSERT_TRUE(PutString(*src_, "k", "v").ok());
  const fs::path state = dir_ / "new" / "deeper" / "task.db";
  auto run = Dth({"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--state",
                  state.string()});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(fs::status(state).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(dir_ / "new").permissions(), fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir_ / "new" / "deeper").permissions(), fs::perms::owner_all);
  // The default state directory too.
  auto by_default = Dth({"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint});
  ASSERT_EQ(by_default.exit_code, 0) << by_default.out << by_default.err;
  EXPECT_EQ(fs::status(dir_ / ".local" / "state" / "dth").permissions(), fs::perms::owner_all);

  // Below a regular file no directory can be made: one line with the path and the cause.
  WriteFile(dir_ / "plain", "x");
  const std::string bad = (dir_ / "plain" / "sub" / "task.db").string();
  auto refused = Dth({"sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--state", bad});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find((dir_ / "plain" / "sub").string() + " for the database " + bad +
                             ": Not a directory"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("unable to open database file"), std::string::npos) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
}

TEST_F(SyncSafetyTest, ASecondSigtermEndsAStoppingRunAtOnce) {
  ASSERT_TRUE(PutString(*src_, "big", Bytes(15u << 20, 'b')).ok());  // 3 parts
  auto proxy = SlowProxy("partNumber=", 60000);  // a part in flight would take a minute
  const std::vector<std::string> args = {
      "sync", Url(*src_), Url(*dst_), "--endpoint", env_.endpoint, "--dst-endpoint",
      proxy->endpoint(), "--state", state_path_, "--workers", "1", "--part-concurrency", "1",
      "--multipart-threshold", "5", "--part-size", "5"};
  auto run = DthWhen(
      args, [&] { return proxy->CountRequests("PUT", "partNumber=") >= 1; },
      [](pid_t pid) {
        ::kill(pid, SIGTERM);  // stop at a part boundary: waits for the part in flight
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        ::kill(pid, SIGTERM);  // now
      });
  EXPECT_EQ(run.exit_code, 130) << run.out << run.err;
  EXPECT_NE(run.err.find("stopping at a resumable point"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("interrupted"), std::string::npos)
      << "the run waited for the part in flight instead of ending: " << run.out;
}

}  // namespace
}  // namespace dth
