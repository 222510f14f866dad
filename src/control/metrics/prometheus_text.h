// control/metrics/prometheus_text: the hub's Prometheus exposition (GET /metrics), made
// with prometheus-cpp's core and text serializer (not its embedded web server): tasks
// by status, and for each running task its progress (objects and bytes planned and
// done, failures, throughput, retried jobs), plus the HTTP server's counters. Metric
// names start with dth_. Built afresh at each scrape from the stores and the runner, so
// nothing is kept twice.
// Thread-safety: PrometheusText may be called from many threads at once.
#pragma once

#include <functional>
#include <string>

#include "control/store/control_store.h"
#include "control/tasks/task_runner.h"

namespace dth::control {

struct ServerCounters {
  uint64_t requests = 0, connections_open = 0, streams_open = 0;
};

std::string PrometheusText(ControlStore& store, const TaskRunner& runner, const std::string& version,
                           const std::function<ServerCounters()>& server);

}  // namespace dth::control
