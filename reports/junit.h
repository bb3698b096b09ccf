// JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters).
//
// One <testsuite> per run, one <testcase> per instance:
//   name       the instance name ("workload/fs/variant")
//   classname  the workload, so CI groups the variants of one workload
//   time       seconds, three decimals
// Statuses: FAIL → <failure>; BROKEN, TIMEOUT, CRASH → <error> with
// type="BROKEN" etc. (the instance did not complete, so its checks say
// nothing); SKIP → <skipped>. <system-out> carries the failures, kernel
// findings, fix hints, expectation and artifact folder as plain lines.
// Suite attributes count failures (FAIL) and errors (the others) apart.
#pragma once

#include <ostream>
#include <vector>

#include "core/result.h"

namespace dt::reports {

void write_junit(std::ostream& out, const std::vector<RunResult>& runs);
void write_junit(std::ostream& out, const RunResult& run);

}  // namespace dt::reports
