// LocalStore::OpenRead: the file as a rewindable source (a range of it, pinned to the
// listed version), and a file written while it is read failing the read that ends it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fcntl.h>

#include <cstdio>
#include <filesystem>

#include "store/local/local_store.h"
#include "store/local/local_test_util.h"

namespace dth {
namespace {

std::string Data(size_t n, int seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 37 + seed) ^ (i >> 7));
  return s;
}

ObjectInfo ListedOne(ObjectStore& store) {
  auto all = ListAll(store, ListOptions{});
  EXPECT_TRUE(all.ok() && all->size() == 1);
  return all.ok() && !all->empty() ? all->front() : ObjectInfo{};
}

TEST(LocalOpenReadTest, ARangeOfTheFileReadAgainAfterRewind) {
  std::string root;
  auto store = local_test::OpenTemp(&root);
  ASSERT_TRUE(store);
  const std::string data = Data(300000);
  local_test::WriteFile(root + "/a/f", data);
  ObjectInfo listed = ListedOne(*store);
  ObjectHead head;
  auto source = store->OpenRead("a/f", GetOptions{ByteRange{1000, 200000}, PinVersion(listed)}, &head);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ(head.info.size, data.size());
  EXPECT_EQ((*source)->size(), 200000u);
  EXPECT_TRUE((*source)->replayable());
  EXPECT_FALSE((*source)->InMemory());
  for (int pass = 0; pass < 2; ++pass) {
    auto got = ReadAll(**source);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == data.substr(1000, 200000)) << "pass " << pass;
  }
}

TEST(LocalOpenReadTest, AnotherVersionThanTheListedOneIsRefused) {
  std::string root;
  auto store = local_test::OpenTemp(&root);
  ASSERT_TRUE(store);
  local_test::WriteFile(root + "/f", Data(1000));
  ObjectInfo listed = ListedOne(*store);
  local_test::WriteFile(root + "/f", Data(1001, 1));
  auto source = store->OpenRead("f", GetOptions{std::nullopt, PinVersion(listed)});
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(store->OpenRead("missing", GetOptions{}).status().code(), Code::kNotFound);
}

TEST(LocalOpenReadTest, AFileWrittenWhileReadFailsTheReadThatEndsIt) {
  std::string root;
  auto store = local_test::OpenTemp(&root);
  ASSERT_TRUE(store);
  const std::string data = Data(100000);
  local_test::WriteFile(root + "/f", data);
  auto source = store->OpenRead("f", GetOptions{});
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  std::string buf(60000, '\0');
  auto first = (*source)->Read(buf.data(), buf.size());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 60000u);
  // Written in place, same size, another modification time: as an editor saving it.
  {
    std::FILE* f = std::fopen((root + "/f").c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fputc('x', f);
    std::fclose(f);
    struct timespec times[2] = {{0, UTIME_OMIT}, {12345, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (root + "/f").c_str(), times, 0), 0);
  }
  auto last = (*source)->Read(buf.data(), buf.size());
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.status().code(), Code::kIo) << last.status().ToString();
}

}  // namespace
}  // namespace dth
