// What a guest's end means for the instances it did not report: the
// instance it was running gets the guest's fate as its verdict (CRASH, or
// TIMEOUT for a guest killed as hung), with a reason that says what
// happened; an instance no guest reached is "not run" (BROKEN, and run
// again by --resume). The policy only: no file is written here.
#pragma once

#include <string>

#include "core/registry.h"
#include "core/result.h"
#include "runners/vm/guest_session.h"

namespace dt {

// One sentence: "guest kernel panic: ...", "the guest runner died (exit
// status 137: killed by SIGKILL)", ... Never empty.
std::string guest_fate(const GuestSessionOutcome& outcome);

// The verdict of the instance the guest was running when it stopped.
// BROKEN (to be run again) when the host interrupted the run; TIMEOUT when
// the host killed a hung guest whose kernel did not panic; CRASH otherwise.
Status fate_status(const GuestSessionOutcome& outcome);

// The result of the instance that was running (outcome.last_running):
// its status and reason from the fate, and the first kernel report the
// console tail holds after the instance began; the console tail is the caller's
// to keep beside it (console-tail.txt), unless the run was interrupted.
// `console_log` names the guest's console file in the run folder.
InstanceResult running_instance_result(const Instance& instance, const GuestSessionOutcome& outcome,
                                       const std::string& console_log = "console.log");

// The first kernel finding in `console` after the last "daxtorture: begin
// NAME" marker of instance `name`, judged as the guest judges its log
// (findings() with vm-configs/dmesg-allow.txt); "" when none.
std::string first_kernel_report_after_begin(const std::string& console, const std::string& name);

// An instance that no guest ran because of this fate.
InstanceResult not_run_after(const Instance& instance, const GuestSessionOutcome& outcome);

// The file beside the running instance's result that holds the console's tail.
inline constexpr const char* kConsoleTail = "console-tail.txt";

}  // namespace dt
