// Turns what the kernel reported during an instance (its dmesg findings and
// new taint) into the instance's verdict.
#pragma once

#include <cstddef>

#include "core/result.h"

namespace dt {

// CRASH for an oops, panic or OOM kill; TIMEOUT for a hung task, lockup or
// RCU stall; FAIL for anything else the kernel complained about.
Status status_for_finding(const KernelFinding& finding);

// Raises the instance's status to the worst finding's, naming that finding
// in the reason; notes when kernel log records were lost.
void apply_kernel_verdict(InstanceResult& result, size_t lost_records);

}  // namespace dt
