// Tests for LocalStore: the shared conformance suite, key validation, atomic writes,
// conflicts, Delete, Open, multipart layout. Symlinks, foreign files, concurrency:
// local_store_fs_test.cc; listings: local_lister_test.cc.
#include "store/local/local_store.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "core/hash.h"
#include "store/conformance/store_conformance.h"
#include "store/local/key_path.h"
#include "store/local/local_fs.h"
#include "store/local/local_test_util.h"

namespace dth {
namespace {

using local_test::AllPaths;
using local_test::AnyTempFile;
using local_test::MakeTempDir;
using local_test::OpenTemp;
using local_test::WriteFile;

INSTANTIATE_TEST_SUITE_P(Local, StoreConformance,
                         ::testing::Values(StoreTarget{"local",
                                                       []() -> std::unique_ptr<ObjectStore> {
                                                         return local_test::OpenTemp();
                                                       }}),
                         StoreTargetName);

TEST(LocalStoreKeys, RejectsKeysThatEscapeOrCannotBeRepresented) {
  auto store = OpenTemp();
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->Features().arbitrary_keys);
  const std::string cases[] = {
      "",
      "/abs",
      "/",
      ".",
      "..",
      "../escape",
      "a/../../b",
      "a/./b",
      "a/..",
      "a//b",
      "dir/",
      std::string("nul\0byte", 8),
      std::string(256, 'x'),
      "ok/" + std::string(256, 'y') + "/z",
      ".dth",
      ".dth/uploads/x",
      ".dth-tmp-1234",
      "a/.dth-tmp-x",
  };
  for (const auto& key : cases) {
    SCOPED_TRACE(local::EscapeKey(key));
    auto put = PutString(*store, key, "x");
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.status().code(), Code::kInvalidArgument) << put.status().ToString();
    EXPECT_EQ(put.status().message().find('\n'), std::string::npos);
    EXPECT_NE(put.status().message().find(local::EscapeKey(key)), std::string::npos)
        << put.status().message();
    EXPECT_EQ(store->Head(key).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(store->Delete(key).code(), Code::kInvalidArgument);
    EXPECT_EQ(store->CreateMultipartUpload(key, {}).status().code(), Code::kInvalidArgument);
  }
  EXPECT_TRUE(AllPaths(store->root()).empty()) << "nothing may be written";
  // Allowed: 255-byte segments, ".dth" below the top level, dots inside names.
  for (const std::string& key : {std::string(255, 'n'), std::string("a/.dth/x"),
                                 std::string("...x/.hidden"), std::string("a/.dth-tmp")}) {
    EXPECT_TRUE(PutString(*store, key, "x").ok()) << key;
  }
}

TEST(LocalStoreKeys, EscapesKeysForMessages) {
  EXPECT_EQ(local::EscapeKey("plain/key"), "\"plain/key\"");
  EXPECT_EQ(local::EscapeKey(std::string("a\nb\0c\x7f", 6)), "\"a\\nb\\x00c\\x7F\"");
  EXPECT_EQ(local::EscapeKey("q\"\\"), "\"q\\\"\\\\\"");
  EXPECT_EQ(local::EscapeKey("日本\xff"), "\"日本\\xFF\"");
}

TEST(LocalStoreKeys, MapsToFilesUnderRoot) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  ASSERT_TRUE(PutString(*store, "a/b/c.txt", "hello").ok());
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "d" + std::to_string(i) + "/";
  ASSERT_TRUE(PutString(*store, deep + "leaf", "deep").ok());
  EXPECT_EQ(*GetString(*store, deep + "leaf"), "deep");
  std::ifstream in(root + "/a/b/c.txt");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "hello");
  EXPECT_FALSE(AnyTempFile(root));
}

// Yields `good` bytes, then fails.
class FailingSource : public ByteSource {
 public:
  explicit FailingSource(size_t good) : good_(good) {}
  uint64_t size() const override { return good_ * 2; }
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ >= good_) return IoError("source failed midway");
    size_t take = std::min(n, good_ - pos_);
    std::fill(buf, buf + take, 'z');
    pos_ += take;
    return take;
  }
  Status Rewind() override {
    pos_ = 0;
    return Status::Ok();
  }

 private:
  size_t good_;
  size_t pos_ = 0;
};

