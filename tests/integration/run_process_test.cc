// The helper that runs the dth binary in the CLI tests: the environment it passes, and a
// sanitizer report from the child failing the test (the sanitize build's integration run
// spawns the sanitize build's dth, whose exit status alone may look like an expected one).
#include "integration/run_process.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace dth {
namespace {

using testing::RunProcess;

TEST(RunProcessTest, SetsAndUnsetsEnvironmentVariables) {
  ::setenv("DTH_RUN_PROCESS_KEPT", "kept", 1);
  ::setenv("DTH_RUN_PROCESS_UNSET", "inherited", 1);
  auto r = RunProcess("/bin/sh",
                      {"-c", "echo \"$DTH_RUN_PROCESS_KEPT/$DTH_RUN_PROCESS_SET/${DTH_RUN_PROCESS_UNSET-none}\""},
                      {{"DTH_RUN_PROCESS_SET", "set"}, {"DTH_RUN_PROCESS_UNSET", ""}});
  ::unsetenv("DTH_RUN_PROCESS_KEPT");
  ::unsetenv("DTH_RUN_PROCESS_UNSET");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "kept/set/none\n");
}

TEST(RunProcessTest, ReportsExitCodeAndStderr) {
  auto r = RunProcess("/bin/sh", {"-c", "echo 'dth: error: bad input' >&2; exit 2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "dth: error: bad input\n");
}

TEST(RunProcessTest, ASanitizerReportFailsTheTestWhateverTheExitStatus) {
  EXPECT_NONFATAL_FAILURE(
      RunProcess("/bin/sh", {"-c", "echo '==7==ERROR: AddressSanitizer: heap-use-after-free' >&2; exit 1"}),
      "reported a sanitizer error");
  EXPECT_NONFATAL_FAILURE(
      RunProcess("/bin/sh", {"-c", "echo 'src/a.cc:3:5: runtime error: signed integer overflow' >&2"}),
      "reported a sanitizer error");
  EXPECT_NONFATAL_FAILURE(
      RunProcess("/bin/sh", {"-c", "echo '==7==ERROR: LeakSanitizer: detected memory leaks' >&2; exit 2"}),
      "reported a sanitizer error");
}

}  // namespace
}  // namespace dth
