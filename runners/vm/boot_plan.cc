#include "runners/vm/boot_plan.h"

namespace dt {

bool guest_failed(const GuestSessionOutcome& outcome) {
  return outcome.init_fatal.empty() && !outcome.interrupted && !outcome.deadline_hit;
}

NextBoot plan_next_boot(const GuestSessionOutcome& outcome, bool work_left, bool cut_unfinished,
                        const GuestHistory& history, size_t planned_total) {
  NextBoot next;
  if (!outcome.power_cut_for.empty() && cut_unfinished &&
      static_cast<size_t>(history.power_cuts) < planned_total && !outcome.interrupted) {
    next.again = true;
    next.after_power_cut = true;
    next.first = outcome.power_cut_for;
    return next;
  }
  next.again = work_left && guest_failed(outcome) && history.fruitless <= kMaxFruitlessReboots;
  return next;
}

}  // namespace dt
