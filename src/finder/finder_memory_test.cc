// The acceptance test of issue 3: a finder comparing two generated listings of
// 1,000,000 keys each stays under 64 MiB of resident-memory growth and decides exactly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include "finder/finder.h"
#include "finder/generated_store.h"

namespace dth {
namespace {

using finder_test::GeneratedStore;

constexpr uint64_t kKeys = 1'000'000;

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Samples resident memory every millisecond until stopped; joined in the destructor.
class PeakSampler {
 public:
  PeakSampler() : peak_(ResidentBytes()), thread_([this] { Loop(); }) {}
  ~PeakSampler() { Stop(); }
  uint64_t Stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return peak_.load();
  }

 private:
  void Loop() {
    while (!stop_.load()) {
      uint64_t now = ResidentBytes();
      if (now > peak_.load()) peak_.store(now);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  std::atomic<uint64_t> peak_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void RunAndCheck(int depth, int threads) {
  GeneratedStore source(kKeys, false);
  GeneratedStore destination(kKeys, true);
  FinderOptions options;
  options.delete_extra = true;
  options.finder_depth = depth;
  options.finder_number = threads;
  options.recorded_etag = [](const std::string& key) -> std::optional<RecordedTransfer> {
    uint64_t i = GeneratedStore::IndexOf(key);
    if (i % 1000 == GeneratedStore::kRecordStale) return RecordedTransfer{"stale"};
    if (i % 1000 == GeneratedStore::kRecordCurrent) return RecordedTransfer{GeneratedStore::EtagOf(i)};
    return std::nullopt;
  };

  FinderTotals expected;
  for (uint64_t i = 0; i < kKeys; ++i) {
    uint64_t r = i % 1000;
    bool copy = r == GeneratedStore::kMissing || r == GeneratedStore::kSizeChanged ||
                r == GeneratedStore::kRecordStale;
    if (copy) {
      ++expected.copy_objects;
      expected.copy_bytes += GeneratedStore::SizeOf(i);
    }
  }
  uint64_t wrong = 0;  // decisions whose key does not fit the expected reason
  auto sink = [&wrong](const Decision& d) {
    uint64_t r = GeneratedStore::IndexOf(d.key()) % 1000;
    bool extra = d.key().back() == 'x';
    Reason want = extra                               ? Reason::kDeleteDestinationOnly
                  : r == GeneratedStore::kMissing     ? Reason::kMissing
                  : r == GeneratedStore::kSizeChanged ? Reason::kSizeDiffers
                  : r == GeneratedStore::kRecordStale ? Reason::kSourceChanged
                                                      : Reason::kUnchanged;
    if (d.reason != want) ++wrong;
    return Status::Ok();
  };

  uint64_t baseline = ResidentBytes();
  auto start = std::chrono::steady_clock::now();
  PeakSampler sampler;
  Result<FinderTotals> totals =
      Finder::Run(source, "", destination, "", options, sink);
  uint64_t peak = sampler.Stop();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();

  const uint64_t per_mille = kKeys / 1000;
  EXPECT_EQ(wrong, 0u);
  EXPECT_EQ(totals->source_objects, kKeys);
  EXPECT_EQ(totals->destination_objects, kKeys - per_mille + per_mille);
  EXPECT_EQ(totals->count(Reason::kMissing), per_mille);
  EXPECT_EQ(totals->count(Reason::kSizeDiffers), per_mille);
  EXPECT_EQ(totals->count(Reason::kSourceChanged), per_mille);
  EXPECT_EQ(totals->count(Reason::kUnchanged), kKeys - 3 * per_mille);
  EXPECT_EQ(totals->count(Reason::kDeleteDestinationOnly), per_mille);
  EXPECT_EQ(totals->delete_objects, per_mille);
  EXPECT_EQ(totals->delete_bytes, per_mille * GeneratedStore::kExtraSize);
  EXPECT_EQ(totals->copy_objects, expected.copy_objects);
  EXPECT_EQ(totals->copy_bytes, expected.copy_bytes);
  EXPECT_EQ(totals->skip_objects, kKeys - 3 * per_mille);

  double growth_mib = static_cast<double>(peak > baseline ? peak - baseline : 0) / (1 << 20);
  std::cout << "[ finder   ] depth " << depth << " threads " << threads << ": 2x" << kKeys
            << " keys in " << seconds << " s, resident growth " << growth_mib
            << " MiB (baseline " << static_cast<double>(baseline) / (1 << 20) << " MiB)\n";
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed memory in quarantine (256 MiB): resident size says
  // nothing there. Decisions and totals are still checked above.
  std::cout << "[ finder   ] memory bound not checked under AddressSanitizer\n";
#else
  EXPECT_LT(growth_mib, 64.0);
#endif
}

// The measurement itself: a touched 80 MiB allocation during sampling is seen.
TEST(FinderMemoryTest, SamplerSeesGrowth) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "resident size is not meaningful under AddressSanitizer";
#endif
  uint64_t baseline = ResidentBytes();
  PeakSampler sampler;
  {
    std::vector<char> block(80u << 20, 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(block[12345], 1);
  }
  EXPECT_GT(sampler.Stop() - baseline, 64u << 20);
}

TEST(FinderMemoryTest, MillionKeysUnder64MiB) { RunAndCheck(0, 1); }

TEST(FinderMemoryTest, MillionKeysFannedOutUnder64MiB) { RunAndCheck(1, 2); }

}  // namespace
}  // namespace dth
