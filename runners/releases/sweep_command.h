#pragma once

#include "runners/command_line/args.h"

namespace dt {

extern const char* const kSweepHelp;
int sweep_main(Args& args);

}  // namespace dt
