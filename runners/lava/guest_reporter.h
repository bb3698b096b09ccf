// 'daxtorture lava guest': the command a LAVA job's test definition runs
// inside the guest (the image's /usr/bin/daxtorture). It runs the shard's
// instances with 'daxtorture run', and as each one finishes it prints that
// instance's folder on the console (runners/wire/lava_console.h) and
// tells LAVA its verdict through lava-test-case (pass, fail or skip, the
// duration in seconds as measurement). The job log then holds everything
// 'daxtorture lava --collect' needs to rebuild the run folder on a host.
#pragma once

#include "runners/command_line/args.h"

namespace dt::lava {

int guest_main(Args& args);

}  // namespace dt::lava
