// credentials/test_home (tests only): a fixture with a throw-away home
// directory and a MapEnvironment pointing at it, so tests never read the real
// ~/.aws or environment.
// Thread-safety: one fixture per test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "credentials/environment.h"
#include "credentials/provider.h"

namespace dth {

inline constexpr char kFileId[] = "AKIAFILEFILEFILE0001";
inline constexpr char kFileSecret[] = "fileSECRETfileSECRETfileSECRETfileSECRET";
inline constexpr char kEnvId[] = "AKIAENVENVENVENV0002";
inline constexpr char kEnvSecret[] = "envSECRETenvSECRETenvSECRETenvSECRETenvS";

class CredentialsTestBase : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    home_ = std::filesystem::temp_directory_path() /
            ("dth_cred_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(home_ / ".aws");
    env_.SetHome(home_.string());
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  void WriteCredentials(const std::string& text) { Write(home_ / ".aws/credentials", text); }
  void WriteConfig(const std::string& text) { Write(home_ / ".aws/config", text); }
  static void Write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

  Result<Credentials> Resolve(const CredentialOptions& o = {}) { return ResolveCredentials(o, env_); }

  std::filesystem::path home_;
  MapEnvironment env_;
};

}  // namespace dth
