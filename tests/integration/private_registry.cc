#include "integration/private_registry.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/http_client.h"

namespace dth::testing {
namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

std::unique_ptr<PrivateRegistry> PrivateRegistry::Start() {
  std::unique_ptr<PrivateRegistry> r(new PrivateRegistry());
  char tmpl[] = "/tmp/dth-private-registry-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return nullptr;
  }
  r->dir_ = tmpl;
  r->port_ = FreePort();
  r->url_ = "http://127.0.0.1:" + std::to_string(r->port_);
  r->config_ = r->dir_ + "/config.yml";
  std::ofstream(r->config_) << "version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\n"
                            << "storage:\n  filesystem: {rootdirectory: " << r->dir_ << "/data}\n"
                            << "  delete: {enabled: true}\n"
                            << "http: {addr: 127.0.0.1:" << r->port_ << ", secret: private}\n";
  Status st = r->Restart();
  if (!st.ok()) {
    ADD_FAILURE() << st.message();
    return nullptr;
  }
  return r;
}

Status PrivateRegistry::Restart() {
  // Built before fork: the child of a threaded process must not allocate (run_process.cc).
  const std::string log_path = dir_ + "/registry.log";
  pid_t pid = fork();
  if (pid == 0) {
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(log, 1);
    dup2(log, 2);
    execlp("docker-registry", "docker-registry", "serve", config_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  pid_ = pid;
  HttpClient http;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    HttpRequest req;
    req.url = url_ + "/v2/";
    auto resp = http.Send(req);
    if (resp.ok() && resp->status == 200) return Status::Ok();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status(Code::kIo, "docker-registry exited at start (see " + dir_ + "/registry.log)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status(Code::kIo, "docker-registry did not answer on " + url_);
}

void PrivateRegistry::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

PrivateRegistry::~PrivateRegistry() {
  Kill();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace dth::testing
