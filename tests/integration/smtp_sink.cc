#include "integration/smtp_sink.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "run_process.h"

namespace dth::testing {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPython = "/usr/bin/python3";  // Debian's, where python3-aiosmtpd is

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool Required() {
  const char* v = std::getenv("DTH_REQUIRE_SERVERS");
  return v != nullptr && std::string(v) == "1";
}

}  // namespace

SmtpSink::SmtpSink(std::string dir, std::string auth, std::string tls_cert, std::string tls_key)
    : dir_(std::move(dir)), auth_(std::move(auth)), tls_cert_(std::move(tls_cert)), tls_key_(std::move(tls_key)) {}

SmtpSink::~SmtpSink() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    // SIGTERM ends asyncio at once; SIGKILL if it did not within 10 s.
    for (int i = 0; i < 200 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (i == 199) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
  }
}

bool SmtpSink::Start() {
  ProcessResult probe = RunProcess(kPython, {"-c", "import aiosmtpd"}, {}, 60);
  if (probe.exit_code != 0) {
    if (Required()) ADD_FAILURE() << "python3-aiosmtpd is required (scripts/setup.sh --test): " << probe.err;
    return false;
  }
  fs::create_directories(dir_);
  const std::string script = std::string(DTH_SOURCE_DIR) + "/tests/servers/smtp_sink.py";
  std::vector<std::string> args = {kPython, script, dir_};
  if (!auth_.empty()) {
    args.push_back("--auth");
    args.push_back(auth_);
  }
  if (!tls_cert_.empty()) {
    args.insert(args.end(), {"--tls", tls_cert_, tls_key_});
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = dir_ + "/sink.log";
  pid_ = fork();
  if (pid_ == 0) {
    FILE* out = std::fopen(log.c_str(), "w");
    if (out != nullptr) {
      dup2(fileno(out), 1);
      dup2(fileno(out), 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (pid_ < 0) return false;
  // It writes its port once it listens.
  for (int i = 0; i < 600; ++i) {
    if (fs::exists(dir_ + "/port")) {
      port_ = std::atoi(ReadFile(dir_ + "/port").c_str());
      return port_ > 0;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      ADD_FAILURE() << "the SMTP sink exited: " << ReadFile(log);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "the SMTP sink did not start in 30 s: " << ReadFile(log);
  return false;
}

std::vector<nlohmann::json> SmtpSink::Messages() const {
  std::vector<nlohmann::json> out;
  for (int n = 1;; ++n) {
    const fs::path p = fs::path(dir_) / (std::to_string(n) + ".json");
    if (!fs::exists(p)) break;
    out.push_back(nlohmann::json::parse(ReadFile(p), nullptr, false));
  }
  return out;
}

std::vector<nlohmann::json> SmtpSink::WaitFor(size_t n, int timeout_seconds) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  auto messages = Messages();
  while (messages.size() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    messages = Messages();
  }
  return messages;
}

}  // namespace dth::testing
