// store/conformance: the StoreConformance suite — value-parameterised GoogleTest cases
// every ObjectStore backend must pass. It uses only the ObjectStore interface and
// consults Features() for optional behaviour (skipping with a reason, or checking the
// store refuses cleanly). Test-only: the *_suite.cc files link into both test binaries.
//
// A backend instantiates it in its own test file:
//   INSTANTIATE_TEST_SUITE_P(Memory, StoreConformance,
//                            ::testing::Values(StoreTarget{"memory", [] { return ...; }}),
//                            StoreTargetName);
// Thread-safety: a fixture is used by its test's thread only.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "store/object_store.h"

namespace dth {

struct StoreTarget {
  std::string name;  // a test-name-safe identifier: [A-Za-z0-9_]
  // A fresh, empty store each call. nullptr skips the test (e.g. a server that is not
  // running); make() may first ADD_FAILURE() to fail it instead.
  std::function<std::unique_ptr<ObjectStore>()> make;
};

// Names instantiations after StoreTarget::name.
std::string StoreTargetName(const ::testing::TestParamInfo<StoreTarget>& info);
void PrintTo(const StoreTarget& target, std::ostream* os);

class StoreConformance : public ::testing::TestWithParam<StoreTarget> {
 protected:
  void SetUp() override;

  ObjectStore& store() { return *store_; }
  const StoreFeatures& features() const { return store_->Features(); }

  // Part size for multipart tests: max(min_part_size, 5 MiB).
  uint64_t PartSize() const;

  // n deterministic pseudo-random bytes from seed.
  static std::string TestData(uint64_t seed, size_t n);
  static std::string Md5Hex(const std::string& data);
  // Option builders (partial designated initializers trip -Wmissing-field-initializers).
  static ListOptions Listing(std::string prefix, std::string delimiter = "",
                             std::string start_after = "", int page_size = 1000);
  static CopySource Source(std::string key, std::string if_match = "",
                           std::optional<ByteRange> range = std::nullopt);
  static GetOptions IfMatch(std::string etag);

  // Puts data (failing the test on error) and returns the ETag.
  std::string MustPut(const std::string& key, const std::string& data,
                      const PutOptions& options = {});
  // Every key (objects only) under options, across all pages.
  std::vector<std::string> ListKeys(const ListOptions& options);
  // Objects and common prefixes merged, page by page, in the order the store gave
  // them (entries within a page are merged by byte order). Fails the test on error.
  struct Listed {
    std::vector<std::string> entries;  // keys and common prefixes, merged
    std::vector<std::string> keys;
    std::vector<std::string> prefixes;
    std::vector<ObjectInfo> objects;
    int pages = 0;
    size_t largest_page = 0;
  };
  Listed ListEverything(const ListOptions& options);

 private:
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace dth