TEST(LocalStoreAtomicity, FailedWriteLeavesNoFileAndNoTempFile) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  FailingSource failing(3 << 20);
  auto put = store->Put("deep/new/object", failing, {});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), Code::kIo) << put.status().ToString();
  EXPECT_EQ(store->Head("deep/new/object").status().code(), Code::kNotFound);
  EXPECT_FALSE(AnyTempFile(root));

  // Overwriting: the old content survives a failed write.
  ASSERT_TRUE(PutString(*store, "kept", "old content").ok());
  FailingSource failing2(100);
  ASSERT_FALSE(store->Put("kept", failing2, {}).ok());
  EXPECT_EQ(*GetString(*store, "kept"), "old content");
  EXPECT_FALSE(AnyTempFile(root));

  // A body shorter than it claims is refused the same way.
  class ShortSource : public StringViewSource {
   public:
    ShortSource() : StringViewSource("abc") {}
    uint64_t size() const override { return 10; }
  } short_source;
  auto short_put = store->Put("short", short_source, {});
  ASSERT_FALSE(short_put.ok());
  EXPECT_EQ(short_put.status().code(), Code::kCorruption);
  EXPECT_EQ(store->Head("short").status().code(), Code::kNotFound);
  EXPECT_FALSE(AnyTempFile(root));
}

// No room to write (here a file-size limit, EFBIG; a full disk is ENOSPC): the object
// fails at once with the reason, not retried as an I/O error, and leaves no temp file.
// In a child process: the limit is the process's.
TEST(LocalStoreAtomicity, AWriteWithNoRoomFailsOnceWithItsReason) {
  EXPECT_EQ(local::ErrnoStatus(ENOSPC, "write", "/d/f").code(), Code::kPermanent);
  EXPECT_EQ(local::ErrnoStatus(EDQUOT, "write", "/d/f").code(), Code::kPermanent);
  EXPECT_EQ(local::ErrnoStatus(EIO, "write", "/d/f").code(), Code::kIo);
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto child = [] {
    std::signal(SIGXFSZ, SIG_IGN);
    std::string root;
    auto store = OpenTemp(&root);
    const rlimit limit{1 << 20, 1 << 20};
    if (!store || ::setrlimit(RLIMIT_FSIZE, &limit) != 0) std::_Exit(2);
    auto put = PutString(*store, "big", std::string(3 << 20, 'x'));
    const bool refused = !put.ok() && put.status().code() == Code::kPermanent &&
                         put.status().message().find("File too large") != std::string::npos;
    if (!refused) std::fprintf(stderr, "%s\n", put.ok() ? "stored" : put.status().ToString().c_str());
    std::_Exit(refused && !AnyTempFile(root) ? 0 : 1);
  };
  EXPECT_EXIT(child(), ::testing::ExitedWithCode(0), "");
}

TEST(LocalStoreConflicts, FileAndDirectoryCannotShareAName) {
  auto store = OpenTemp();
  ASSERT_TRUE(store);
  ASSERT_TRUE(PutString(*store, "a", "file").ok());
  auto under_file = PutString(*store, "a/b", "x");
  ASSERT_FALSE(under_file.ok());
  EXPECT_EQ(under_file.status().code(), Code::kPreconditionFailed);
  ASSERT_TRUE(PutString(*store, "d/x", "x").ok());
  auto over_dir = PutString(*store, "d", "x");
  ASSERT_FALSE(over_dir.ok());
  EXPECT_EQ(over_dir.status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(store->Head("d").status().code(), Code::kNotFound) << "a directory is no object";
  EXPECT_TRUE(store->Delete("d").ok());
  EXPECT_TRUE(store->Head("d/x").ok());
}

TEST(LocalStoreDelete, RemovesEmptyParentsButNotRoot) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  ASSERT_TRUE(PutString(*store, "x/y/z/leaf", "1").ok());
  ASSERT_TRUE(PutString(*store, "x/other", "2").ok());
  ASSERT_TRUE(store->Delete("x/y/z/leaf").ok());
  EXPECT_FALSE(std::filesystem::exists(root + "/x/y"));
  EXPECT_TRUE(std::filesystem::exists(root + "/x/other"));
  ASSERT_TRUE(store->Delete("x/other").ok());
  EXPECT_FALSE(std::filesystem::exists(root + "/x"));
  EXPECT_TRUE(std::filesystem::is_directory(root));
  EXPECT_TRUE(store->Delete("x/other").ok()) << "missing key: ok";
}

