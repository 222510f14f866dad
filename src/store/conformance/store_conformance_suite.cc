// StoreConformance: fixture helpers, and the object basics — key round-trips, empty
// objects, ranged and conditional reads, missing keys, overwrite, DeleteMany.
#include <algorithm>
#include <random>
#include <utility>

#include "core/hash.h"
#include "store/conformance/store_conformance.h"

namespace dth {

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformance);

std::string StoreTargetName(const ::testing::TestParamInfo<StoreTarget>& info) {
  return info.param.name;
}

void PrintTo(const StoreTarget& target, std::ostream* os) { *os << target.name; }

void StoreConformance::SetUp() {
  store_ = GetParam().make();
  // A target whose server is not running and not required skips (make() reported why).
  if (store_ == nullptr && !HasFailure()) GTEST_SKIP() << GetParam().name << " is not available";
  ASSERT_NE(store_, nullptr) << GetParam().name << ": make() returned no store";
}

uint64_t StoreConformance::PartSize() const {
  return std::max<uint64_t>(features().min_part_size, 5ull << 20);
}

std::string StoreConformance::TestData(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t word = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(word >> (8 * j));
  }
  return out;
}

std::string StoreConformance::Md5Hex(const std::string& data) { return HexEncode(Md5(data)); }

ListOptions StoreConformance::Listing(std::string prefix, std::string delimiter,
                                      std::string start_after, int page_size) {
  ListOptions options;
  options.prefix = std::move(prefix);
  options.delimiter = std::move(delimiter);
  options.start_after = std::move(start_after);
  options.page_size = page_size;
  return options;
}

CopySource StoreConformance::Source(std::string key, std::string if_match,
                                    std::optional<ByteRange> range) {
  CopySource source;
  source.key = std::move(key);
  source.if_match = std::move(if_match);
  source.range = range;
  return source;
}

GetOptions StoreConformance::IfMatch(std::string etag) {
  GetOptions options;
  options.if_match = std::move(etag);
  return options;
}

std::string StoreConformance::MustPut(const std::string& key, const std::string& data,
                                      const PutOptions& options) {
  auto etag = PutString(*store_, key, data, options);
  EXPECT_TRUE(etag.ok()) << "Put \"" << key << "\": " << etag.status().ToString();
  return etag.ok() ? *etag : std::string();
}

std::vector<std::string> StoreConformance::ListKeys(const ListOptions& options) {
  return ListEverything(options).keys;
}

StoreConformance::Listed StoreConformance::ListEverything(const ListOptions& options) {
  Listed out;
  auto lister = store_->List(options);
  ListPage page;
  for (int guard = 0; guard < 100000; ++guard) {
    auto more = lister->Next(&page);
    EXPECT_TRUE(more.ok()) << "List: " << more.status().ToString();
    if (!more.ok() || !*more) break;
    ++out.pages;
    out.largest_page =
        std::max(out.largest_page, page.objects.size() + page.common_prefixes.size());
    std::vector<std::string> merged;
    for (const auto& o : page.objects) {
      out.keys.push_back(o.key);
      out.objects.push_back(o);
      merged.push_back(o.key);
    }
    for (const auto& p : page.common_prefixes) {
      out.prefixes.push_back(p);
      merged.push_back(p);
    }
    std::sort(merged.begin(), merged.end());
    out.entries.insert(out.entries.end(), merged.begin(), merged.end());
  }
  return out;
}

namespace {

// Keys every store must hold.
std::vector<std::string> RegularKeys() {
  // A 1024-byte ASCII key (S3's limit), in segments of at most 101 bytes so that
  // filesystem-backed stores (NAME_MAX 255) can hold it too.
  std::string long_key = "keys/";
  while (long_key.size() < 1024) {
    size_t room = 1024 - long_key.size();
    long_key += room > 101 ? std::string(100, 'L') + "/" : std::string(room, 'l');
  }
  return {"keys/with space.txt",   "keys/日本語/ファイル.txt", "keys/émoji-😀",
          "keys/plus+sign",        "keys/percent%20and%2Fslash%", "keys/question?mark",
          "keys/hash#tag",         "keys/amp&ersand",         "keys/a=b;c",
          "keys/tilde~star*(x)",   long_key};
}

// Keys that are not clean relative paths: optional (features.arbitrary_keys).
std::vector<std::string> NonPathKeys() {
  return {"keys/double//slash", "keys/dir/", "keys/dots/./x", "keys/dots/../y"};
}

}  // namespace

