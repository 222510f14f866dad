// Downloads from RGW into a local directory with several ranged GETs at once
// (transfer/ranged_download), through a proxy that counts the GETs and corrupts answers:
// the file arrives identical, its bytes are checked against the source's ETag (part by
// part for a multipart ETag, whole for a plain MD5), and a source that changes mid-way
// or bytes that differ from the ETag leave no file under the key (nor a temp file).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/hash.h"
#include "integration/s3_servers.h"
#include "store/local/local_store.h"
#include "run_process.h"
#include "testing/fault_server.h"
#include "transfer/object_copy.h"

namespace dth {
namespace {

namespace fs = std::filesystem;
using testing::FaultAction;
using testing::FaultRule;
using testing::FaultServer;
using testing::S3Server;

constexpr uint64_t kMiB = 1ull << 20;

std::string Data(size_t n, int seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 167 + seed) ^ (i >> 9));
  return s;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every entry under dir (files and directories), for "nothing was left behind".
std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(e.path().string());
  return out;
}

class RangedDownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ServerEnv env;
    if (!testing::RequireServer(S3Server::kRgw, &env)) GTEST_SKIP() << "RGW not available";
    auto proxy = FaultServer::Start(env.endpoint);
    ASSERT_TRUE(proxy.ok()) << proxy.status().message();
    proxy_ = std::move(proxy).value();
    s3::S3Config config =
        testing::ServerConfig(S3Server::kRgw, testing::UniqueBucketName("rdsrc"));
    config.endpoint = proxy_->endpoint();
    src_ = std::make_unique<s3::S3Store>(config, testing::SharedHttp(),
                                         testing::ServerFeatures(S3Server::kRgw));
    ASSERT_TRUE(src_->CreateBucket().ok());
    dir_ = fs::temp_directory_path() / ("dth-ranged-" + testing::UniqueBucketName("d"));
    auto local = LocalStore::Open(dir_.string(), true);
    ASSERT_TRUE(local.ok()) << local.status().message();
    dst_ = std::move(local).value();
    options_.multipart_threshold = 5 * kMiB;
    options_.part_size = 5 * kMiB;
    options_.part_concurrency = 3;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Uploads data as "obj" in parts of part_size; returns its head (ETag "<md5>-N").
  ObjectHead PutMultipart(const std::string& data, uint64_t part_size) {
    auto id = src_->CreateMultipartUpload("obj", {});
    EXPECT_TRUE(id.ok()) << id.status().message();
    std::vector<PartInfo> parts;
    for (uint64_t off = 0; off < data.size(); off += part_size) {
      std::string_view piece = std::string_view(data).substr(off, part_size);
      StringViewSource body(piece);
      int n = static_cast<int>(parts.size()) + 1;
      auto etag = src_->UploadPart("obj", *id, n, body);
      EXPECT_TRUE(etag.ok()) << etag.status().message();
      parts.push_back(PartInfo{n, etag.ok() ? *etag : "", piece.size()});
    }
    EXPECT_TRUE(src_->CompleteMultipartUpload("obj", *id, parts).ok());
    auto head = src_->Head("obj");
    EXPECT_TRUE(head.ok()) << head.status().message();
    return head.ok() ? *head : ObjectHead{};
  }
  // The ranged GETs of "obj" the proxy saw.
  size_t RangedGets() const {
    size_t n = 0;
    for (const auto& r : proxy_->requests())
      if (r.method == "GET" && r.target.find("/obj") != std::string::npos &&
          FindHeader(r.headers, "Range") != nullptr)
        ++n;
    return n;
  }
  void CorruptEveryGet() {
    FaultAction corrupt;
    corrupt.kind = FaultAction::kCorruptBody;
    proxy_->AddRule(FaultRule{"GET", "/obj", -1, corrupt});
  }

  std::unique_ptr<FaultServer> proxy_;
  std::unique_ptr<s3::S3Store> src_;
  std::unique_ptr<LocalStore> dst_;
  fs::path dir_;
  CopyOptions options_;
};

TEST_F(RangedDownloadTest, AMultipartObjectArrivesIdenticalThroughOneRangedGetPerPart) {
  const std::string data = Data(21 * kMiB + 4321);
  ObjectHead head = PutMultipart(data, 5 * kMiB);
  ASSERT_EQ(head.parts_count, 5) << head.info.etag;

  auto r = CopyObject(*src_, "obj", *dst_, "dir/copied", options_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->destination_etag, head.info.etag);
  EXPECT_EQ(RangedGets(), 5u);
  EXPECT_EQ(HexEncode(Sha256(ReadFile(dir_ / "dir" / "copied"))), HexEncode(Sha256(data)));
  auto local = dst_->Head("dir/copied");
  ASSERT_TRUE(local.ok()) << local.status().message();
  EXPECT_EQ(local->info.etag, head.info.etag);
  EXPECT_EQ(Entries(dir_ / "dir").size(), 1u) << "a temp file was left behind";
}

