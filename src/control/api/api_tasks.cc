// The task routes: list, create (or import), get, edit, delete, start, stop, clone.
#include "control/api/api_routes.h"

namespace dth::control::api {
namespace {

server::Response NoContent() { return server::Response{204, {}, "", nullptr}; }

Result<std::optional<TaskStatus>> StatusParam(const server::Request& req) {
  const std::string text = TextParam(req, "status");
  if (text.empty()) return std::optional<TaskStatus>();
  auto status = ParseTaskStatus(text);
  if (!status) {
    return InvalidArgument("status: expected STARTING, IN_PROGRESS, DONE, ERROR, STOPPING or STOPPED")
        .WithField("status");
  }
  return std::optional<TaskStatus>(*status);
}

// A task as the list and GET show it: with its newest run (its totals are what a finished
// task's progress column shows), or null before its first run. One indexed look-up per
// task (control_runs_by_task); a store error leaves it out rather than failing the page.
json TaskWithLastRun(ApiServices& s, const TaskRecord& t) {
  json j = TaskJson(t, s.runner.Progress(t.id));
  auto runs = s.store.ListRuns(t.id, 0, 1);
  j["last_run"] = runs.ok() && !runs->empty() ? RunJson(runs->front()) : json(nullptr);
  return j;
}

}  // namespace

void AddTaskRoutes(server::Router& router, ApiServices& s) {
  router.Add("GET", "/api/v1/tasks", [&s](const server::Request& req) {
    TaskQuery q;
    auto status = StatusParam(req);
    if (!status.ok()) return Problem(status.status());
    q.status = *status;
    q.type = TextParam(req, "type");
    if (!q.type.empty() && q.type != "s3" && q.type != "image")
      return Problem(InvalidArgument("type: expected s3 or image").WithField("type"));
    q.text = TextParam(req, "q");
    q.cursor = TextParam(req, "cursor");
    auto limit = IntParam(req, "limit", 20, 1, 1000);
    if (!limit.ok()) return Problem(limit.status());
    q.limit = static_cast<int>(*limit);
    auto page = s.tasks.List(q);
    if (!page.ok()) return Problem(page.status());
    json list = json::array();
    for (const TaskRecord& t : page->tasks) list.push_back(TaskWithLastRun(s, t));
    return JsonAnswer(200, json{{"tasks", list},
                                {"next_cursor", page->next_cursor.empty() ? json(nullptr)
                                                                          : json(page->next_cursor)}});
  });
  router.Add("POST", "/api/v1/tasks", [&s](const server::Request& req) {
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    const std::string start = TextParam(req, "start");
    if (!start.empty() && start != "true" && start != "false")
      return Problem(InvalidArgument("start: expected true or false").WithField("start"));
    std::vector<std::string> warnings;
    auto task = s.tasks.Create(req.body, start != "false", &warnings);
    if (!task.ok()) return Problem(task.status());
    json j = TaskJson(*task, s.runner.Progress(task->id));
    j["warnings"] = warnings;
    return JsonAnswer(201, j).WithHeader("Location", "/api/v1/tasks/" + task->id);
  });
  router.Add("GET", "/api/v1/tasks/{id}", [&s](const server::Request& req) {
    auto task = s.tasks.Get(req.PathParam("id"));
    if (!task.ok()) return Problem(task.status());
    return JsonAnswer(200, TaskWithLastRun(s, *task));
  });
  router.Add("PATCH", "/api/v1/tasks/{id}", [&s](const server::Request& req) {
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    // If-Match: the revision the client read (optional): a concurrent edit is a 409.
    int64_t revision = 0;
    if (const std::string* match = req.Header("If-Match")) {
      std::string text = *match;
      if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
      char* end = nullptr;
      revision = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || revision < 1)
        return Problem(InvalidArgument("If-Match: expected the task's revision").WithField("If-Match"));
    }
    auto task = s.tasks.Edit(req.PathParam("id"), req.body, revision);
    if (!task.ok()) return Problem(task.status());
    return JsonAnswer(200, TaskJson(*task, std::nullopt));
  });
  router.Add("DELETE", "/api/v1/tasks/{id}", [&s](const server::Request& req) {
    Status st = s.tasks.Delete(req.PathParam("id"));
    if (!st.ok()) return Problem(st);
    return NoContent();
  });
  router.Add("POST", "/api/v1/tasks/{id}/start", [&s](const server::Request& req) {
    auto task = s.tasks.Start(req.PathParam("id"));
    if (!task.ok()) return Problem(task.status());
    return JsonAnswer(200, TaskJson(*task, s.runner.Progress(task->id)));
  });
  router.Add("POST", "/api/v1/tasks/{id}/stop", [&s](const server::Request& req) {
    auto task = s.tasks.Stop(req.PathParam("id"));
    if (!task.ok()) return Problem(task.status());
    return JsonAnswer(200, TaskJson(*task, s.runner.Progress(task->id)));
  });
  router.Add("POST", "/api/v1/tasks/{id}/clone", [&s](const server::Request& req) {
    auto task = s.tasks.Clone(req.PathParam("id"));
    if (!task.ok()) return Problem(task.status());
    return JsonAnswer(201, TaskJson(*task, std::nullopt))
        .WithHeader("Location", "/api/v1/tasks/" + task->id);
  });
}

}  // namespace dth::control::api
