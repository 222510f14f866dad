#include "finder/key_stream.h"

#include <gtest/gtest.h>

#include "finder/finder_test_util.h"
#include "store/memory/memory_store.h"

namespace dth {
namespace {

using finder_test::Obj;
using finder_test::PagesLister;

std::vector<std::string> Drain(KeyStream& stream, Status* error = nullptr) {
  std::vector<std::string> keys;
  while (true) {
    Result<const ObjectInfo*> next = stream.Next();
    if (!next.ok()) {
      if (error) *error = next.status();
      return keys;
    }
    if (*next == nullptr) return keys;
    keys.push_back((*next)->key);
  }
}

TEST(FinderKeyStreamTest, FetchesPagesLazilyAndStripsPrefix) {
  auto lister = std::make_unique<PagesLister>(std::vector<std::vector<ObjectInfo>>{
      {Obj("p/a"), Obj("p/b")}, {}, {Obj("p/c")}});
  PagesLister* raw = lister.get();
  KeyStream stream(std::move(lister), "p/", "test");
  EXPECT_EQ(raw->calls(), 0);
  Result<const ObjectInfo*> first = stream.Next();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)->key, "a");
  EXPECT_EQ(raw->calls(), 1);
  EXPECT_EQ(Drain(stream), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(stream.count(), 3u);
  Result<const ObjectInfo*> end = stream.Next();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, nullptr);
}

TEST(FinderKeyStreamTest, OutOfOrderIsCorruptionNamingBothKeys) {
  KeyStream stream(std::make_unique<PagesLister>(std::vector<std::vector<ObjectInfo>>{
                       {Obj("p/a"), Obj("p/c")}, {Obj("p/b")}}),
                   "p/", "test");
  Status error;
  EXPECT_EQ(Drain(stream, &error), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(error.code(), Code::kCorruption);
  EXPECT_NE(error.message().find("\"p/b\""), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("\"p/c\""), std::string::npos) << error.message();
  // The error sticks.
  EXPECT_EQ(stream.Next().status().code(), Code::kCorruption);
}

TEST(FinderKeyStreamTest, DuplicateKeyIsCorruption) {
  KeyStream stream(std::make_unique<PagesLister>(
                       std::vector<std::vector<ObjectInfo>>{{Obj("a"), Obj("a")}}),
                   "", "test");
  Status error;
  Drain(stream, &error);
  EXPECT_EQ(error.code(), Code::kCorruption);
}

TEST(FinderKeyStreamTest, OrderIsByteOrder) {
  // 0xC3 sorts after 'z' as an unsigned byte.
  KeyStream stream(std::make_unique<PagesLister>(std::vector<std::vector<ObjectInfo>>{
                       {Obj("a"), Obj("z"), Obj("\xC3\xA9")}}),
                   "", "test");
  Status error;
  EXPECT_EQ(Drain(stream, &error).size(), 3u);
  EXPECT_TRUE(error.ok()) << error.ToString();
}

TEST(FinderKeyStreamTest, KeyOutsidePrefixIsCorruption) {
  KeyStream stream(
      std::make_unique<PagesLister>(std::vector<std::vector<ObjectInfo>>{{Obj("q/a")}}), "p/",
      "test");
  Status error;
  Drain(stream, &error);
  EXPECT_EQ(error.code(), Code::kCorruption);
}

TEST(FinderKeyStreamTest, ListingErrorPropagates) {
  KeyStream stream(std::make_unique<PagesLister>(
                       std::vector<std::vector<ObjectInfo>>{{Obj("a")}, {Obj("b")}}, 1),
                   "", "test");
  Status error;
  EXPECT_EQ(Drain(stream, &error), (std::vector<std::string>{"a"}));
  EXPECT_EQ(error.code(), Code::kTransient);
}

TEST(FinderKeyStreamTest, OpenListsStoreWithSmallPagesAndDelimiter) {
  MemoryStore store("s");
  for (const char* key : {"d/a", "d/b", "d/sub/c", "e/x"}) {
    ASSERT_TRUE(PutString(store, key, "x").ok());
  }
  KeyStreamOptions options;
  options.list_prefix = "d/";
  options.strip_prefix = "d/";
  options.page_size = 1;
  KeyStream all = KeyStream::Open(store, options, "source");
  EXPECT_EQ(Drain(all), (std::vector<std::string>{"a", "b", "sub/c"}));
  options.delimiter = "/";
  KeyStream level = KeyStream::Open(store, options, "source");
  EXPECT_EQ(Drain(level), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace dth