TEST_F(RangedDownloadTest, PartsOfAnotherSizeThanTheFirstGuessAreFoundByReadingTheFileBack) {
  // 18 MiB + 1 KiB in 6 MiB parts: 4 parts, which 5 MiB parts would make too.
  const std::string data = Data(18 * kMiB + 1024, 3);
  ObjectHead head = PutMultipart(data, 6 * kMiB);
  ASSERT_EQ(head.parts_count, 4) << head.info.etag;

  auto r = CopyObject(*src_, "obj", *dst_, "copied", options_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(RangedGets(), 4u);
  EXPECT_TRUE(ReadFile(dir_ / "copied") == data);
}

TEST_F(RangedDownloadTest, PartsOfNoWholeMiBSizeArriveCheckedByASecondRead) {
  // Parts of 5 MiB + 12,345 bytes (a tool counting in other units): no whole-MiB part
  // size reproduces the ETag, so the object is read once more in one GET and kept only
  // because both reads agree (before, such an object failed as corrupted).
  const std::string data = Data(21 * kMiB, 8);
  ObjectHead head = PutMultipart(data, 5 * kMiB + 12345);
  ASSERT_EQ(head.parts_count, 5) << head.info.etag;

  auto r = CopyObject(*src_, "obj", *dst_, "copied", options_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(RangedGets(), 5u);
  EXPECT_NE(r->note.find("read twice"), std::string::npos) << r->note;
  EXPECT_TRUE(ReadFile(dir_ / "copied") == data);
}

TEST_F(RangedDownloadTest, PartsOfNoWholeMiBSizeThatArriveCorruptedAreNeverStored) {
  PutMultipart(Data(21 * kMiB, 9), 5 * kMiB + 12345);
  CorruptEveryGet();  // the ranges and the second read flip different bytes

  auto r = CopyObject(*src_, "obj", *dst_, "copied", options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_TRUE(Entries(dir_).empty()) << "a file or temp file was left: " << Entries(dir_).front();
}

TEST_F(RangedDownloadTest, APlainMd5ObjectIsDownloadedInRangesAndCheckedWhole) {
  const std::string data = Data(12 * kMiB + 5, 7);
  ASSERT_TRUE(PutString(*src_, "obj", data).ok());

  auto r = CopyObject(*src_, "obj", *dst_, "copied", options_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(RangedGets(), 3u);
  EXPECT_EQ(r->destination_etag, HexEncode(Md5(data)));
  EXPECT_TRUE(ReadFile(dir_ / "copied") == data);
}

TEST_F(RangedDownloadTest, ASourceRewrittenMidDownloadIsRefusedAndLeavesNoFile) {
  PutMultipart(Data(21 * kMiB, 1), 5 * kMiB);
  options_.part_concurrency = 1;  // the ranges one after the other
  std::atomic<bool> rewritten{false};
  options_.on_progress = [&](uint64_t, uint64_t) {
    if (rewritten.exchange(true)) return;
    // Between the first range and the next ones.
    EXPECT_TRUE(PutString(*src_, "obj", Data(21 * kMiB, 2)).ok());
  };

  auto r = CopyObject(*src_, "obj", *dst_, "copied", options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPreconditionFailed) << r.status().ToString();
  EXPECT_TRUE(Entries(dir_).empty()) << "a file or temp file was left: " << Entries(dir_).front();
}

TEST_F(RangedDownloadTest, BytesThatDifferFromTheMultipartEtagAreNeverStored) {
  PutMultipart(Data(21 * kMiB + 1, 4), 5 * kMiB);
  CorruptEveryGet();

  auto r = CopyObject(*src_, "obj", *dst_, "copied", options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_EQ(dst_->Head("copied").status().code(), Code::kNotFound);
  EXPECT_TRUE(Entries(dir_).empty()) << "a file or temp file was left: " << Entries(dir_).front();
}

TEST_F(RangedDownloadTest, BytesThatDifferFromAPlainMd5AreNeverStored) {
  ASSERT_TRUE(PutString(*src_, "obj", Data(12 * kMiB, 5)).ok());
  CorruptEveryGet();

  auto r = CopyObject(*src_, "obj", *dst_, "copied", options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_TRUE(Entries(dir_).empty()) << "a file or temp file was left: " << Entries(dir_).front();
}

// dth sync, as an operator runs it, against the same proxy: a download whose bytes never
// match the ETag is retried, then failed with its reason, and no file appears.
TEST_F(RangedDownloadTest, ASyncWhoseBytesNeverMatchFailsTheObjectWithItsReason) {
  PutMultipart(Data(21 * kMiB, 6), 5 * kMiB);
  CorruptEveryGet();
  testing::ServerEnv env;
  ASSERT_TRUE(testing::RequireServer(S3Server::kRgw, &env));
  const fs::path home = dir_.parent_path() / (dir_.filename().string() + "-home");
  fs::create_directories(home);
  const fs::path out = dir_ / "out";
  auto run = testing::RunProcess(
      DTH_BIN_PATH,
      {"sync", "s3://" + src_->client().config().bucket + "/", out.string(), "--endpoint",
       proxy_->endpoint(), "--state", (home / "state.db").string(), "--retry-delay", "0",
       "--multipart-threshold", "5", "--part-size", "5"},
      {{"HOME", home.string()}, {"AWS_ACCESS_KEY_ID", env.access_key},
       {"AWS_SECRET_ACCESS_KEY", env.secret_key}, {"AWS_PROFILE", ""}, {"AWS_SESSION_TOKEN", ""},
       {"AWS_REGION", "us-east-1"}},
      180);
  fs::remove_all(home);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("failed 1"), std::string::npos) << run.out;
  // No part size reproduces the ETag, and a second read of the whole disagrees.
  EXPECT_NE(run.out.find("differ from the same version read again"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(out / "obj"));
  EXPECT_TRUE(Entries(out).empty()) << "a file or temp file was left: " << Entries(out).front();
  EXPECT_GE(RangedGets(), 10u) << "the download was not retried";
}

}  // namespace
}  // namespace dth
