// How long an instance, a boot and a run may take: every allowance the
// host uses, in one place, so that 'vm', 'lava' (its job timeouts and its
// guest's hang check) and the shard balancing agree.
#pragma once

#include "core/registry.h"

namespace dt::budget {

// What one instance costs beyond its workload's timeout: namespace, mkfs,
// mount and teardown. Expected (measured ~10 s under TCG), for balancing
// shards and guests; allowed (with room for a slow machine), for deadlines.
inline constexpr double kExpectedSetUpSeconds = 10;
inline constexpr double kAllowedSetUpSeconds = 45;
// A boot's own cost in a deadline: the kernel, init, the namespaces.
inline constexpr double kBootAllowanceSeconds = 300;
// The guest runner ends a workload at its timeout and reaps it within 20 s;
// set-up and teardown take seconds. Past its scaled timeout and this
// grace, only a hung guest (or a stopped runner) has still not sent the
// result.
inline constexpr long kHangGraceSeconds = 60;

// The workload's timeout under `timeout_scale`.
double scaled_timeout_seconds(const Instance& instance, double timeout_scale);
// Expected seconds of one instance (timeout, unscaled, + expected set-up).
double expected_seconds(const Instance& instance);
// How long after its start the host waits for an instance's result before
// it is hung.
long hang_budget_seconds(const Instance& instance, double timeout_scale);
// Every instance's scaled timeout and allowed set-up, plus one boot.
double run_deadline_seconds(const std::vector<Instance>& instances, double timeout_scale);

}  // namespace dt::budget
