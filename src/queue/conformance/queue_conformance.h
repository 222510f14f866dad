// queue/conformance: the QueueConformance suite — value-parameterised GoogleTest cases
// every JobQueue backend must pass, using only the JobQueue interface. Time is driven
// by a FakeClock the fixture hands to the backend's factory. Test-only: the *_suite.cc
// files link into both test binaries.
//
// A backend instantiates it in its own test file:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, QueueConformance,
//                            ::testing::Values(QueueTarget{"memory", MakeFn}),
//                            QueueTargetName);
// Thread-safety: a fixture is used by its test's thread (and threads it joins) only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "queue/job_queue.h"
#include "core/clock.h"

namespace dth {

struct QueueHandles {
  std::unique_ptr<JobQueue> queue;  // a fresh, empty queue with max_receives = 5
  std::unique_ptr<JobQueue> peer;   // optional: a second handle on the same queue
  std::function<void()> cleanup;    // optional: runs after both handles are destroyed
};

struct QueueTarget {
  std::string name;  // a test-name-safe identifier: [A-Za-z0-9_]
  // Builds handles whose every timestamp comes from clock. A null queue skips the test.
  std::function<QueueHandles(Clock* clock)> make;
};

std::string QueueTargetName(const ::testing::TestParamInfo<QueueTarget>& info);
void PrintTo(const QueueTarget& target, std::ostream* os);

class QueueConformance : public ::testing::TestWithParam<QueueTarget> {
 protected:
  void SetUp() override;
  void TearDown() override;

  JobQueue& queue() { return *handles_.queue; }
  // The second handle when the target has one, else the first.
  JobQueue& peer() { return handles_.peer ? *handles_.peer : *handles_.queue; }

  static Job MakeJob(const std::string& key, const std::string& task = "task-1");
  // Sends (failing the test on error) and returns how many were new.
  int MustSend(const std::vector<Job>& jobs);
  std::vector<Lease> MustReceive(JobQueue& q, int max, std::chrono::seconds visibility,
                                 const std::string& task = "task-1");
  QueueStats MustStats(const std::string& task = "task-1");
  std::vector<DeadLetter> MustDeadLetters(const std::string& task = "task-1");

  FakeClock clock_;

 private:
  QueueHandles handles_;
};

}  // namespace dth
