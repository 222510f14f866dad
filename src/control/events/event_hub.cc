#include "control/events/event_hub.h"

#include <vector>

namespace dth::control {

int64_t EventHub::Subscribe(const std::string& task_id, Callback callback) {
  std::lock_guard lock(mu_);
  const int64_t id = next_id_++;
  subscribers_[id] = Subscriber{task_id, std::make_shared<Callback>(std::move(callback))};
  return id;
}

void EventHub::Unsubscribe(int64_t id) {
  std::lock_guard lock(mu_);
  subscribers_.erase(id);
}

void EventHub::Publish(const HubEvent& event) {
  std::vector<std::shared_ptr<Callback>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, s] : subscribers_) {
      if (s.task_id.empty() || s.task_id == event.task_id) targets.push_back(s.callback);
    }
  }
  for (const auto& callback : targets) (*callback)(event);
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(mu_);
  return subscribers_.size();
}

}  // namespace dth::control
