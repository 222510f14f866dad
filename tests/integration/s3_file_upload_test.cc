// Uploads from a local directory to the real servers: each file is the request's body
// itself (DirectRead::OpenRead), read from the page cache to be hashed and then sent,
// whole or one part at a time, never held in memory. Bytes that differ from what the
// request promised are refused by the server, or cut short by the client, and never
// stored: a file whose recorded MD5 is stale, a file written between the hash and the
// send. A failed send is sent again from the file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fcntl.h>

#include <cstdio>
#include <filesystem>

#include "core/hash.h"
#include "integration/s3_servers.h"
#include "store/local/local_store.h"
#include "testing/fault_server.h"
#include "transfer/object_copy.h"

namespace dth {
namespace {

using testing::FaultAction;
using testing::FaultRule;
using testing::FaultServer;
using testing::S3Server;

constexpr uint64_t kMiB = 1ull << 20;

std::string Data(size_t n, int seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 151 + seed) ^ (i >> 10));
  return s;
}

std::string TempDir() {
  std::string templ = "/tmp/dth-file-upload-XXXXXX";
  EXPECT_NE(::mkdtemp(templ.data()), nullptr);
  return templ;
}

// Overwrites the first byte of path in place and gives the file back the modification
// time it had: what a listing and the recorded metadata see is unchanged.
void CorruptKeepingMtime(const std::string& path) {
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  int c = std::fgetc(f);
  std::fseek(f, 0, SEEK_SET);
  std::fputc(c ^ 0xff, f);
  std::fclose(f);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

// Reads another source; once it has been read to the end, the next read from the start
// first rewrites the file (same size, new bytes): a write landing between the pass that
// hashes the body and the one that sends it.
class RewrittenBetweenPasses : public ByteSource {
 public:
  RewrittenBetweenPasses(ByteSource& inner, std::string path) : inner_(inner), path_(std::move(path)) {}
  uint64_t size() const override { return inner_.size(); }
  Status Rewind() override {
    pos_ = 0;
    return inner_.Rewind();
  }
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ == 0 && passes_ == 1 && !rewritten_) {
      rewritten_ = true;
      std::FILE* f = std::fopen(path_.c_str(), "r+b");
      if (f == nullptr) return IoError("test: cannot open " + path_);
      std::fputs("rewritten", f);
      std::fclose(f);
      struct timespec times[2] = {{0, UTIME_OMIT}, {1000, 0}};
      ::utimensat(AT_FDCWD, path_.c_str(), times, 0);
    }
    auto got = inner_.Read(buf, n);
    if (got.ok() && *got > 0) {
      pos_ += *got;
      if (pos_ == inner_.size()) ++passes_;
    }
    return got;
  }
  bool rewritten() const { return rewritten_; }

 private:
  ByteSource& inner_;
  std::string path_;
  uint64_t pos_ = 0;
  int passes_ = 0;
  bool rewritten_ = false;
};

class FileUploadTest : public ::testing::TestWithParam<S3Server> {
 protected:
  void SetUp() override {
    testing::ServerEnv env;
    if (!testing::RequireServer(GetParam(), &env)) return;
    auto proxy = FaultServer::Start(env.endpoint);
    ASSERT_TRUE(proxy.ok()) << proxy.status().message();
    proxy_ = std::move(proxy).value();
    s3::S3Config config = testing::ServerConfig(GetParam(), testing::UniqueBucketName("fup"));
    config.endpoint = proxy_->endpoint();
    config.body_checksum = s3::BodyChecksum::kSha256;
    dst_ = std::make_unique<s3::S3Store>(config, testing::SharedHttp(),
                                         testing::ServerFeatures(GetParam()));
    ASSERT_TRUE(dst_->CreateBucket().ok());
    root_ = TempDir();
    auto local = LocalStore::Open(root_, true);
    ASSERT_TRUE(local.ok()) << local.status().message();
    src_ = std::move(local).value();
  }
  void TearDown() override {
    std::error_code ec;
    if (!root_.empty()) std::filesystem::remove_all(root_, ec);
  }
  bool Ready() const { return dst_ != nullptr && src_ != nullptr; }
  // Writes data as the file "f" (through the store: its MD5 is recorded where the
  // filesystem keeps xattrs) and returns it as a listing shows it.
  ObjectInfo PutFile(const std::string& data) {
    EXPECT_TRUE(PutString(*src_, "f", data).ok());
    auto all = ListAll(*src_, ListOptions{});
    EXPECT_TRUE(all.ok() && all->size() == 1);
    return all.ok() && all->size() == 1 ? all->front() : ObjectInfo{};
  }
  std::vector<testing::RecordedRequest> Puts(const std::string& key) const {
    std::vector<testing::RecordedRequest> out;
    for (auto& r : proxy_->requests())
      if (r.method == "PUT" && r.target.find("/" + key) != std::string::npos) out.push_back(r);
    return out;
  }

  std::unique_ptr<FaultServer> proxy_;
  std::unique_ptr<s3::S3Store> dst_;
  std::unique_ptr<LocalStore> src_;
  std::string root_;
};

