#pragma once

#include "runners/command_line/args.h"

namespace dt {

extern const char* const kBuildHelp;
int build_main(Args& args);

}  // namespace dt
