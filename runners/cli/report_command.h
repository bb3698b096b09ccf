// `daxtorture report`: one HTML page (and JUnit) from one or many runs, so
// that two kernels can be read side by side.
#pragma once

#include "runners/cli/args.h"

namespace dt {

int report_main(Args& args);
extern const char* const kReportHelp;

}  // namespace dt
