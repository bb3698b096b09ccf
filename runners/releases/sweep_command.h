#pragma once

#include "runners/cli/args.h"

namespace dt {

extern const char* const kSweepHelp;
int sweep_main(Args& args);

}  // namespace dt
