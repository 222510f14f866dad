#include "integration/hub_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include <gtest/gtest.h>

#include "core/bytes.h"

extern char** environ;

namespace dth::testing {

HubProcess::HubProcess(std::string data_dir, std::vector<std::string> extra_args,
                       std::string admin_password)
    : data_dir_(std::move(data_dir)), extra_(std::move(extra_args)),
      password_(std::move(admin_password)) {}

HubProcess::~HubProcess() { Kill(); }

bool HubProcess::Start() {
  std::vector<std::string> args = {DTH_BIN_PATH, "serve", "--listen", "127.0.0.1:0", "--data-dir",
                                   data_dir_};
  args.insert(args.end(), extra_.begin(), extra_.end());
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "DTH_ADMIN_PASSWORD=", 19) != 0) env_strings.emplace_back(*e);
  }
  env_strings.push_back("DTH_ADMIN_PASSWORD=" + password_);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return false;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  out_fd_ = pipe_fds[0];
  reader_ = std::thread([this] {
    char buf[8192];
    for (;;) {
      ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) return;
      std::lock_guard lock(mu_);
      output_.append(buf, static_cast<size_t>(n));
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mu_);
      auto at = output_.find("http://127.0.0.1:");
      if (at != std::string::npos) {
        auto end = output_.find('/', at + 7);
        if (end != std::string::npos) {
          url_ = output_.substr(at, end - at);
          return true;
        }
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      ADD_FAILURE() << "dth serve exited: " << output();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "dth serve did not print its URL: " << output();
  return false;
}

void HubProcess::Reap(int* status) {
  if (pid_ > 0) {
    waitpid(pid_, status, 0);
    pid_ = -1;
  }
  if (reader_.joinable()) reader_.join();
  if (out_fd_ >= 0) {
    close(out_fd_);
    out_fd_ = -1;
  }
}

int HubProcess::StopGracefully() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  Reap(&status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void HubProcess::Kill() {
  if (pid_ > 0) kill(pid_, SIGKILL);
  int status = 0;
  Reap(&status);
}

std::string HubProcess::output() const {
  std::lock_guard lock(mu_);
  return output_;
}

HubClient::HubClient(std::string url)
    : url_(std::move(url)), http_(std::make_shared<HttpClient>(HttpClientOptions{})) {}

bool HubClient::Login(const std::string& username, const std::string& password) {
  ApiAnswer a = Post("/api/v1/auth/token", {{"username", username}, {"password", password}});
  if (a.status != 200 || !a.body.contains("token")) return false;
  token_ = a.body["token"].get<std::string>();
  return true;
}

ApiAnswer HubClient::Call(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& content_type) const {
  HttpRequest request;
  request.method = method;
  request.url = url_ + path;
  if (!token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
  StringViewSource source(body);
  if (!body.empty() || method == "POST" || method == "PATCH") {
    request.headers.emplace_back("Content-Type", content_type);
    request.body = &source;
  }
  ApiAnswer answer;
  auto response = http_->Send(request);
  if (!response.ok()) {
    answer.text = response.status().ToString();
    return answer;
  }
  answer.status = response->status;
  answer.text = response->body;
  if (const std::string* type = response->Header("Content-Type")) answer.content_type = *type;
  answer.body = nlohmann::json::parse(answer.text, nullptr, false);
  if (answer.body.is_discarded()) answer.body = nullptr;
  std::lock_guard lock(mu_);
  transcript_ += answer.text + "\n";
  return answer;
}

nlohmann::json HubClient::WaitFor(const std::string& task_id, const std::vector<std::string>& statuses,
                                  int timeout_seconds) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  nlohmann::json last;
  while (std::chrono::steady_clock::now() < deadline) {
    ApiAnswer a = Get("/api/v1/tasks/" + task_id);
    if (a.status == 200) {
      last = a.body;
      const std::string status = last.value("status", "");
      for (const std::string& want : statuses) {
        if (status == want) return last;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "task " << task_id << " did not reach the expected status; last: " << last.dump();
  return last;
}

std::string HubClient::transcript() const {
  std::lock_guard lock(mu_);
  return transcript_;
}

}  // namespace dth::testing
