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

// Sets path's mtime (ns since the epoch), not following a symlink.
void SetMtime(const std::string& path, int64_t ns) {
  struct timespec times[2] = {{0, UTIME_OMIT}, {ns / 1000000000, ns % 1000000000}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

constexpr int64_t kLongAgo = int64_t{946684800} * 1000000000;  // 2000-01-01

TEST(LocalStoreTidy, OrphanedTempFilesOlderThanTheRunAreRemovedByTheNextDestinationListing) {
  std::string root = MakeTempDir();
  WriteFile(root + "/.dth-tmp-0123456789abcdef", "left by a killed writer");
  WriteFile(root + "/deep/er/.dth-tmp-00000000deadbeef", "another");
  WriteFile(root + "/deep/er/kept", "an object");
  SetMtime(root + "/.dth-tmp-0123456789abcdef", kLongAgo);
  SetMtime(root + "/deep/er/.dth-tmp-00000000deadbeef", kLongAgo);
  // A writer of another run, stalled for ages: it holds its temp file's lock.
  int deep_fd = ::open((root + "/deep").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(deep_fd, 0);
  local::UniqueFd deep(deep_fd);
  auto writing = local::TempFile::Create(deep.get(), root + "/deep");
  ASSERT_TRUE(writing.ok()) << writing.status().ToString();
  ASSERT_TRUE(writing->Write("in flight").ok());
  SetMtime(writing->path(), kLongAgo);

  // A source (opened without create) never removes anything.
  auto source = LocalStore::Open(root, false);
  ASSERT_TRUE(source.ok());
  ASSERT_TRUE(ListAll(**source, {}).ok());
  EXPECT_TRUE(std::filesystem::exists(root + "/.dth-tmp-0123456789abcdef"));

  auto destination = LocalStore::Open(root, true);
  ASSERT_TRUE(destination.ok());
  // Made after the store opened, and not locked (as an older dth's writer): too young.
  WriteFile(root + "/deep/.dth-tmp-fresh", "a writer that just started");
  auto listed = ListAll(**destination, {});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "deep/er/kept");
  EXPECT_FALSE(std::filesystem::exists(root + "/.dth-tmp-0123456789abcdef"));
  EXPECT_FALSE(std::filesystem::exists(root + "/deep/er/.dth-tmp-00000000deadbeef"));
  EXPECT_TRUE(std::filesystem::exists(writing->path())) << "a live writer's file is never taken";
  EXPECT_TRUE(std::filesystem::exists(root + "/deep/.dth-tmp-fresh"));
  ASSERT_TRUE(writing->Commit("landed", false).ok()) << "the stalled writer still lands";
  EXPECT_EQ(*GetString(**destination, "deep/landed"), "in flight");
}

TEST(LocalStoreReadOnly, OpeningAndReadingASourceWritesNothingInIt) {
  std::string root = MakeTempDir();
  WriteFile(root + "/a/file", "data");
  ::chmod((root + "/a").c_str(), 0555);
  ::chmod(root.c_str(), 0555);
  // Tests run as root, whom 0555 does not stop: a created and removed entry shows in the
  // directory's mtime instead, set far back first so that any change is visible.
  SetMtime(root, kLongAgo);
  SetMtime(root + "/a", kLongAgo);
  auto store = LocalStore::Open(root, false);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto listed = ListAll(**store, {});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  EXPECT_EQ(*GetString(**store, "a/file"), "data");
  struct stat st {};
  ASSERT_EQ(::stat(root.c_str(), &st), 0);
  EXPECT_EQ(local::MtimeNs(st), kLongAgo) << "something was created or removed in the source";
  ASSERT_EQ(::stat((root + "/a").c_str(), &st), 0);
  EXPECT_EQ(local::MtimeNs(st), kLongAgo);
  auto written = LocalStore::Open(MakeTempDir(), true);  // probes by writing a temp file
  ASSERT_TRUE(written.ok());
  EXPECT_EQ((*store)->Features().etag_is_md5, (*written)->Features().etag_is_md5)
      << "xattr support is seen without writing";
  ::chmod(root.c_str(), 0755);
  ::chmod((root + "/a").c_str(), 0755);
}

}  // namespace
}  // namespace dth
