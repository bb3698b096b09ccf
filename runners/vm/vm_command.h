// `daxtorture vm`: boots a kernel in QEMU with an emulated NVDIMM and drives
// `daxtorture run` inside it, keeping every result on the host.
#pragma once

#include "runners/command_line/args.h"

namespace dt {

int vm_main(Args& args);
extern const char* const kVmHelp;

}  // namespace dt
