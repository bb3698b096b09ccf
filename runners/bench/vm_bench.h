// `daxtorture vm bench`: boots a kernel in QEMU with the emulated NVDIMM and
// runs 'daxtorture bench' inside it; the Google Benchmark JSON lands in the
// run folder on the host (bench.json), the benchmark's table on stdout.
#pragma once

#include "runners/command_line/args.h"

namespace dt {

int vm_bench_main(Args& args);
extern const char* const kVmBenchHelp;

}  // namespace dt
