// `daxtorture list`: the workloads, their instances, needs and fix tags.
#pragma once

#include "runners/command_line/args.h"

namespace dt {

int list_main(Args& args);
extern const char* const kListHelp;

}  // namespace dt
