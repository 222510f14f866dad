// `dth task`: the hub's tasks from the command line, as a client of a running `dth
// serve` (its REST API): create, edit, list, get, stop, start, delete, clone, logs,
// objects, images, retry, and login for a token. Human-readable tables by default, --json
// for scripts.
// Exit codes: 0 ok, 1 the hub refused or could not be reached (the problem's detail on
// one line, with its field), 2 bad usage.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/task_commands.h"
#include "cli/task_format.h"
#include "cli/task_input.h"

namespace dth::cli {

void PrintJson(const json& value) {
  std::printf("%s\n", value.dump(2, ' ', false, json::error_handler_t::replace).c_str());
  std::fflush(stdout);
}

namespace {

struct TaskArgs {
  TaskCommon common;
  std::string id;
  // create
  std::string file;
  TaskFlags flags;
  bool stopped = false;
  bool wait = false;
  // list
  std::string status, type, query;
  int limit = 100;
  bool all = false;
  // logs
  int64_t run = 0;
  std::string level;
  bool follow = false;
  // objects
  std::string prefix;
  // edit
  std::vector<std::string> unset;
  // retry
  std::vector<std::string> keys;
  // login
  std::string username;
};

TaskApi Api(const TaskCommon& common) { return TaskApi(common.server, "", !common.no_verify_tls); }

// Adds --server, --json and --no-verify-tls to a `dth task` subcommand.
CLI::App* Sub(CLI::App* task, const char* name, const char* help, TaskArgs& a) {
  CLI::App* cmd = task->add_subcommand(name, help);
  cmd->add_option("--server", a.common.server,
                  "The hub's URL (default $DTH_SERVER, else http://127.0.0.1:8080)");
  cmd->add_flag("--json", a.common.json, "Print the API's JSON (for scripts)");
  cmd->add_flag("--no-verify-tls", a.common.no_verify_tls, "Do not verify the hub's TLS certificate");
  return cmd;
}

std::string TaskPath(const std::string& id) { return "/api/v1/tasks/" + UrlEncode(id); }

int RunCreate(const TaskArgs& a) {
  auto def = BuildDefinition(a.file, a.flags);
  if (!def.ok()) {
    std::fprintf(stderr, "dth: error: %s\n", def.status().message().c_str());
    return 2;
  }
  TaskApi api = Api(a.common);
  auto answer = api.Call("POST", std::string("/api/v1/tasks") + (a.stopped ? "?start=false" : ""), *def);
  if (!answer.ok()) return ReportApiError(*answer.error);
  const json& task = answer.value;
  for (const json& w : task.value("warnings", json::array())) {
    if (w.is_string()) std::fprintf(stderr, "dth: warning: %s\n", w.get<std::string>().c_str());
  }
  const std::string id = task.value("id", "");
  if (a.common.json) {
    PrintJson(task);
  } else {
    std::printf("%s\n", id.c_str());
    std::fflush(stdout);
  }
  return a.wait ? WaitForTask(api, a.common, id) : 0;
}

// Reads the task, lays the file and flags over it, and sends what changes with its
// revision (If-Match): an edit made meanwhile by someone else is refused, not lost.
int RunEdit(const TaskArgs& a) {
  TaskApi api = Api(a.common);
  auto current = api.Call("GET", TaskPath(a.id));
  if (!current.ok()) return ReportApiError(*current.error);
  const std::string status = current.value.value("status", "");
  if (status == "STARTING" || status == "IN_PROGRESS" || status == "STOPPING") {
    std::fprintf(stderr, "dth: error: task %s is running (%s): stop it first (`dth task stop %s`), then edit it\n",
                 a.id.c_str(), status.c_str(), a.id.c_str());
    return 1;
  }
  auto patch = BuildEdit(current.value, a.file, a.flags, a.unset);
  if (!patch.ok()) {
    std::fprintf(stderr, "dth: error: %s\n", patch.status().message().c_str());
    return 2;
  }
  json task = current.value;
  if (!patch->empty()) {
    const HttpHeaders if_match = {{"If-Match", "\"" + std::to_string(task.value("revision", int64_t{0})) + "\""}};
    auto answer = api.Call("PATCH", TaskPath(a.id), *patch, if_match);
    if (!answer.ok()) return ReportApiError(*answer.error);
    task = answer.value;
  }
  if (a.common.json) {
    PrintJson(task);
  } else if (patch->empty()) {
    std::printf("task %s unchanged (revision %lld)\n", a.id.c_str(),
                static_cast<long long>(task.value("revision", int64_t{0})));
  } else {
    std::printf("task %s edited (revision %lld)\n", a.id.c_str(), static_cast<long long>(task.value("revision", int64_t{0})));
  }
  return 0;
}

int RunList(const TaskArgs& a) {
  TaskApi api = Api(a.common);
  json all = json::array();
  std::string cursor;
  do {
    std::string path = "/api/v1/tasks?limit=" + std::to_string(a.limit);
    if (!a.status.empty()) path += "&status=" + UrlEncode(a.status);
    if (!a.type.empty()) path += "&type=" + UrlEncode(a.type);
    if (!a.query.empty()) path += "&q=" + UrlEncode(a.query);
    if (!cursor.empty()) path += "&cursor=" + UrlEncode(cursor);
    auto answer = api.Call("GET", path);
    if (!answer.ok()) return ReportApiError(*answer.error);
    for (const json& t : answer.value.value("tasks", json::array())) all.push_back(t);
    const json next = answer.value.value("next_cursor", json());
    cursor = next.is_string() ? next.get<std::string>() : "";
    if (!a.all && !cursor.empty()) {
      std::fprintf(stderr, "dth: more tasks: --all lists every one\n");
      cursor.clear();
    }
  } while (!cursor.empty());
  if (a.common.json) {
    PrintJson(json{{"tasks", all}});
  } else {
    std::fputs(FormatTaskList(all).c_str(), stdout);
  }
  return 0;
}

// get, stop, start, clone, delete: one call on one task.
int RunOne(const TaskArgs& a, const std::string& method, const std::string& suffix) {
  TaskApi api = Api(a.common);
  auto answer = api.Call(method, TaskPath(a.id) + suffix, method == "POST" ? json::object() : json());
  if (!answer.ok()) return ReportApiError(*answer.error);
  if (method == "DELETE") {
    if (a.common.json) {
      PrintJson(json{{"id", a.id}, {"deleted", true}});
    } else {
      std::printf("task %s deleted\n", a.id.c_str());
    }
    return 0;
  }
  if (a.common.json) {
    PrintJson(answer.value);
  } else if (suffix.empty()) {
    // With the last run's totals (live progress is there only while a run runs).
    json last_run;
    auto runs = api.Call("GET", TaskPath(a.id) + "/runs?limit=1");
    if (runs.ok() && runs.value.contains("runs") && !runs.value["runs"].empty()) last_run = runs.value["runs"][0];
    std::fputs(FormatTask(answer.value, last_run).c_str(), stdout);
  } else if (suffix == "/clone") {
    std::printf("%s\n", answer.value.value("id", "").c_str());
  } else {
    std::printf("task %s: %s\n", a.id.c_str(), answer.value.value("status", "").c_str());
  }
  return 0;
}

int RunRetry(const TaskArgs& a) {
  TaskApi api = Api(a.common);
  json body = json::object();
  if (!a.keys.empty()) body["keys"] = a.keys;
  auto answer = api.Call("POST", TaskPath(a.id) + "/objects/retry", body);
  if (!answer.ok()) return ReportApiError(*answer.error);
  if (a.common.json) {
    PrintJson(answer.value);
  } else {
    std::printf("task %s: %s\n", a.id.c_str(), answer.value.value("status", "").c_str());
  }
  return 0;
}

}  // namespace

void AddTaskCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<TaskArgs>();
  CLI::App* task = app.add_subcommand(
      "task", "Manage the hub's tasks through its API (a running `dth serve`; token from $DTH_TOKEN)");
  task->require_subcommand(1);
  // Also before the subcommand: `dth task --server URL list`.
  task->add_option("--server", a->common.server,
                   "The hub's URL (default $DTH_SERVER, else http://127.0.0.1:8080)");
  auto id_arg = [&](CLI::App* cmd) { cmd->add_option("id", a->id, "The task's id")->required(); };

