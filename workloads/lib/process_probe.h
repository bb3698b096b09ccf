// What the kernel tells about the calling process: its page-fault count
// (the proof of fault size where no tracepoint speaks), whether one of its
// threads sleeps in the kernel (the proof that a blocking I/O is in flight),
// the monotonic clock the workloads time waits with, and its pinned memory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace dt::workloads {

// Page faults of the calling process so far, minor and major: a DAX write
// fault that allocates or zeroes a block counts as major.
uint64_t page_faults();

// Waits until the thread (of this process) sleeps uninterruptibly, i.e.
// waits in the kernel for I/O; false if that does not happen in time.
bool wait_until_blocked_in_kernel(pid_t tid, double timeout_s);

// Seconds on the monotonic clock.
double monotonic_seconds();

// VmPin of /proc/self/status in bytes: mm->pinned_vm, which io_uring raises
// for every page of a registered buffer and lowers when it unpins them.
std::optional<uint64_t> pinned_bytes();

}  // namespace dt::workloads
