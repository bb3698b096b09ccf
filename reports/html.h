// One self-contained HTML page for one or more runs: no script, no external
// style sheet or font, so it can be mailed or attached to a bug as it is.
//
// Sections, top to bottom:
//   Runs         one row per run: kernel, machine, start, duration,
//                verdict and the count of each status;
//   Instances    one row per instance name, one column per run, so the
//                same workload on two kernels sits side by side; rows whose
//                statuses differ between runs are marked;
//   Failures     every failing instance with its reason, failed checks,
//                kernel findings and fix hints;
//   Durations    per run, an inline SVG bar chart of instance durations.
// Every piece of text from the results is escaped.
#pragma once

#include <ostream>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dt::reports {

void write_html(std::ostream& out, const std::vector<RunResult>& runs,
                std::string_view title = "daxtorture report");

}  // namespace dt::reports
