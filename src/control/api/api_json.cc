#include "control/api/api_json.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "control/tasks/task_events.h"
#include "store/s3/s3_xml.h"

namespace dth::control::api {

std::string Rfc3339(TimePoint t) { return control::Rfc3339(t); }

json Time(TimePoint t) { return TimeOrNull(t); }

std::optional<TimePoint> ParseRfc3339(const std::string& text) {
  TimePoint t;
  if (!s3::ParseIsoTime(text, &t)) return std::nullopt;
  return t;
}

json ProgressJson(const LiveProgress& p) { return LiveProgressJson(p); }

json TaskJson(const TaskRecord& t, const std::optional<LiveProgress>& progress) {
  json params = json::parse(t.parameters, nullptr, false);
  if (params.is_discarded()) params = json::object();
  return {{"id", t.id},
          {"type", t.type},
          {"description", t.description},
          {"schedule", t.schedule},
          {"parameters", params},
          {"status", TaskStatusName(t.status)},
          {"error", t.error.empty() ? json(nullptr) : json(t.error)},
          {"current_run_id", t.current_run_id == 0 ? json(nullptr) : json(t.current_run_id)},
          {"next_run_at", Time(t.next_run_at)},
          {"created_at", Time(t.created_at)},
          {"updated_at", Time(t.updated_at)},
          {"revision", t.revision},
          {"progress", progress ? ProgressJson(*progress) : json(nullptr)}};
}

json RunJson(const RunRecord& r) {
  return {{"id", r.id},
          {"task_id", r.task_id},
          {"trigger", r.trigger},
          {"status", RunStatusName(r.status)},
          {"error", r.error.empty() ? json(nullptr) : json(r.error)},
          {"objects_planned", r.totals.objects_planned},
          {"bytes_planned", r.totals.bytes_planned},
          {"objects_done", r.totals.objects_done},
          {"bytes_done", r.totals.bytes_done},
          {"objects_skipped", r.totals.objects_skipped},
          {"objects_failed", r.totals.objects_failed},
          {"objects_deleted", r.totals.objects_deleted},
          {"started_at", Time(r.started_at)},
          {"finished_at", Time(r.finished_at)}};
}

json ObjectJson(const ObjectRecord& r) {
  return {{"key", r.key},
          {"size", r.size},
          {"status", ObjectStatusName(r.status)},
          {"attempts", r.attempts},
          {"error", r.last_error.empty() ? json(nullptr) : json(r.last_error)},
          {"source_version", r.source_etag},
          {"started_at", Time(r.started_at)},
          {"finished_at", Time(r.finished_at)}};
}

json ImageJson(const imagesync::ImageRecord& r) {
  return {{"source", r.source},
          {"destination", r.destination},
          {"source_digest", r.source_digest},
          {"destination_digest", r.dest_digest},
          {"status", imagesync::ImageStatusName(r.status)},
          {"error", r.error.empty() ? json(nullptr) : json(r.error)},
          {"attempts", r.attempts},
          {"blobs_copied", r.blobs_copied},
          {"blobs_mounted", r.blobs_mounted},
          {"bytes_copied", r.bytes_copied},
          {"finished_at", Time(r.finished_at)}};
}

json LogJson(const LogEntry& e) { return LogEventJson(e); }

json SampleJson(const MetricSample& s) {
  return {{"time", Time(s.minute)},
          {"bytes", s.bytes},
          {"objects_done", s.objects_done},
          {"objects_failed", s.objects_failed},
          {"jobs_waiting", s.jobs_waiting},
          {"jobs_running", s.jobs_running},
          {"workers_busy", s.workers_busy},
          {"retries_throttled", s.retries_throttled},
          {"retries_server", s.retries_server},
          {"retries_network", s.retries_network}};
}

json SecretJson(const SecretRecord& s) {
  return {{"name", s.name},
          {"kind", s.kind},
          {"description", s.description},
          {"created_at", Time(s.created_at)},
          {"updated_at", Time(s.updated_at)}};
}

json UserJson(const UserRecord& u) {
  return {{"username", u.username}, {"role", u.role}, {"created_at", Time(u.created_at)}};
}

json TokenJson(const TokenRecord& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"created_at", Time(t.created_at)},
          {"expires_at", Time(t.expires_at)},
          {"last_used_at", Time(t.last_used_at)}};
}

server::Response JsonAnswer(int status, const json& body) {
  return server::Response::Json(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

server::Response Problem(const Status& st) {
  int status = 500;
  std::string code = "internal";
  std::string title = "Internal error";
  switch (st.code()) {
    case Code::kInvalidArgument:
      if (st.field() == "Content-Type") {
        status = 415;
        code = "unsupported_media_type";
        title = "Unsupported media type";
        break;
      }
      status = 400;
      code = st.field().empty() ? "bad_request" : "invalid_field";
      title = "Invalid request";
      break;
    case Code::kNotFound:
      status = 404;
      code = "not_found";
      title = "Not found";
      break;
    case Code::kPermissionDenied:
      status = 403;
      code = "forbidden";
      title = "Forbidden";
      break;
    case Code::kPreconditionFailed:
      status = 409;
      code = "conflict";
      title = "Conflict";
      break;
    case Code::kNotSupported:
      status = 501;
      code = "not_supported";
      title = "Not supported";
      break;
    case Code::kThrottled:
    case Code::kTransient:
      status = 503;
      code = "unavailable";
      title = "Try again";
      break;
    default:
      break;
  }
  // An internal error's message stays in the server's log; the client gets a generic one.
  std::string detail = st.message();
  if (status == 500) {
    spdlog::error("API: {}", st.ToString());
    detail = "the server could not complete the request (see its log)";
  }
  return server::Response::Problem(status, code, title, detail, st.field());
}

}  // namespace dth::control::api