TEST(LocalStoreOpen, ErrorsAndCreate) {
  std::string dir = MakeTempDir();
  auto missing = LocalStore::Open(dir + "/missing", false);
  EXPECT_EQ(missing.status().code(), Code::kNotFound) << missing.status().ToString();
  auto made = LocalStore::Open(dir + "/made/deep/", true);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ((*made)->Describe(), dir + "/made/deep");
  WriteFile(dir + "/plain", "x");
  EXPECT_EQ(LocalStore::Open(dir + "/plain", false).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(LocalStore::Open(dir + "/plain", true).status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(AnyTempFile(dir)) << "the xattr probe cleans up";
}

TEST(LocalStoreMarkers, AZeroByteDirectoryMarkerBecomesADirectory) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  auto made = PutString(*store, "photos/", "");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(*made, HexEncode(Md5("")));
  EXPECT_TRUE(std::filesystem::is_directory(root + "/photos"));
  ASSERT_TRUE(PutString(*store, "a/b/c/", "").ok()) << "parents are made too";
  EXPECT_TRUE(std::filesystem::is_directory(root + "/a/b/c"));
  ASSERT_TRUE(PutString(*store, "photos/x.jpg", "jpeg").ok());
  EXPECT_TRUE(PutString(*store, "photos/", "").ok()) << "an existing directory is fine";
  EXPECT_EQ(*GetString(*store, "photos/x.jpg"), "jpeg");

  auto with_data = PutString(*store, "notes/", "text");
  ASSERT_FALSE(with_data.ok());
  EXPECT_EQ(with_data.status().code(), Code::kInvalidArgument);
  EXPECT_NE(with_data.status().message().find("directory marker with 4 bytes"), std::string::npos)
      << with_data.status().message();
  EXPECT_FALSE(std::filesystem::exists(root + "/notes"));
  PutOptions tagged;
  tagged.tags = {{"k", "v"}};
  EXPECT_EQ(PutString(*store, "tagged/", "", tagged).status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(PutString(*store, "file", "x").ok());
  EXPECT_EQ(PutString(*store, "file/", "").status().code(), Code::kPreconditionFailed)
      << "a file in the way is a conflict";
  EXPECT_EQ(PutString(*store, "a//", "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PutString(*store, ".dth/", "").status().code(), Code::kInvalidArgument);

  auto listed = ListAll(*store, {});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u) << "markers are not listed";
  EXPECT_EQ((*listed)[0].key, "file");
  EXPECT_EQ((*listed)[1].key, "photos/x.jpg");
}

TEST(LocalStoreMultipart, PartsReplaceAndUploadsStayHidden) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  auto id = store->CreateMultipartUpload("mp/key", {});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->size(), 32u);
  StringViewSource first("first"), second("second!");
  ASSERT_TRUE(store->UploadPart("mp/key", *id, 1, first).ok());
  ASSERT_TRUE(store->UploadPart("mp/key", *id, 1, second).ok());
  auto parts = store->ListParts("mp/key", *id);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].size, 7u);
  EXPECT_EQ((*parts)[0].etag, HexEncode(Md5("second!")));
  EXPECT_EQ(store->ListParts("other/key", *id).status().code(), Code::kNotFound);
  EXPECT_EQ(store->ListParts("mp/key", "../../etc").status().code(), Code::kNotFound);
  auto listed = ListAll(*store, {});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << "uploads in progress are not objects";
  auto etag = store->CompleteMultipartUpload("mp/key", *id, *parts);
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  EXPECT_EQ(*etag, HexEncode(Md5(Md5("second!"))) + "-1");
  EXPECT_EQ(store->Head("mp/key")->parts_count, 1);
  EXPECT_FALSE(AnyTempFile(root));
}

}  // namespace
}  // namespace dth
