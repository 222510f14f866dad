// One hub per data directory: a second lock on the directory is refused (naming the
// holder's pid) while the first is held, and granted once it is released.
#include "control/datadir/data_dir_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace dth::control {
namespace {

TEST(DataDirLockTest, ASecondHubOnTheDirectoryIsRefusedUntilTheFirstIsGone) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("dth-lock-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto first = DataDirLock::Acquire(dir.string());
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    auto second = DataDirLock::Acquire(dir.string());
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), Code::kPreconditionFailed);
    EXPECT_NE(second.status().message().find("is in use by another dth serve (pid " + std::to_string(::getpid()) + ")"),
              std::string::npos)
        << second.status().message();
    DataDirLock moved = std::move(*first);  // moving keeps it held
    EXPECT_FALSE(DataDirLock::Acquire(dir.string()).ok());
  }
  EXPECT_TRUE(DataDirLock::Acquire(dir.string()).ok()) << "released with its owner";
  EXPECT_EQ(DataDirLock::Acquire((dir / "missing").string()).status().code(), Code::kIo);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dth::control