TEST_P(StoreConformance, KeysRoundTrip) {
  std::vector<std::string> keys = RegularKeys();
  ASSERT_EQ(keys.back().size(), 1024u);
  std::vector<std::string> odd = NonPathKeys();
  if (features().arbitrary_keys) {
    keys.insert(keys.end(), odd.begin(), odd.end());
  } else {
    // Not holdable: the store must refuse clearly rather than store something else.
    for (const auto& key : odd) {
      auto put = PutString(store(), key, "x");
      ASSERT_FALSE(put.ok()) << "\"" << key << "\" is not a clean path, which "
                             << store().Describe() << " says it cannot hold, yet Put succeeded";
      EXPECT_EQ(put.status().code(), Code::kInvalidArgument) << put.status().ToString();
      EXPECT_FALSE(put.status().message().empty());
    }
  }
  for (const auto& key : keys) {
    std::string data = "data of " + key;
    std::string etag = MustPut(key, data);
    auto head = store().Head(key);
    ASSERT_TRUE(head.ok()) << key << ": " << head.status().ToString();
    EXPECT_EQ(head->info.size, data.size()) << key;
    EXPECT_EQ(head->info.etag, etag) << key;
    if (features().etag_is_md5) {
      EXPECT_EQ(etag, Md5Hex(data)) << key;
    }
    auto got = GetString(store(), key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.status().ToString();
    EXPECT_EQ(*got, data) << key;
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(ListKeys(Listing("keys/")), keys);
}

TEST_P(StoreConformance, ZeroByteObject) {
  std::string etag = MustPut("empty", "");
  if (features().etag_is_md5) {
    EXPECT_EQ(etag, "d41d8cd98f00b204e9800998ecf8427e");
  }
  auto head = store().Head("empty");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->info.size, 0u);
  auto got = GetString(store(), "empty");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "");
  Listed listed = ListEverything({});
  ASSERT_EQ(listed.objects.size(), 1u);
  EXPECT_EQ(listed.objects[0].key, "empty");
  EXPECT_EQ(listed.objects[0].size, 0u);
}

TEST_P(StoreConformance, GetReportsHead) {
  std::string data = TestData(7, 300);
  std::string etag = MustPut("with-head", data);
  StringSink sink;
  ObjectHead head;
  ASSERT_TRUE(store().Get("with-head", {}, sink, &head).ok());
  EXPECT_EQ(sink.str(), data);
  EXPECT_EQ(head.info.size, data.size());
  EXPECT_EQ(head.info.etag, etag);
}

TEST_P(StoreConformance, RangedReads) {
  const std::string data = TestData(1, 1000);
  MustPut("ranged", data);
  struct Case {
    ByteRange range;
    std::string want;
  };
  const Case cases[] = {
      {{100, 50}, data.substr(100, 50)},           // offset + length
      {{900, std::nullopt}, data.substr(900)},     // offset to the end
      {{990, 100}, data.substr(990)},              // past the end: clamped
      {{0, 1}, data.substr(0, 1)},                 // first byte only
      {{999, 1}, data.substr(999)},                // last byte only
  };
  for (const auto& c : cases) {
    GetOptions options;
    options.range = c.range;
    auto got = GetString(store(), "ranged", options);
    ASSERT_TRUE(got.ok()) << "offset " << c.range.offset << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << "offset " << c.range.offset;
  }
  GetOptions beyond;
  beyond.range = ByteRange{2000, 10};
  auto got = GetString(store(), "ranged", beyond);
  ASSERT_FALSE(got.ok()) << "a range starting past the end must fail";
  EXPECT_FALSE(got.status().retryable()) << got.status().ToString();
}