TEST_P(FileUploadTest, AFileGoesUpInOnePutVerifiedByTheServer) {
  if (!Ready()) return;
  const std::string data = Data(3 * kMiB + 77);
  ObjectInfo listed = PutFile(data);
  ByteBudget budget(64 * kMiB);
  CopyOptions options;
  options.budget = &budget;

  auto r = CopyObject(*src_, "f", *dst_, "up", options, &listed);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->destination_etag, HexEncode(Md5(data)));
  auto got = GetString(*dst_, "up");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  auto puts = Puts("up");
  ASSERT_EQ(puts.size(), 1u);
  const std::string* payload = FindHeader(puts[0].headers, "x-amz-content-sha256");
  ASSERT_NE(payload, nullptr);
  if (src_->Features().etag_is_md5) {  // the recorded MD5 goes as Content-MD5
    EXPECT_EQ(*payload, "UNSIGNED-PAYLOAD");
    const std::string* md5 = FindHeader(puts[0].headers, "Content-MD5");
    ASSERT_NE(md5, nullptr);
    EXPECT_EQ(*md5, Base64Encode(Md5(data)));
  } else {  // hashed from the file, then sent
    EXPECT_EQ(*payload, HexEncode(Sha256(data)));
  }
  EXPECT_EQ(budget.peak(), 0u);  // nothing of it was held in memory
}

TEST_P(FileUploadTest, AResetUploadIsSentAgainFromTheFile) {
  if (!Ready()) return;
  const std::string data = Data(2 * kMiB);
  ObjectInfo listed = PutFile(data);
  FaultAction reset;
  reset.kind = FaultAction::kResetConnection;
  proxy_->AddRule(FaultRule{"PUT", "/up", 1, reset});

  auto r = CopyObject(*src_, "f", *dst_, "up", CopyOptions{}, &listed);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto got = GetString(*dst_, "up");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  EXPECT_EQ(Puts("up").size(), 2u);
}

TEST_P(FileUploadTest, AFileWhoseRecordedMd5IsStaleIsRefusedAndNeverStored) {
  if (!Ready()) return;
  if (!src_->Features().etag_is_md5) GTEST_SKIP() << "no xattrs here: no MD5 is recorded";
  const std::string data = Data(2 * kMiB);
  ObjectInfo listed = PutFile(data);
  CorruptKeepingMtime(root_ + "/f");
  auto relisted = ListAll(*src_, ListOptions{});
  ASSERT_TRUE(relisted.ok() && relisted->size() == 1);
  ASSERT_EQ(relisted->front().etag, HexEncode(Md5(data)));  // the record did not notice

  auto r = CopyObject(*src_, "f", *dst_, "up", CopyOptions{}, &relisted->front());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_EQ(dst_->Head("up").status().code(), Code::kNotFound);
}

TEST_P(FileUploadTest, AFileWrittenBetweenTheHashAndTheSendIsNeverStored) {
  if (!Ready()) return;
  // The client cuts the PUT short before its last bytes; s3rver keeps what it received
  // of a request that ends early (RGW, like S3, stores nothing short of Content-Length).
  if (GetParam() == S3Server::kS3rver) GTEST_SKIP() << "s3rver stores a cut-short PUT";
  // No recorded MD5: the body is hashed (SHA-256) in a first pass, then sent.
  std::string plain_root = TempDir();
  std::FILE* f = std::fopen((plain_root + "/f").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  const std::string data = Data(2 * kMiB);
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
  auto plain = LocalStore::Open(plain_root, false);
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  auto file = (*plain)->OpenRead("f", GetOptions{});
  ASSERT_TRUE(file.ok()) << file.status().message();
  RewrittenBetweenPasses body(**file, plain_root + "/f");

  auto put = dst_->Put("up", body, PutOptions{});
  EXPECT_TRUE(body.rewritten());
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), Code::kIo) << put.status().ToString();
  EXPECT_EQ(dst_->Head("up").status().code(), Code::kNotFound);
  std::error_code ec;
  std::filesystem::remove_all(plain_root, ec);
}

TEST_P(FileUploadTest, PartsAreReadFromTheFileNotStreamedChunkSigned) {
  if (!Ready()) return;
  const std::string data = Data(12 * kMiB + 3);
  ObjectInfo listed = PutFile(data);
  ByteBudget budget(64 * kMiB);
  CopyOptions options;
  options.multipart_threshold = 8 * kMiB;
  options.part_size = 5 * kMiB;
  options.budget = &budget;

  auto r = CopyObject(*src_, "f", *dst_, "up", options, &listed);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->multipart);
  auto got = GetString(*dst_, "up");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_TRUE(*got == data);
  int parts = 0;
  for (auto& put : Puts("up")) {
    if (put.target.find("partNumber=") == std::string::npos) continue;
    ++parts;
    const std::string* payload = FindHeader(put.headers, "x-amz-content-sha256");
    ASSERT_NE(payload, nullptr);
    EXPECT_EQ(payload->rfind("STREAMING-", 0), std::string::npos) << *payload;
  }
  EXPECT_EQ(parts, 3);
  EXPECT_EQ(budget.peak(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Servers, FileUploadTest,
                         ::testing::Values(S3Server::kRgw, S3Server::kS3rver),
                         [](const auto& param_info) {
                           return std::string(param_info.param == S3Server::kRgw ? "rgw" : "s3rver");
                         });

}  // namespace
}  // namespace dth
