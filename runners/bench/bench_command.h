// `daxtorture bench`: page-fault latency on DAX mappings as Google Benchmark
// benchmarks (inside 'daxtorture vm bench', or on a guarded pmem host), and
// the comparison and plot of their JSON files.
#pragma once

#include "runners/command_line/args.h"

namespace dt {

int bench_main(Args& args);
extern const char* const kBenchHelp;

}  // namespace dt