TEST_P(StoreConformance, IfMatch) {
  std::string etag = MustPut("cond", "version 1");
  auto got = GetString(store(), "cond", IfMatch(etag));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "version 1");

  auto wrong = GetString(store(), "cond", IfMatch("0123456789abcdef0123456789abcdef"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Code::kPreconditionFailed) << wrong.status().ToString();

  MustPut("cond", "version 2, changed");
  auto stale = GetString(store(), "cond", IfMatch(etag));
  ASSERT_FALSE(stale.ok()) << "If-Match with the old ETag must fail after an overwrite";
  EXPECT_EQ(stale.status().code(), Code::kPreconditionFailed) << stale.status().ToString();
}

TEST_P(StoreConformance, MissingKey) {
  auto head = store().Head("no/such/key");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().code(), Code::kNotFound) << head.status().ToString();
  auto got = GetString(store(), "no/such/key");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kNotFound) << got.status().ToString();
  Status del = store().Delete("no/such/key");
  EXPECT_TRUE(del.ok()) << "deleting a missing key is not an error: " << del.ToString();
}

TEST_P(StoreConformance, OverwriteChangesEtagAndContent) {
  std::string first = MustPut("over", "first content");
  std::string second = MustPut("over", "second, longer content");
  EXPECT_NE(first, second);
  auto head = store().Head("over");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->info.etag, second);
  EXPECT_EQ(head->info.size, std::string("second, longer content").size());
  auto got = GetString(store(), "over");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "second, longer content");
}

TEST_P(StoreConformance, DeleteAndDeleteMany) {
  for (int i = 0; i < 5; ++i) MustPut("del/" + std::to_string(i), "x");
  ASSERT_TRUE(store().Delete("del/0").ok());
  auto failed = store().DeleteMany({"del/1", "del/3", "del/never-existed"});
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_TRUE(failed->empty()) << failed->front().first << ": "
                               << failed->front().second.ToString();
  EXPECT_EQ(ListKeys(Listing("del/")), (std::vector<std::string>{"del/2", "del/4"}));
  auto head = store().Head("del/1");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().code(), Code::kNotFound);
}

namespace {

// A body that can be read once, front to back, as one streamed from a download.
class ReadOnceSource : public ByteSource {
 public:
  explicit ReadOnceSource(std::string_view data) : data_(data) {}
  uint64_t size() const override { return data_.size(); }
  Result<size_t> Read(char* buf, size_t n) override {
    size_t take = std::min(n, data_.size() - pos_);
    std::copy_n(data_.data() + pos_, take, buf);
    pos_ += take;
    return take;
  }
  Status Rewind() override {
    return pos_ == 0 ? Status::Ok() : Status(Code::kNotSupported, "read once");
  }
  bool replayable() const override { return false; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

// PutOptions::content_md5: a body read once goes in one Put, verified against the MD5
// promised for it; bytes that differ are refused and never left in the store (a server
// that does not check Content-MD5 itself, like s3rver, has them removed by the client).
TEST_P(StoreConformance, PutVerifiesAPromisedContentMd5) {
  const std::string data = TestData(7, 200000);
  PutOptions put;
  put.content_md5 = Md5Hex(data);
  ReadOnceSource good(data);
  auto etag = store().Put("md5/good", good, put);
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  if (features().etag_is_md5) {
    EXPECT_EQ(*etag, Md5Hex(data));
  }
  EXPECT_EQ(*GetString(store(), "md5/good"), data);

  std::string damaged = data;
  damaged[data.size() / 2] ^= 0x5a;  // what arrives is not what the source promised
  ReadOnceSource bad(damaged);
  auto refused = store().Put("md5/bad", bad, put);
  ASSERT_FALSE(refused.ok()) << store().Describe() << " stored bytes whose MD5 is not the promised one";
  EXPECT_EQ(refused.status().code(), Code::kCorruption) << refused.status().ToString();
  EXPECT_EQ(store().Head("md5/bad").status().code(), Code::kNotFound);

  // Over an existing object: the old bytes may stay (or be gone), never the damaged ones.
  ReadOnceSource bad_again(damaged);
  ASSERT_FALSE(store().Put("md5/good", bad_again, put).ok());
  auto after = GetString(store(), "md5/good");
  if (after.ok()) {
    EXPECT_EQ(*after, data);
  }
}

}  // namespace dth
