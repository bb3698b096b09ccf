#include "runners/run/kernel_verdict.h"

#include "reports/failure_text.h"

namespace dt {

// What the kernel's own report says happened: a task died in the kernel
// (CRASH), the kernel stopped making progress (TIMEOUT), or it complained
// and went on (FAIL).
Status status_for_finding(const KernelFinding& finding) {
  if (finding.kind == "Oops" || finding.kind == "panic" || finding.kind == "OOM kill")
    return Status::crash;
  if (finding.kind == "hung task" || finding.kind == "soft lockup" ||
      finding.kind == "hard lockup" || finding.kind == "RCU stall")
    return Status::timeout;
  return Status::fail;
}

namespace {
int severity(Status status) {
  switch (status) {
    case Status::pass: case Status::skip: case Status::broken: return 0;
    case Status::fail: return 1;
    case Status::timeout: return 2;
    case Status::crash: return 3;
  }
  return 0;
}

}  // namespace

// The kernel verdict: a warning or taint during the instance fails it even
// when every check of its own passed; a crash or hang the kernel reported
// outranks the workload's own failure.
void apply_kernel_verdict(InstanceResult& result, size_t lost_records) {
  const KernelFinding* worst = nullptr;
  for (const auto& finding : result.kernel_findings)
    if (!worst || severity(status_for_finding(finding)) > severity(status_for_finding(*worst)))
      worst = &finding;
  if (worst && severity(status_for_finding(*worst)) > severity(result.status)) {
    std::string earlier = result.status == Status::pass ? "" : " (was " +
                          std::string(status_name(result.status)) +
                          (result.reason.empty() ? "" : ": " + result.reason) + ")";
    result.status = status_for_finding(*worst);
    result.reason = reports::kernel_line(*worst) + earlier;
  }
  if (lost_records > 0) {
    result.reason += (result.reason.empty() ? "" : "; ") + std::to_string(lost_records) +
                     " kernel log records were overwritten before they could be read: "
                     "the kernel verdict is incomplete";
  }
}
}  // namespace dt
