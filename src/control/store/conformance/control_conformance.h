// control/store/conformance: the ControlConformance suite — value-parameterised
// GoogleTest cases every ControlStore backend must pass, using only the ControlStore
// interface. Time is driven by a FakeClock the fixture hands to the backend's factory.
// Test-only: the *_suite.cc files link into both test binaries.
//
// A backend instantiates it in its own test file:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, ControlConformance,
//                            ::testing::Values(ControlTarget{"memory", MakeFn}),
//                            ControlTargetName);
// Cases: tasks (control_conformance_suite.cc), listing tasks
// (control_conformance_list_suite.cc), runs (_runs_suite), users, tokens and secrets
// (_auth_suite), metric samples and logs (_metrics_suite), threads (_concurrency_suite).
// Thread-safety: a fixture is used by its test's thread (and threads it joins) only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "control/store/control_store.h"
#include "core/clock.h"

namespace dth::control {

struct ControlHandles {
  std::unique_ptr<ControlStore> store;  // a fresh, empty store
  std::unique_ptr<ControlStore> peer;   // optional: a second handle on the same store
  std::function<void()> cleanup;        // optional: runs after both handles are destroyed
};

struct ControlTarget {
  std::string name;  // a test-name-safe identifier: [A-Za-z0-9_]
  // Builds handles whose every timestamp comes from clock. A null store skips the test.
  std::function<ControlHandles(Clock* clock)> make;
};

std::string ControlTargetName(const ::testing::TestParamInfo<ControlTarget>& info);
void PrintTo(const ControlTarget& target, std::ostream* os);

class ControlConformance : public ::testing::TestWithParam<ControlTarget> {
 protected:
  void SetUp() override;
  void TearDown() override;

  ControlStore& store() { return *handles_.store; }
  // The second handle when the target has one, else the first.
  ControlStore& peer() { return handles_.peer ? *handles_.peer : *handles_.store; }

  static TaskRecord Task(const std::string& description, const std::string& type = "s3",
                         TaskStatus status = TaskStatus::kStopped);
  // Creates (failing the test on error) and returns the stored record.
  TaskRecord MustCreate(const TaskRecord& task);
  // Every page of a query (its cursor and limit as given), checking each page's shape.
  std::vector<TaskRecord> ListAll(TaskQuery query);

  FakeClock clock_;

 private:
  ControlHandles handles_;
};

// Ids of records, in order.
std::vector<std::string> Ids(const std::vector<TaskRecord>& tasks);

}  // namespace dth::control
