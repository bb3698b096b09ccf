#include "runners/plan/budget.h"

namespace dt::budget {

double scaled_timeout_seconds(const Instance& instance, double timeout_scale) {
  return static_cast<double>(instance.workload->spec.timeout.count()) * timeout_scale;
}

double expected_seconds(const Instance& instance) {
  return static_cast<double>(instance.workload->spec.timeout.count()) + kExpectedSetUpSeconds;
}

long hang_budget_seconds(const Instance& instance, double timeout_scale) {
  return static_cast<long>(scaled_timeout_seconds(instance, timeout_scale)) + kHangGraceSeconds;
}

double run_deadline_seconds(const std::vector<Instance>& instances, double timeout_scale) {
  double seconds = kBootAllowanceSeconds;
  for (const auto& instance : instances) seconds += scaled_timeout_seconds(instance, timeout_scale) + kAllowedSetUpSeconds;
  return seconds;
}

}  // namespace dt::budget
