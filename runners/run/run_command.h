// `daxtorture run`: runs the selected workload instances on this machine
// (inside the VM that `daxtorture vm` boots, or on a guarded pmem host).
#pragma once

#include "runners/command_line/args.h"

namespace dt {

int run_main(Args& args);
extern const char* const kRunHelp;

}  // namespace dt
