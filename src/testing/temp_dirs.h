// testing/temp_dirs: fresh directories for a test's files, removed when the process that
// made them exits (a forked child's exit leaves them alone), so test runs leave nothing
// under the temporary directory.
// Thread-safety: NewTempDir may be called from any thread.
#pragma once

#include <string>

namespace dth::testing {

// "<gtest's TempDir>/<prefix>-<pid>-<n>", created empty (an old one of that name is
// removed first).
std::string NewTempDir(const std::string& prefix);

}  // namespace dth::testing
