// tests/integration/private_registry: a docker-registry process of one test's own
// (no auth, filesystem storage in a temp dir, a free 127.0.0.1 port) that the test
// can kill and start again on the same port and data, for fault tests that must not
// disturb the shared registries other tests use at the same time.
// Thread-safety: Stop/Start from one thread at a time.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "core/status.h"

namespace dth::testing {

class PrivateRegistry {
 public:
  // nullptr (with a test failure) when docker-registry cannot start.
  static std::unique_ptr<PrivateRegistry> Start();
  ~PrivateRegistry();

  const std::string& url() const { return url_; }
  void Kill();      // SIGKILL and reap
  Status Restart();  // (again) on the same port and data; waits until it answers

 private:
  PrivateRegistry() = default;
  std::string dir_, url_, config_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace dth::testing