  CLI::App* create = Sub(task, "create", "Create a task from a JSON/YAML file or flags; prints its id", *a);
  create->add_option("-f,--file", a->file, "The task definition (JSON or YAML; - for stdin)");
  create->add_option("--type", a->flags.type, "s3 or image")->check(CLI::IsMember({"s3", "image"}));
  create->add_option("--schedule", a->flags.schedule, "once, rate(N minutes|hours|days) or cron(...) (default once)");
  create->add_option("--description", a->flags.description, "What the task is for");
  create->add_option("-p,--param", a->flags.params, "A parameter KEY=VALUE (repeatable), e.g. srcBucket=photos");
  create->add_flag("--stopped", a->stopped, "Create it stopped (start it later with `dth task start`)");
  create->add_flag("--wait", a->wait, "Wait until it is DONE (exit 0), ERROR or STOPPED (exit 1)");
  create->callback([a, &exit_code] { exit_code = RunCreate(*a); });

  CLI::App* edit = Sub(task, "edit", "Change a stopped task: the flags of create, laid over what it is", *a);
  id_arg(edit);
  edit->add_option("-f,--file", a->file, "Members to replace (type, description, schedule, parameters; - for stdin)");
  edit->add_option("--type", a->flags.type, "s3 or image (a task's type cannot change)")
      ->check(CLI::IsMember({"s3", "image"}));
  edit->add_option("--schedule", a->flags.schedule, "once, rate(N minutes|hours|days) or cron(...)");
  edit->add_option("--description", a->flags.description, "What the task is for");
  edit->add_option("-p,--param", a->flags.params, "Set a parameter KEY=VALUE (repeatable); the others stay");
  edit->add_option("--unset", a->unset, "Remove a parameter (repeatable)");
  edit->callback([a, &exit_code] { exit_code = RunEdit(*a); });

