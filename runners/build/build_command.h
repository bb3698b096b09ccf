#pragma once

#include "runners/cli/args.h"

namespace dt {

extern const char* const kBuildHelp;
int build_main(Args& args);

}  // namespace dt
