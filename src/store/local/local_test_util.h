// store/local/local_test_util: helpers for the LocalStore tests only — fresh temporary
// directories (removed at exit) and filesystem probes.
// Thread-safety: test-only; call from one thread.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "store/local/local_store.h"

namespace dth::local_test {

// A new empty directory under $TMPDIR (or /tmp); all are removed when the process exits.
inline std::string MakeTempDir() {
  struct Registry {
    std::vector<std::string> dirs;
    ~Registry() {
      std::error_code ec;
      for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
    }
  };
  static Registry registry;
  const char* tmp = std::getenv("TMPDIR");
  std::string templ =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/dth-local-test-XXXXXX";
  char* made = ::mkdtemp(templ.data());
  EXPECT_NE(made, nullptr) << "mkdtemp " << templ;
  registry.dirs.push_back(templ);
  return templ;
}

inline std::unique_ptr<LocalStore> OpenTemp(std::string* root = nullptr, bool fsync = true) {
  std::string dir = MakeTempDir();
  if (root != nullptr) *root = dir;
  LocalStoreOptions options;
  options.fsync = fsync;
  auto store = LocalStore::Open(dir, false, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Writes a file directly (as another program would), making parent directories.
inline void WriteFile(const std::string& path, const std::string& data) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  ASSERT_TRUE(out.good()) << path;
}

// Every path (relative to root) of a regular file, directory or symlink under root.
inline std::vector<std::string> AllPaths(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    out.push_back(std::filesystem::relative(it->path(), root, ec).string());
  }
  return out;
}

inline bool AnyTempFile(const std::string& root) {
  for (const auto& p : AllPaths(root)) {
    if (p.find(".dth-tmp-") != std::string::npos) return true;
  }
  return false;
}

}  // namespace dth::local_test
