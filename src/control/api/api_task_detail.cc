// What a task did and does: runs, per-object records (with retry), images, logs,
// metric history, and live events.
#include <algorithm>
#include <filesystem>

#include "control/api/api_routes.h"
#include "control/tasks/task_events.h"
#include "imagesync/image_records.h"
#include "server/event_sink.h"

namespace dth::control::api {
namespace {

// The original's ranges, and a step that keeps a graph to a few hundred points.
struct Range {
  const char* name;
  std::chrono::seconds span;
  int step;
};
constexpr Range kRanges[] = {{"1h", std::chrono::hours(1), 60},     {"3h", std::chrono::hours(3), 60},
                             {"12h", std::chrono::hours(12), 300},  {"1d", std::chrono::hours(24), 300},
                             {"3d", std::chrono::hours(72), 900},   {"1w", std::chrono::hours(168), 3600}};

Result<MetricQuery> MetricRange(const server::Request& req, const std::string& task_id) {
  MetricQuery q;
  q.task_id = task_id;
  const std::string from = TextParam(req, "from"), to = TextParam(req, "to");
  const std::string range = TextParam(req, "range");
  const TimePoint now = std::chrono::system_clock::now();
  const TimePoint end_minute =
      std::chrono::time_point_cast<std::chrono::minutes>(now) + std::chrono::minutes(1);
  if (!from.empty() || !to.empty()) {
    if (!range.empty()) return InvalidArgument("range: give range, or from and to").WithField("range");
    auto f = ParseRfc3339(from);
    if (!f) return InvalidArgument("from: expected an RFC 3339 time").WithField("from");
    auto t = to.empty() ? std::optional<TimePoint>(end_minute) : ParseRfc3339(to);
    if (!t) return InvalidArgument("to: expected an RFC 3339 time").WithField("to");
    if (*t <= *f) return InvalidArgument("to: must be after from").WithField("to");
    if (*t - *f > std::chrono::hours(24 * 93)) return InvalidArgument("from: at most 93 days back").WithField("from");
    q.from = std::chrono::time_point_cast<std::chrono::minutes>(*f);
    q.to = *t;
    const auto span = std::chrono::duration_cast<std::chrono::seconds>(q.to - q.from).count();
    q.step_seconds = static_cast<int>(std::max<int64_t>(60, (span / 360 + 59) / 60 * 60));
  } else {
    const std::string name = range.empty() ? "1h" : range;
    const Range* found = nullptr;
    for (const Range& r : kRanges) {
      if (name == r.name) found = &r;
    }
    if (found == nullptr) return InvalidArgument("range: expected 1h, 3h, 12h, 1d, 3d or 1w").WithField("range");
    q.to = end_minute;
    q.from = end_minute - found->span;
    q.step_seconds = found->step;
  }
  auto step = IntParam(req, "step", q.step_seconds, 60, 86400);
  if (!step.ok()) return step.status();
  if (*step % 60 != 0) return InvalidArgument("step: a multiple of 60 seconds").WithField("step");
  q.step_seconds = static_cast<int>(*step);
  return q;
}

Result<std::optional<ObjectStatus>> ObjectStatusParam(const server::Request& req) {
  const std::string text = TextParam(req, "status");
  if (text.empty()) return std::optional<ObjectStatus>();
  auto status = ParseObjectStatus(text);
  if (!status) {
    return InvalidArgument("status: expected pending, copying, done, failed or skipped")
        .WithField("status");
  }
  return std::optional<ObjectStatus>(*status);
}

server::Response Events(ApiServices& s, const std::string& task_id) {
  return server::Response::EventStream([&s, task_id](std::shared_ptr<server::EventSink> sink) {
    // Every change from now on, and what is going on now. Subscribed first: a change made
    // between reading the state and subscribing would be lost the other way round. A change
    // may then come twice or before the state it follows; revisions order status events
    // (an older one changes nothing), and progress events are each a whole figure.
    // The same payloads as every later event of their type (control/tasks/task_events.h).
    const int64_t id = s.events.Subscribe(task_id, [sink](const HubEvent& e) {
      sink->Send(e.type, e.data);
    });
    sink->OnClose([&s, id] { s.events.Unsubscribe(id); });
    if (!task_id.empty()) {
      if (auto task = s.tasks.Get(task_id); task.ok()) sink->Send("status", EventText(StatusEventJson(*task)));
      if (auto p = s.runner.Progress(task_id)) sink->Send("progress", EventText(ProgressEventJson(*p)));
    } else {
      for (const LiveProgress& p : s.runner.AllProgress()) sink->Send("progress", EventText(ProgressEventJson(p)));
    }
  });
}

}  // namespace

void AddTaskDetailRoutes(server::Router& router, ApiServices& s) {
  router.Add("GET", "/api/v1/tasks/{id}/runs", [&s](const server::Request& req) {
    const std::string id = req.PathParam("id");
    if (auto task = s.tasks.Get(id); !task.ok()) return Problem(task.status());
    auto before = IntParam(req, "before", 0, 0, INT64_MAX);
    if (!before.ok()) return Problem(before.status());
    auto limit = IntParam(req, "limit", 20, 1, 1000);
    if (!limit.ok()) return Problem(limit.status());
    auto runs = s.store.ListRuns(id, *before, static_cast<int>(*limit));
    if (!runs.ok()) return Problem(runs.status());
    json list = json::array();
    for (const RunRecord& r : *runs) list.push_back(RunJson(r));
    json next = static_cast<int64_t>(runs->size()) == *limit && !runs->empty() ? json(runs->back().id)
                                                                               : json(nullptr);
    return JsonAnswer(200, json{{"runs", list}, {"next_before", next}});
  });
  router.Add("GET", "/api/v1/tasks/{id}/runs/{run}", [&s](const server::Request& req) {
    char* end = nullptr;
    const std::string text = req.PathParam("run");
    const long long run_id = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || run_id < 1)
      return Problem(InvalidArgument("run: expected a run id").WithField("run"));
    auto run = s.store.GetRun(run_id);
    if (!run.ok()) return Problem(run.status());
    if (run->task_id != req.PathParam("id")) return Problem(NotFound("no run " + text + " in this task"));
    return JsonAnswer(200, RunJson(*run));
  });
  router.Add("GET", "/api/v1/tasks/{id}/objects", [&s](const server::Request& req) {
    ObjectQuery q;
    auto status = ObjectStatusParam(req);
    if (!status.ok()) return Problem(status.status());
    q.status = *status;
    q.prefix = TextParam(req, "prefix");
    auto after = DecodeCursor(TextParam(req, "cursor"), "cursor");
    if (!after.ok()) return Problem(after.status());
    q.start_after = *after;
    auto limit = IntParam(req, "limit", 100, 1, 1000);
    if (!limit.ok()) return Problem(limit.status());
    q.limit = static_cast<int>(*limit);
    auto page = s.tasks.Objects(req.PathParam("id"), q);
    if (!page.ok()) return Problem(page.status());
    json list = json::array();
    for (const ObjectRecord& r : page->records) list.push_back(ObjectJson(r));
    return JsonAnswer(200, json{{"objects", list},
                                {"next_cursor", page->next_start_after.empty()
                                                    ? json(nullptr)
                                                    : json(EncodeCursor(page->next_start_after))}});
  });
  router.Add("GET", "/api/v1/tasks/{id}/objects/summary", [&s](const server::Request& req) {
    auto counts = s.tasks.ObjectTotals(req.PathParam("id"));
    if (!counts.ok()) return Problem(counts.status());
    return JsonAnswer(200, json{{"pending", counts->pending}, {"copying", counts->copying},
                                {"done", counts->done},       {"failed", counts->failed},
                                {"skipped", counts->skipped}, {"total", counts->total()}});
  });
  router.Add("POST", "/api/v1/tasks/{id}/objects/retry", [&s](const server::Request& req) {
    auto body = BodyObject(req);
    if (!body.ok()) return Problem(body.status());
    std::vector<std::string> keys;
    for (const auto& [member, value] : body->items()) {
      if (member != "keys") return Problem(InvalidArgument(member + ": unknown member").WithField(member));
      if (!value.is_array()) return Problem(InvalidArgument("keys: expected a list of keys").WithField("keys"));
      for (const json& key : value) {
        if (!key.is_string() || key.get<std::string>().empty())
          return Problem(InvalidArgument("keys: expected non-empty strings").WithField("keys"));
        keys.push_back(key.get<std::string>());
      }
      if (keys.size() > 10000) return Problem(InvalidArgument("keys: at most 10,000").WithField("keys"));
    }
    auto task = s.tasks.Retry(req.PathParam("id"), keys);
    if (!task.ok()) return Problem(task.status());
    return JsonAnswer(200, TaskJson(*task, s.runner.Progress(task->id)));
  });
  router.Add("GET", "/api/v1/tasks/{id}/images", [&s](const server::Request& req) {
    const std::string id = req.PathParam("id");
    auto task = s.tasks.Get(id);
    if (!task.ok()) return Problem(task.status());
    json list = json::array();
    if (task->type == "image") {
      std::error_code ec;
      if (std::filesystem::exists(s.runner.StatePath(id), ec)) {
        auto records = imagesync::ImageRecords::Open(s.runner.StatePath(id));
        if (!records.ok()) return Problem(records.status());
        auto all = (*records)->List(id);
        if (!all.ok()) return Problem(all.status());
        for (const auto& r : *all) list.push_back(ImageJson(r));
      }
    }
    return JsonAnswer(200, json{{"images", list}});
  });
  router.Add("GET", "/api/v1/tasks/{id}/logs", [&s](const server::Request& req) {
    const std::string id = req.PathParam("id");
    if (auto task = s.tasks.Get(id); !task.ok()) return Problem(task.status());
    LogQuery q;
    q.task_id = id;
    auto run = IntParam(req, "run", 0, 0, INT64_MAX);
    if (!run.ok()) return Problem(run.status());
    q.run_id = *run;
    auto after = IntParam(req, "after", 0, 0, INT64_MAX);
    if (!after.ok()) return Problem(after.status());
    q.after_id = *after;
    const std::string level = TextParam(req, "level");
    if (!level.empty()) {
      auto parsed = ParseLogLevel(level);
      if (!parsed) return Problem(InvalidArgument("level: expected debug, info, warn or error").WithField("level"));
      q.min_level = *parsed;
    }
    q.text = TextParam(req, "q");
    auto limit = IntParam(req, "limit", 100, 1, 1000);
    if (!limit.ok()) return Problem(limit.status());
    q.limit = static_cast<int>(*limit);
    auto logs = s.store.ListLogs(q);
    if (!logs.ok()) return Problem(logs.status());
    json list = json::array();
    for (const LogEntry& e : *logs) list.push_back(LogJson(e));
    return JsonAnswer(200, json{{"logs", list},
                                {"next_after", logs->empty() ? json(q.after_id) : json(logs->back().id)}});
  });
  router.Add("GET", "/api/v1/tasks/{id}/metrics", [&s](const server::Request& req) {
    const std::string id = req.PathParam("id");
    if (auto task = s.tasks.Get(id); !task.ok()) return Problem(task.status());
    auto q = MetricRange(req, id);
    if (!q.ok()) return Problem(q.status());
    auto samples = s.store.ListSamples(*q);
    if (!samples.ok()) return Problem(samples.status());
    json points = json::array();
    for (const MetricSample& m : *samples) points.push_back(SampleJson(m));
    return JsonAnswer(200, json{{"from", Time(q->from)}, {"to", Time(q->to)},
                                {"step_seconds", q->step_seconds}, {"points", points}});
  });
  router.Add("GET", "/api/v1/tasks/{id}/events", [&s](const server::Request& req) {
    const std::string id = req.PathParam("id");
    if (auto task = s.tasks.Get(id); !task.ok()) return Problem(task.status());
    return Events(s, id);
  });
  router.Add("GET", "/api/v1/events", [&s](const server::Request&) { return Events(s, ""); });
}

}  // namespace dth::control::api
