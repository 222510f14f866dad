// The dth command line as people use it: bad input gives one clear line and a
// non-zero exit (never a crash); copies through the CLI arrive intact.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "integration/run_process.h"
#include "integration/s3_servers.h"

namespace dth {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;
using testing::RunProcess;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() / ("dth-cli-" + testing::UniqueBucketName("h"));
    fs::create_directories(home_);
  }
  void TearDown() override { fs::remove_all(home_); }

  // Runs dth with no ambient AWS configuration: a private HOME, AWS_* unset.
  ProcessResult Dth(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    std::map<std::string, std::string> e = {
        {"HOME", home_.string()}, {"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""},
        {"AWS_SESSION_TOKEN", ""}, {"AWS_PROFILE", ""}, {"AWS_REGION", ""},
        {"AWS_DEFAULT_REGION", ""}, {"AWS_SHARED_CREDENTIALS_FILE", ""}, {"AWS_CONFIG_FILE", ""}};
    for (auto& [k, v] : env) e[k] = v;
    return RunProcess(DTH_BIN_PATH, args, e);
  }

  static void ExpectOneLineError(const ProcessResult& r, const std::string& fragment) {
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_GT(r.exit_code, 0) << "killed by signal " << r.signal;
    EXPECT_EQ(r.signal, 0);
    EXPECT_EQ(r.err.rfind("dth: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  }

  fs::path home_;
};

TEST_F(CliTest, HelpAndVersion) {
  auto help = Dth({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("cp"), std::string::npos);
  EXPECT_NE(help.out.find("ls"), std::string::npos);
  auto version = Dth({"version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("dth ", 0), 0u);
}

TEST_F(CliTest, UnknownProviderIsAClearError) {
  ExpectOneLineError(Dth({"ls", "s3://bucket", "--provider", "nosuch", "--anonymous"}), "unknown provider");
}

TEST_F(CliTest, MalformedUrlIsAClearError) {
  ExpectOneLineError(Dth({"ls", "s3://"}), "no bucket name");
  ExpectOneLineError(Dth({"ls", "gs://bucket/x"}), "unsupported scheme");
  ExpectOneLineError(Dth({"cp", "s3:/bucket/key", "/tmp/x"}), "malformed S3 URL");
  ExpectOneLineError(Dth({"ls", "s3://bucket", "--endpoint", "ftp://host"}), "endpoint");
}

TEST_F(CliTest, MissingCredentialsIsAClearError) {
  ExpectOneLineError(Dth({"ls", "s3://bucket", "--endpoint", "http://127.0.0.1:1"}), "no credentials");
  ExpectOneLineError(Dth({"ls", "s3://bucket", "--profile", "ghost", "--endpoint", "http://127.0.0.1:1"}),
                     "ghost");
}

TEST_F(CliTest, UnreachableEndpointIsAClearError) {
  std::map<std::string, std::string> keys = {{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE000000000"},
                                             {"AWS_SECRET_ACCESS_KEY", "s3cr3t-value"}};
  auto r = Dth({"ls", "s3://bucket", "--endpoint", "http://127.0.0.1:9", "--retries", "1"}, keys);
  ExpectOneLineError(r, "127.0.0.1");
  EXPECT_EQ(r.err.find("s3cr3t-value"), std::string::npos);
  // -v shows each retry; --retries bounds them.
  auto verbose = Dth({"-v", "ls", "s3://bucket", "--endpoint", "http://127.0.0.1:9", "--retries", "1"}, keys);
  EXPECT_NE(verbose.err.find("retry 1 of 1"), std::string::npos) << verbose.err;
  EXPECT_EQ(verbose.err.find("retry 2"), std::string::npos) << verbose.err;
  EXPECT_EQ(verbose.err.find("s3cr3t-value"), std::string::npos);
}

TEST_F(CliTest, MissingLocalSourceIsAClearError) {
  ExpectOneLineError(Dth({"cp", (home_ / "nope.txt").string(), (home_ / "out").string()}), "not found");
  ExpectOneLineError(Dth({"cp", home_.string(), (home_ / "out").string()}), "is a directory");
}

TEST_F(CliTest, LocalCopyAndList) {
  std::ofstream(home_ / "a.txt") << "local data";
  auto cp = Dth({"cp", (home_ / "a.txt").string(), (home_ / "dst/").string()});
  ASSERT_EQ(cp.exit_code, 0) << cp.err;
  std::ifstream in(home_ / "dst" / "a.txt");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "local data");
  auto ls = Dth({"ls", (home_ / "dst").string()});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_NE(ls.out.find("a.txt"), std::string::npos);
}

// An S3 key that would escape a local directory is refused with one clear line.
TEST_F(CliTest, KeyEscapingTheLocalRootIsRefused) {
  testing::ServerEnv rgw;
  if (!testing::RequireServer(testing::S3Server::kRgw, &rgw)) GTEST_SKIP() << "RGW not running";
  auto store = testing::MakeBucketStore(testing::S3Server::kRgw);
  ASSERT_TRUE(store);
  ASSERT_TRUE(PutString(*store, "evil/..", "escape attempt").ok());
  fs::create_directories(home_ / "root");
  auto r = Dth({"cp", "s3://" + store->client().config().bucket + "/evil/..", (home_ / "root").string() + "/",
                "--endpoint", rgw.endpoint},
               {{"AWS_ACCESS_KEY_ID", rgw.access_key}, {"AWS_SECRET_ACCESS_KEY", rgw.secret_key}});
  ExpectOneLineError(r, "..");
  EXPECT_EQ(r.err.find("reading side"), std::string::npos) << "the cause must be reported: " << r.err;
  EXPECT_TRUE(fs::is_empty(home_ / "root"));
}

// local -> RGW -> (server-side) RGW -> s3rver -> local, with a profile per side.
TEST_F(CliTest, CopiesAcrossServersAndBack) {
  testing::ServerEnv rgw, s3rver;
  if (!testing::RequireServer(testing::S3Server::kRgw, &rgw) ||
      !testing::RequireServer(testing::S3Server::kS3rver, &s3rver))
    GTEST_SKIP() << "servers not running";
  auto rgw_store = testing::MakeBucketStore(testing::S3Server::kRgw);
  auto s3rver_store = testing::MakeBucketStore(testing::S3Server::kS3rver);
  ASSERT_TRUE(rgw_store && s3rver_store);
  std::string rgw_bucket = rgw_store->client().config().bucket;
  std::string s3rver_bucket = s3rver_store->client().config().bucket;
  {
    std::ofstream creds(home_ / "credentials");
    creds << "[rgw]\naws_access_key_id = " << rgw.access_key << "\naws_secret_access_key = " << rgw.secret_key
          << "\n[s3rver]\naws_access_key_id = " << s3rver.access_key
          << "\naws_secret_access_key = " << s3rver.secret_key << "\n";
  }
  std::string data(7 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 31) ^ (i >> 13));
  std::ofstream(home_ / "big.bin", std::ios::binary) << data;
  std::map<std::string, std::string> env = {{"AWS_SHARED_CREDENTIALS_FILE", (home_ / "credentials").string()}};
  std::vector<std::string> on_rgw = {"--endpoint", rgw.endpoint, "--profile", "rgw"};

  auto Run = [&](std::vector<std::string> args) {
    auto r = Dth(args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  };
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  // 7 MiB with a 5 MiB threshold: multipart.
  Run(with({"cp", (home_ / "big.bin").string(), "s3://" + rgw_bucket + "/in/big.bin",
            "--multipart-threshold", "5", "--part-size", "5"}, on_rgw));
  auto same = Run(with({"cp", "s3://" + rgw_bucket + "/in/big.bin", "s3://" + rgw_bucket + "/copy/"}, on_rgw));
  EXPECT_NE(same.out.find("server-side"), std::string::npos) << same.out;
  Run(with({"cp", "s3://" + rgw_bucket + "/copy/big.bin", "s3://" + s3rver_bucket + "/x/big.bin",
            "--dst-endpoint", s3rver.endpoint, "--dst-profile", "s3rver"}, on_rgw));
  Run({"cp", "s3://" + s3rver_bucket + "/x/big.bin", (home_ / "back.bin").string(), "--endpoint",
       s3rver.endpoint, "--profile", "s3rver"});
  std::ifstream in(home_ / "back.bin", std::ios::binary);
  std::string back((std::istreambuf_iterator<char>(in)), {});
  EXPECT_TRUE(back == data) << "round trip changed the bytes (" << back.size() << " bytes back)";

  auto ls = Run(with({"ls", "-r", "s3://" + rgw_bucket + "/"}, on_rgw));
  EXPECT_NE(ls.out.find("in/big.bin"), std::string::npos);
  EXPECT_NE(ls.out.find("copy/big.bin"), std::string::npos);
  EXPECT_EQ(ls.out.find(rgw.secret_key), std::string::npos);
}

TEST_F(CliTest, SyncBadInputIsOneClearLine) {
  const std::string state = (home_ / "s.db").string();
  fs::create_directories(home_ / "src");
  ExpectOneLineError(Dth({"sync", (home_ / "nope").string(), (home_ / "dst").string(), "--state", state}),
                     "is not a directory");
  ExpectOneLineError(Dth({"sync"}), "no source given");
  ExpectOneLineError(Dth({"sync", "s3://", (home_ / "dst").string()}), "no bucket name");
  ExpectOneLineError(Dth({"sync", (home_ / "src").string(), (home_ / "dst").string(), "--state", state,
                          "--sse", "DES"}),
                     "--sse must be AES256 or aws:kms");
  ExpectOneLineError(Dth({"sync", (home_ / "src").string(), (home_ / "dst").string(), "--state", state,
                          "--task-id", "a/b"}),
                     "task id");
  {
    std::ofstream(home_ / "bad.yaml") << "srcBucket: [unclosed\n";
    std::ofstream(home_ / "typo.yaml") << "workerNumbr: 4\n";
  }
  auto bad = Dth({"sync", "--task-file", (home_ / "bad.yaml").string()});
  ExpectOneLineError(bad, "not YAML or JSON");
  EXPECT_EQ(bad.exit_code, 2);
  ExpectOneLineError(Dth({"sync", "--task-file", (home_ / "typo.yaml").string()}),
                     "unknown parameter 'workerNumbr'");
  ExpectOneLineError(Dth({"sync", "--task-file", (home_ / "missing.yaml").string()}), "cannot read task file");
  // A state file that is not a database.
  {
    std::ofstream(home_ / "junk.db") << "this is not sqlite, just text that is long enough to matter\n";
  }
  ExpectOneLineError(Dth({"sync", (home_ / "src").string(), (home_ / "dst").string(), "--state",
                          (home_ / "junk.db").string()}),
                     "junk.db");
}

TEST_F(CliTest, LocalSyncIsIncrementalAndRecopiesSameSizeRewrites) {
  fs::create_directories(home_ / "src" / "d");
  std::ofstream(home_ / "src" / "d" / "a.txt") << "aaaa";
  std::ofstream(home_ / "src" / "b.txt") << "b";
  const std::vector<std::string> base = {"sync", (home_ / "src").string(), (home_ / "dst").string(),
                                         "--state", (home_ / "s.db").string()};
  auto first = Dth(base);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("copied 2 objects"), std::string::npos) << first.out;
  auto second = Dth(base);
  EXPECT_NE(second.out.find("copied 0 objects"), std::string::npos) << second.out;
  std::ofstream(home_ / "src" / "d" / "a.txt") << "AAAA";  // same size
  auto third = Dth(base);
  EXPECT_NE(third.out.find("copied 1 object "), std::string::npos) << third.out;
  std::ifstream in(home_ / "dst" / "d" / "a.txt");
  std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, "AAAA");
}

}  // namespace
}  // namespace dth
