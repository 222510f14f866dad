// control/events/event_hub: live events of the hub — a task's progress, status changes
// and new log lines — fanned out to subscribers (server-sent event streams of the API,
// tests). Publishing never blocks on a subscriber: each callback must return at once
// (an SSE sink queues and drops slow readers itself).
// Thread-safety: thread-safe; callbacks run on the publisher's thread, never while the
// hub's lock is held by Subscribe/Unsubscribe callers of the same callback.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace dth::control {

struct HubEvent {
  std::string type;     // "progress", "status", "log"
  std::string task_id;
  std::string data;     // JSON text
};

class EventHub {
 public:
  using Callback = std::function<void(const HubEvent&)>;
  // task_id "" = every task's events. Returns an id for Unsubscribe.
  int64_t Subscribe(const std::string& task_id, Callback callback);
  void Unsubscribe(int64_t id);
  void Publish(const HubEvent& event);
  size_t subscribers() const;

 private:
  struct Subscriber {
    std::string task_id;
    std::shared_ptr<Callback> callback;
  };
  mutable std::mutex mu_;
  int64_t next_id_ = 1;                      // guarded by mu_
  std::map<int64_t, Subscriber> subscribers_;  // guarded by mu_
};

}  // namespace dth::control
