// Whether a guest boots again when its session ends, and what it runs
// first: after a planned power cut, the same NVDIMM again with the cut
// instance's second half first; after a guest failure (panic, oops, hang,
// a dead runner or QEMU), a fresh boot for the instances left, as long as
// the guest's boots give verdicts (a crash while an instance runs is that
// instance's verdict, so a kernel that oopses in every teardown cell still
// gets every cell judged) and at most kMaxFruitlessReboots in a row that
// gave none; never after the host interrupted the run, a set-up failure in
// the guest, or the run's deadline.
#pragma once

#include <cstddef>
#include <string>

#include "runners/vm/guest_session.h"

namespace dt {

// Each fruitful boot uses up at least one instance of a finite queue, so
// only fruitless ones need a bound: a guest that dies before its first
// verdict (a kernel that panics at boot) stops after this many in a row.
inline constexpr int kMaxFruitlessReboots = 3;

struct GuestHistory {
  int reboots = 0;     // fresh boots after a guest failure so far
  int power_cuts = 0;  // boots after a power cut so far
  int fruitless = 0;   // sessions in a row, the last included, that gave no verdict
};

struct NextBoot {
  bool again = false;
  bool after_power_cut = false;  // the boot continues the cut instance
  std::string first;             // the instance it runs first ("" for none)
};

// `work_left`: instances wait for a guest (queued, not taken).
// `cut_unfinished`: the instance that asked for the power cut has no
// verdict yet. `planned_total`: the run's instance count, which bounds the
// power cuts (one per instance: a guest that keeps asking cannot keep the
// host booting).
NextBoot plan_next_boot(const GuestSessionOutcome& outcome, bool work_left, bool cut_unfinished,
                        const GuestHistory& history, size_t planned_total);

// Whether the end of this session was a guest failure (the kind a fresh
// boot recovers from), rather than the host's choice or a set-up error.
bool guest_failed(const GuestSessionOutcome& outcome);

}  // namespace dt
