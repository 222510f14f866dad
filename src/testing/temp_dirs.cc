#include "testing/temp_dirs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <vector>

namespace dth::testing {
namespace {

// The directories this process made; removed by the process that made them, at exit.
class Made {
 public:
  ~Made() {
    if (::getpid() != pid_) return;
    std::error_code ignored;
    for (const auto& dir : dirs_) std::filesystem::remove_all(dir, ignored);
  }
  void Add(const std::filesystem::path& dir) {
    std::lock_guard lock(mu_);
    dirs_.push_back(dir);
  }

 private:
  const pid_t pid_ = ::getpid();
  std::mutex mu_;
  std::vector<std::filesystem::path> dirs_;
};

}  // namespace

std::string NewTempDir(const std::string& prefix) {
  static Made made;
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  made.Add(dir);
  return dir.string();
}

}  // namespace dth::testing
