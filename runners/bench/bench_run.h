// The measuring side of 'daxtorture bench': claims the pmem region (the VM's
// own NVDIMM through its token, or a region the user named and confirmed),
// makes the namespaces, registers the fault matrix and runs Google
// Benchmark with JSON output and a context block describing the machine.
#pragma once

#include <string>
#include <vector>

namespace dt {

struct BenchRunOptions {
  std::string vm_token;
  std::string region;
  bool yes_destroy = false;
  std::string machine = "host";
  std::string out = "bench.json";
  std::vector<std::string> benchmark_flags;   // --benchmark_NAME=VALUE
  // "fault_around": keep the kernel's fault-around, so page-cache read
  // faults map 16 pages each; "misaligned": huge mappings 4 KiB off their
  // boundary. Either must make the fault-size check report errors.
  // "device_delay": every timed read fault also sleeps 200 us (a slow
  // device); under icount the idle check must refuse those benchmarks.
  std::vector<std::string> injections;
  // The QEMU -icount option the guest runs under ("shift=0,sleep=off"),
  // set by 'vm bench --clock icount'; "" = wall clock.
  std::string icount;
  std::string host_name;   // the machine that ran QEMU; "" = this one's name
};

// The injections run_bench knows; UsageError for another name.
void validate_bench_injections(const std::vector<std::string>& injections);

// Returns the exit status: 0 all measured, 1 a benchmark reported an error.
int run_bench(const BenchRunOptions& options);

}  // namespace dt
