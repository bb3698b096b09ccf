// Reading the kernel log of one workload instance: kmsg_parse.h turns a log
// into records, finding_patterns.h says which lines are findings,
// allow_list.h drops the ones declared harmless; findings() joins the
// three.
#pragma once

#include <string_view>
#include <vector>

#include "core/allow_list.h"
#include "core/finding_patterns.h"
#include "core/kmsg_parse.h"
#include "core/result.h"

namespace dt {

// One finding per kernel record that classify() flags and the allow-list
// does not excuse. Records written from userspace (facility > 0) are ignored:
// only the kernel can log with facility 0, so a workload's own output or the
// runner's markers cannot fail an instance.
std::vector<KernelFinding> findings(const std::vector<KmsgRecord>& records,
                                    const AllowList& allow);

// Offset of a run of more than 9 decimal digits in a regex, or npos.
// libstdc++'s std::regex compiler overflows a signed integer on such a
// back-reference or repetition count (found by fuzz_config), so std::regex
// users (runners/results/expectations.cc) refuse such patterns before compiling.
size_t overlong_regex_number(std::string_view re);

}  // namespace dt
