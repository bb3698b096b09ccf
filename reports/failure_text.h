// The words every report uses for why an instance has its verdict. KTAP,
// JUnit, KCIDB, HTML and the Markdown table all print these lines, so a
// failure reads the same wherever it is met.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace dt::reports {

// "file:line: check: message"
std::string failure_line(const Failure& failure);

// "kernel: WARNING: CPU: 0 PID: 77 at fs/dax.c:390 ...". The kind is not
// repeated when the dmesg line already starts with it ("WARNING: ..."), and
// prefixed when it does not ("kernel: hung task: INFO: task t:9 blocked").
std::string kernel_line(const KernelFinding& finding);

// "HINT: you may be missing kernel fix <sha> ("subject")"
// "kernel line not charged to this instance (WHY): LINE": a kernel line seen
// during the instance that is not its own (UnplacedLine).
std::string unplaced_line(const UnplacedLine& u);
std::string fix_hint(const FixTag& fix);

// "known failure: <note> (<file>:<line>)", "fixed: ..." or "new failure";
// "" when no expectation applies.
std::string expectation_line(const InstanceResult& instance);

struct VerdictOptions {
  bool reason = true;               // "TIMEOUT: reason" first, when there is one
  size_t max_kernel_lines = SIZE_MAX;  // then "kernel: N more findings in dmesg.txt"
  bool hints = true;                // fix hints, only when the status blames the kernel
};

// Why the instance has its verdict, in the order a reader needs it: the
// reason, each failed check, each kernel finding, the fix hints.
std::vector<std::string> verdict_lines(const InstanceResult& instance,
                                       const VerdictOptions& options = {});

// The lines joined, each ending in "\n".
std::string joined_lines(const std::vector<std::string>& lines);

}  // namespace dt::reports
