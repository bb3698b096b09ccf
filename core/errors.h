// Exceptions that carry a verdict. Workload code throws them through the
// DT_ASSERT / DT_SYS macros (core/check.h); fixtures throw SetupError.
#pragma once

#include <stdexcept>
#include <string>

namespace dt {

// The environment could not be prepared: the instance is BROKEN, not FAIL.
struct SetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A need of the workload is not met here: the instance is SKIPped.
struct SkipRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A user-facing error of the tool itself (bad option, missing kernel, ...):
// exit status 2 with this message, which names the problem and the fix.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace dt
