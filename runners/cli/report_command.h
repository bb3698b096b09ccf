// `daxtorture report`: one HTML page from one or many runs (two kernels side
// by side), the other formats of a run (JUnit, KCIDB, KTAP, Markdown), and
// with --history the page over a folder of nightly runs.
#pragma once

#include "runners/command_line/args.h"

namespace dt {

int report_main(Args& args);
extern const char* const kReportHelp;

}  // namespace dt
