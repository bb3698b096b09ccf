// io_uring charges a registered buffer's pages to RLIMIT_MEMLOCK and to the
// process's VmPin only when the ring's creator lacks CAP_IPC_LOCK: the ring
// then keeps a user to charge (ctx->user). Since 7.2 ("io_uring/rsrc: add
// huge page accounting for registered buffers") a ring without that user
// charges nothing, VmPin included, so a workload running as root (the
// guest's) must give up CAP_IPC_LOCK before it creates the ring for the pin
// to be observable at all. Shared by the uring workloads that read VmPin.
#pragma once

#include <cstdint>

namespace dt::workloads {

// Drops CAP_IPC_LOCK from the calling process's effective, permitted and
// inheritable sets (for good: the instance's process is its own), so rings
// created afterwards account their pins. BROKEN (SetupError) if the kernel
// refuses.
void account_pins_from_now_on();

// Sets RLIMIT_MEMLOCK (soft and hard) to `bytes`; UINT64_MAX: unlimited.
// Root keeps CAP_SYS_RESOURCE, so it may raise it again later.
void set_memlock_limit(uint64_t bytes);

}  // namespace dt::workloads