  CLI::App* list = Sub(task, "list", "List tasks", *a);
  list->add_option("--status", a->status, "Only tasks in this status (STARTING, IN_PROGRESS, DONE, ...)");
  list->add_option("--type", a->type, "Only s3 or image tasks");
  list->add_option("-q,--query", a->query, "Only tasks whose id or description contains this text");
  list->add_option("--limit", a->limit, "Tasks per page")->check(CLI::Range(1, 1000));
  list->add_flag("--all", a->all, "Every page, not just the first");
  list->callback([a, &exit_code] { exit_code = RunList(*a); });

  struct Simple {
    const char* name;
    const char* help;
    const char* method;
    const char* suffix;
  };
  for (const Simple& s : {Simple{"get", "Show a task, its status and progress", "GET", ""},
                          Simple{"stop", "Stop a task (resumable: start continues it)", "POST", "/stop"},
                          Simple{"start", "Start a task: resume a stopped run, or run now", "POST", "/start"},
                          Simple{"clone", "Copy a task's definition into a new task; prints its id", "POST", "/clone"},
                          Simple{"delete", "Delete a task and its state (never the data it copied)", "DELETE", ""}}) {
    CLI::App* cmd = Sub(task, s.name, s.help, *a);
    id_arg(cmd);
    const std::string method = s.method, suffix = s.suffix;
    cmd->callback([a, method, suffix, &exit_code] { exit_code = RunOne(*a, method, suffix); });
  }

  CLI::App* logs = Sub(task, "logs", "Show a task's log (--follow: until the task ends)", *a);
  id_arg(logs);
  logs->add_option("--run", a->run, "Only this run's entries");
  logs->add_option("--level", a->level, "The lowest level shown: debug, info, warn or error");
  logs->add_flag("-F,--follow", a->follow, "Keep printing new entries until the task is DONE, ERROR or STOPPED");
  logs->callback([a, &exit_code] {
    exit_code = RunTaskLogs(Api(a->common), a->common, a->id, a->run, a->level, a->follow);
  });

  CLI::App* objects = Sub(task, "objects", "List a task's per-object records", *a);
  id_arg(objects);
  objects->add_option("--status", a->status, "pending, copying, done, failed or skipped");
  objects->add_option("--prefix", a->prefix, "Only keys under this prefix");
  objects->add_option("--limit", a->limit, "Records per page")->check(CLI::Range(1, 1000));
  objects->add_flag("--all", a->all, "Every page, not just the first");
  objects->callback([a, &exit_code] {
    exit_code = RunTaskObjects(Api(a->common), a->common, a->id, a->status, a->prefix, a->limit, a->all);
  });

  CLI::App* images = Sub(task, "images", "List an image task's per-image records (digests, status, error)", *a);
  id_arg(images);
  images->callback([a, &exit_code] { exit_code = RunTaskImages(Api(a->common), a->common, a->id); });

  CLI::App* retry = Sub(task, "retry", "Retry a task's failed objects (all, or the --key ones)", *a);
  id_arg(retry);
  retry->add_option("--key", a->keys, "A failed object's key (repeatable; default: every failed one)");
  retry->callback([a, &exit_code] { exit_code = RunRetry(*a); });

  CLI::App* login = Sub(task, "login",
                        "Sign in: reads the password from $DTH_PASSWORD or stdin, prints a token "
                        "for `export DTH_TOKEN=...`",
                        *a);
  login->add_option("-u,--username", a->username, "The user")->required();
  login->callback([a, &exit_code] { exit_code = RunTaskLogin(Api(a->common), a->username); });
}

}  // namespace dth::cli
