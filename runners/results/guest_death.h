// The one rule for the instance a guest was running when it died, shared
// by 'vm' (from its session's outcome, runners/vm/guest_fate.h) and 'lava
// --collect' (from the job log): the guest's death is that instance's
// verdict.
#pragma once

#include "core/result.h"

namespace dt {

struct GuestDeath {
  bool kernel_panic = false;  // "Kernel panic - not syncing" on its console
  bool hung = false;          // killed for time: no result within budget, silent, past the deadline
  bool interrupted = false;   // the host's run was stopped (Ctrl-C, SIGTERM)
};

// BROKEN when the host interrupted the run (nothing is known of the
// instance); CRASH after a kernel panic, even when the panic stopped the
// guest from reporting in time; TIMEOUT for a guest killed for hanging;
// CRASH for any other death (QEMU or the runner died).
inline Status dead_guest_status(const GuestDeath& death) {
  if (death.interrupted) return Status::broken;
  if (!death.kernel_panic && death.hung) return Status::timeout;
  return Status::crash;
}

}  // namespace dt
