// state/conformance: the StateConformance suite — value-parameterised GoogleTest cases
// every StateStore backend must pass, using only the StateStore interface. Time is
// driven by a FakeClock the fixture hands to the backend's factory. Test-only: the
// *_suite.cc files link into both test binaries.
//
// A backend instantiates it in its own test file:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StateConformance,
//                            ::testing::Values(StateTarget{"memory", MakeFn}),
//                            StateTargetName);
// Thread-safety: a fixture is used by its test's thread (and threads it joins) only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "core/clock.h"
#include "state/state_store.h"

namespace dth {

struct StateHandles {
  std::unique_ptr<StateStore> store;  // a fresh, empty store
  std::unique_ptr<StateStore> peer;   // optional: a second handle on the same store
  std::function<void()> cleanup;      // optional: runs after both handles are destroyed
};

struct StateTarget {
  std::string name;  // a test-name-safe identifier: [A-Za-z0-9_]
  // Builds handles whose every timestamp comes from clock. A null store skips the test.
  std::function<StateHandles(Clock* clock)> make;
};

std::string StateTargetName(const ::testing::TestParamInfo<StateTarget>& info);
void PrintTo(const StateTarget& target, std::ostream* os);

class StateConformance : public ::testing::TestWithParam<StateTarget> {
 protected:
  void SetUp() override;
  void TearDown() override;

  StateStore& store() { return *handles_.store; }
  // The second handle when the target has one, else the first.
  StateStore& peer() { return handles_.peer ? *handles_.peer : *handles_.store; }

  static ObjectRecord Object(const std::string& key, ObjectStatus status,
                             const std::string& task = "task-1");
  void MustUpsert(const ObjectRecord& record);

  FakeClock clock_;

 private:
  StateHandles handles_;
};

}  // namespace dth
