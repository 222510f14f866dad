// `dth task logs`, `objects`, `login` and `create --wait`: the subcommands that page,
// poll or read a secret.
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/task_commands.h"
#include "cli/task_format.h"

namespace dth::cli {
namespace {

bool Finished(const std::string& status) { return status == "DONE" || status == "ERROR" || status == "STOPPED"; }

std::string TaskPath(const std::string& id) { return "/api/v1/tasks/" + UrlEncode(id); }

// Reads one line from stdin without echoing it when stdin is a terminal.
std::string ReadSecretLine() {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    std::fprintf(stderr, "password: ");
    std::fflush(stderr);
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int RunTaskLogs(const TaskApi& api, const TaskCommon& common, const std::string& id, int64_t run,
                const std::string& level, bool follow) {
  int64_t after = 0;
  bool ended = false;
  while (true) {
    // Whether the task had ended is read before the page, so that no entry written
    // just before it ended is missed.
    if (follow) {
      auto task = api.Call("GET", TaskPath(id));
      if (!task.ok()) return ReportApiError(*task.error);
      ended = Finished(task.value.value("status", ""));
    }
    bool full = true;
    while (full) {
      std::string path = TaskPath(id) + "/logs?limit=1000&after=" + std::to_string(after);
      if (run > 0) path += "&run=" + std::to_string(run);
      if (!level.empty()) path += "&level=" + UrlEncode(level);
      auto page = api.Call("GET", path);
      if (!page.ok()) return ReportApiError(*page.error);
      const json logs = page.value.value("logs", json::array());
      for (const json& e : logs) {
        if (common.json) {
          std::printf("%s\n", e.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
        } else {
          std::fputs(FormatLogLine(e).c_str(), stdout);
        }
      }
      std::fflush(stdout);
      const json next = page.value.value("next_after", json());
      if (next.is_number()) after = next.get<int64_t>();
      full = logs.size() == 1000;
    }
    if (!follow || ended) return 0;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

int RunTaskObjects(const TaskApi& api, const TaskCommon& common, const std::string& id, const std::string& status,
                   const std::string& prefix, int limit, bool all) {
  auto task = api.Call("GET", TaskPath(id));
  if (!task.ok()) return ReportApiError(*task.error);
  if (task.value.value("type", "") == "image") {
    std::fprintf(stderr, "dth: error: task %s copies images, not objects: see `dth task images %s`\n",
                 id.c_str(), id.c_str());
    return 2;
  }
  json records = json::array();
  std::string cursor;
  do {
    std::string path = TaskPath(id) + "/objects?limit=" + std::to_string(limit);
    if (!status.empty()) path += "&status=" + UrlEncode(status);
    if (!prefix.empty()) path += "&prefix=" + UrlEncode(prefix);
    if (!cursor.empty()) path += "&cursor=" + UrlEncode(cursor);
    auto page = api.Call("GET", path);
    if (!page.ok()) return ReportApiError(*page.error);
    for (const json& r : page.value.value("objects", json::array())) records.push_back(r);
    const json next = page.value.value("next_cursor", json());
    cursor = next.is_string() ? next.get<std::string>() : "";
    if (!all && !cursor.empty()) {
      std::fprintf(stderr, "dth: more objects: --all lists every one\n");
      cursor.clear();
    }
  } while (!cursor.empty());
  if (common.json) {
    PrintJson(json{{"objects", records}});
  } else {
    std::fputs(FormatObjects(records).c_str(), stdout);
  }
  return 0;
}

int RunTaskImages(const TaskApi& api, const TaskCommon& common, const std::string& id) {
  auto task = api.Call("GET", TaskPath(id));
  if (!task.ok()) return ReportApiError(*task.error);
  if (task.value.value("type", "") != "image") {
    std::fprintf(stderr, "dth: error: task %s copies objects, not images: see `dth task objects %s`\n",
                 id.c_str(), id.c_str());
    return 2;
  }
  auto answer = api.Call("GET", TaskPath(id) + "/images");
  if (!answer.ok()) return ReportApiError(*answer.error);
  const json images = answer.value.value("images", json::array());
  if (common.json) {
    PrintJson(json{{"images", images}});
  } else {
    std::fputs(FormatImages(images).c_str(), stdout);
  }
  return 0;
}

int RunTaskLogin(const TaskApi& api, const std::string& username) {
  const char* env = std::getenv("DTH_PASSWORD");
  const std::string password = env != nullptr && *env != '\0' ? std::string(env) : ReadSecretLine();
  if (password.empty()) {
    std::fprintf(stderr, "dth: error: no password: set DTH_PASSWORD or give it on stdin\n");
    return 2;
  }
  auto answer = api.Call("POST", "/api/v1/auth/token", json{{"username", username}, {"password", password}});
  if (!answer.ok()) {
    ApiError error = *answer.error;
    if (error.http_status == 401) error.message = "sign-in failed for user " + username;
    return ReportApiError(error);
  }
  const json token = answer.value.value("token", json());
  if (!token.is_string()) {
    std::fprintf(stderr, "dth: error: the hub answered without a token\n");
    return 1;
  }
  std::printf("%s\n", token.get<std::string>().c_str());
  if (::isatty(STDOUT_FILENO) == 1)
    std::fprintf(stderr, "export it for the other commands: export DTH_TOKEN=<the token above>\n");
  return 0;
}

int WaitForTask(const TaskApi& api, const TaskCommon& common, const std::string& id) {
  std::string last;
  while (true) {
    auto task = api.Call("GET", TaskPath(id));
    if (!task.ok()) return ReportApiError(*task.error);
    const std::string status = task.value.value("status", "");
    if (status != last && !common.json) std::fprintf(stderr, "task %s: %s\n", id.c_str(), status.c_str());
    last = status;
    if (Finished(status)) {
      if (status == "ERROR") {
        const json error = task.value.value("error", json());
        std::fprintf(stderr, "dth: error: task %s failed: %s\n", id.c_str(),
                     error.is_string() ? error.get<std::string>().c_str() : "see `dth task logs`");
      }
      return status == "DONE" ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace dth::cli
