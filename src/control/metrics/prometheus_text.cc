#include "control/metrics/prometheus_text.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace dth::control {

std::string PrometheusText(ControlStore& store, const TaskRunner& runner, const std::string& version,
                           const std::function<ServerCounters()>& server) {
  using prometheus::BuildGauge;
  prometheus::Registry registry;
  BuildGauge().Name("dth_build_info").Help("The dth version serving").Register(registry)
      .Add({{"version", version}}).Set(1);

  auto& tasks = BuildGauge().Name("dth_tasks").Help("Tasks by status").Register(registry);
  for (TaskStatus status : {TaskStatus::kStarting, TaskStatus::kInProgress, TaskStatus::kDone,
                            TaskStatus::kError, TaskStatus::kStopping, TaskStatus::kStopped}) {
    auto in = store.TasksInStatus({status});
    tasks.Add({{"status", TaskStatusName(status)}}).Set(in.ok() ? static_cast<double>(in->size()) : 0);
  }

  auto gauge = [&](const char* name, const char* help) -> prometheus::Family<prometheus::Gauge>& {
    return BuildGauge().Name(name).Help(help).Register(registry);
  };
  auto& planned = gauge("dth_run_objects_planned", "Objects the running run of a task plans to copy");
  auto& planned_bytes = gauge("dth_run_bytes_planned", "Bytes the running run of a task plans to copy");
  auto& done = gauge("dth_run_objects_done", "Objects the running run of a task copied so far");
  auto& done_bytes = gauge("dth_run_bytes_done", "Bytes the running run of a task copied so far");
  auto& failed = gauge("dth_run_objects_failed", "Objects the running run of a task failed for good");
  auto& retried = gauge("dth_run_jobs_retried", "Jobs the running run of a task put back after a failed attempt");
  auto& rate = gauge("dth_run_bytes_per_second", "Throughput of the running run of a task");
  for (const LiveProgress& p : runner.AllProgress()) {
    const prometheus::Labels labels{{"task_id", p.task_id}};
    planned.Add(labels).Set(static_cast<double>(p.objects_planned));
    planned_bytes.Add(labels).Set(static_cast<double>(p.bytes_planned));
    done.Add(labels).Set(static_cast<double>(p.objects_done));
    done_bytes.Add(labels).Set(static_cast<double>(p.bytes_done));
    failed.Add(labels).Set(static_cast<double>(p.objects_failed));
    retried.Add(labels).Set(static_cast<double>(p.retried_jobs));
    rate.Add(labels).Set(p.bytes_per_second);
  }
  if (server) {
    const ServerCounters c = server();
    prometheus::BuildCounter().Name("dth_http_requests_total").Help("HTTP requests answered")
        .Register(registry).Add({}).Increment(static_cast<double>(c.requests));
    gauge("dth_http_connections_open", "Open HTTP connections").Add({}).Set(static_cast<double>(c.connections_open));
    gauge("dth_http_event_streams_open", "Open server-sent event streams").Add({}).Set(static_cast<double>(c.streams_open));
  }
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

}  // namespace dth::control
