#pragma once

#include "runners/cli/args.h"

namespace dt {

extern const char* const kBisectHelp;
int bisect_main(Args& args);

}  // namespace dt
