// 'daxtorture lava': LAVA job definitions for a farm (one per kernel and
// shard), and --collect, which turns their finished job logs back into one
// run folder, the same files as a local 'daxtorture vm' run.
#pragma once

#include "runners/command_line/args.h"

namespace dt {

extern const char* const kLavaHelp;
int lava_main(Args& args);

}  // namespace dt
