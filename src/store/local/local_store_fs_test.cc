// Tests for LocalStore against the filesystem underneath: symlinks (never followed),
// files written or edited by other programs, concurrent Put/Delete in shared directories.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/hash.h"
#include "store/local/local_store.h"
#include "store/local/local_test_util.h"

namespace dth {
namespace {

using local_test::AllPaths;
using local_test::MakeTempDir;
using local_test::OpenTemp;
using local_test::WriteFile;

TEST(LocalStoreSymlinks, LinksOutOfTheRootAreNeverFollowed) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  std::string outside = MakeTempDir();
  WriteFile(outside + "/secret", "outside data");
  ASSERT_EQ(::mkfifo((root + "/fifo").c_str(), 0600), 0);
  auto onto_fifo = PutString(*store, "fifo", "x");
  EXPECT_EQ(onto_fifo.status().code(), Code::kPreconditionFailed) << onto_fifo.status().ToString();
  ASSERT_EQ(::unlink((root + "/fifo").c_str()), 0);
  ASSERT_EQ(::symlink(outside.c_str(), (root + "/dirlink").c_str()), 0);
  ASSERT_EQ(::symlink((outside + "/secret").c_str(), (root + "/filelink").c_str()), 0);

  auto through = PutString(*store, "dirlink/new", "x");
  ASSERT_FALSE(through.ok());
  EXPECT_EQ(through.status().code(), Code::kPermissionDenied) << through.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(outside + "/new"));
  auto onto = PutString(*store, "filelink", "overwrite");
  ASSERT_FALSE(onto.ok());
  EXPECT_EQ(onto.status().code(), Code::kPermissionDenied) << onto.status().ToString();
  auto mp = store->CreateMultipartUpload("dirlink/mp", {});
  ASSERT_TRUE(mp.ok());
  StringViewSource part("part");
  ASSERT_TRUE(store->UploadPart("dirlink/mp", *mp, 1, part).ok());
  auto parts = store->ListParts("dirlink/mp", *mp);
  ASSERT_TRUE(parts.ok());
  EXPECT_FALSE(store->CompleteMultipartUpload("dirlink/mp", *mp, *parts).ok());
  EXPECT_FALSE(store->Copy({"", "filelink", "", std::nullopt}, "dirlink/c", {}, false).ok());

  EXPECT_EQ(store->Head("filelink").status().code(), Code::kNotFound);
  EXPECT_EQ(store->Head("dirlink/secret").status().code(), Code::kNotFound);
  EXPECT_EQ(GetString(*store, "dirlink/secret").status().code(), Code::kNotFound);
  EXPECT_TRUE(store->Delete("dirlink/secret").ok());
  EXPECT_TRUE(store->Delete("filelink").ok());

  std::ifstream in(outside + "/secret");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "outside data");
  EXPECT_TRUE(std::filesystem::is_symlink(root + "/filelink"));
  auto listed = ListAll(*store, {});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  EXPECT_EQ(store->skipped_entries(), 2u);

  // A lister keeps its own descriptor: it may outlive the store.
  ASSERT_TRUE(PutString(*store, "kept", "x").ok());
  auto lister = store->List({});
  store.reset();
  ListPage page;
  auto more = lister->Next(&page);
  ASSERT_TRUE(more.ok() && *more);
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "kept");
}

TEST(LocalStoreConcurrency, PutsSurviveDeletesRemovingTheirDirectories) {
  std::string root;
  auto store = OpenTemp(&root, /*fsync=*/false);
  ASSERT_TRUE(store);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string key = "shared/dir/" + std::to_string(t);
      for (int i = 0; i < 200; ++i) {
        auto put = PutString(*store, key, "data");
        if (!put.ok()) {
          ADD_FAILURE() << put.status().ToString();
          ++failures;
        }
        if (!store->Delete(key).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(AllPaths(root).empty());
}

TEST(LocalStoreForeign, FilesWrittenByOthersHaveUnknownEtag) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  WriteFile(root + "/foreign/file.bin", "written elsewhere");
  auto head = store->Head("foreign/file.bin");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->info.etag, "");
  EXPECT_EQ(head->info.size, 17u);
  std::string md5 = HexEncode(Md5("written elsewhere"));
  GetOptions match;
  match.if_match = md5;
  EXPECT_EQ(*GetString(*store, "foreign/file.bin", match), "written elsewhere")
      << "if_match on an unknown ETag compares the file's MD5";
  match.if_match = HexEncode(Md5("other"));
  EXPECT_EQ(GetString(*store, "foreign/file.bin", match).status().code(),
            Code::kPreconditionFailed);
}

TEST(LocalStoreForeign, EditedInPlaceMakesStoredEtagUnknown) {
  std::string root;
  auto store = OpenTemp(&root);
  ASSERT_TRUE(store);
  PutOptions options;
  options.metadata.content_type = "text/plain";
  ASSERT_TRUE(PutString(*store, "edited", "original", options).ok());
  ASSERT_EQ(store->Head("edited")->info.etag, HexEncode(Md5("original")));
  {
    std::ofstream out(root + "/edited", std::ios::binary | std::ios::trunc);  // keeps xattrs
    out << "changed!";                                                        // same size
  }
  struct timespec times[2] = {{0, UTIME_OMIT}, {12345, 678}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (root + "/edited").c_str(), times, 0), 0);
  auto head = store->Head("edited");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->info.etag, "") << "size matches but mtime does not: unknown";
  EXPECT_EQ(head->metadata.content_type, "text/plain");
  auto listed = ListAll(*store, {});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].etag, "");
}

}  // namespace
}  // namespace dth
