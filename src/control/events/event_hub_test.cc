#include "control/events/event_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace dth::control {
namespace {

TEST(EventHubTest, DeliversToTheTasksSubscribersAndToWildcards) {
  EventHub hub;
  std::vector<std::string> a, all;
  const int64_t sa = hub.Subscribe("t-a", [&](const HubEvent& e) { a.push_back(e.type); });
  hub.Subscribe("", [&](const HubEvent& e) { all.push_back(e.task_id); });
  hub.Publish(HubEvent{"progress", "t-a", "{}"});
  hub.Publish(HubEvent{"status", "t-b", "{}"});
  EXPECT_EQ(a, std::vector<std::string>{"progress"});
  EXPECT_EQ(all, (std::vector<std::string>{"t-a", "t-b"}));
  hub.Unsubscribe(sa);
  hub.Publish(HubEvent{"log", "t-a", "{}"});
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(hub.subscribers(), 1u);
}

TEST(EventHubTest, ACallbackMayUnsubscribeItselfAndPublishersRunConcurrently) {
  EventHub hub;
  std::atomic<int> seen{0};
  int64_t self = 0;
  self = hub.Subscribe("", [&](const HubEvent&) {
    ++seen;
    hub.Unsubscribe(self);
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) hub.Publish(HubEvent{"progress", "t", "{}"});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(seen.load(), 1);
  EXPECT_EQ(hub.subscribers(), 0u);
}

}  // namespace
}  // namespace dth::control
