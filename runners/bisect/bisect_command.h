#pragma once

#include "runners/command_line/args.h"

namespace dt {

extern const char* const kBisectHelp;
int bisect_main(Args& args);

}  // namespace dt
