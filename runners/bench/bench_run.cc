#include "runners/bench/bench_run.h"

#include <benchmark/benchmark.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "fixtures/dax_filesystem.h"
#include "reports/bench_compare.h"
#include "reports/bench_json.h"
#include "reports/text.h"
#include "runners/run/device_guard.h"
#include "runners/run/namespace_pool.h"
#include "workloads/bench/fault_benchmark.h"
#include "workloads/bench/fault_mapping.h"
#include "workloads/bench/idle_watch.h"

namespace dt {

namespace {
constexpr const char* kFaultAround = "/sys/kernel/debug/fault_around_bytes";
constexpr const char* kMountPoint = "/run/daxtorture/bench-mnt";
constexpr uint64_t kDevdax2mSize = 64ull << 20;   // 2 threads x 16 faults x 2 MiB
constexpr uint64_t kDevdax1gSize = 2ull << 30;    // 2 faults of 1 GiB

// Read faults on page-cache files map up to fault_around_bytes (64 KiB) per
// fault; the baselines would then take one fault per 16 pages. One page
// per fault for the run's duration, restored afterwards.
class FaultAroundOverride {
 public:
  explicit FaultAroundOverride(bool keep_kernel_setting) {
    previous_ = read_first_line(kFaultAround).value_or("");
    if (previous_.empty() || keep_kernel_setting) {
      now_ = previous_;
      return;
    }
    try {
      write_text_file(kFaultAround, "4096");
      now_ = read_first_line(kFaultAround).value_or(previous_);
    } catch (const std::exception&) {
      now_ = previous_;
    }
  }
  ~FaultAroundOverride() {
    if (!previous_.empty() && previous_ != now_) {
      try {
        write_text_file(kFaultAround, previous_);
      } catch (const std::exception&) {
      }
    }
  }
  std::string value() const { return now_.empty() ? "unknown (no debugfs)" : now_; }

 private:
  std::string previous_, now_;
};

std::string size_mib(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

std::string this_host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || !name[0] || std::string(name) == "(none)") return "unknown";
  return name;
}

// What a figure means under each clock, for the context block.
std::string clock_meaning(const std::string& icount) {
  if (icount.empty())
    return "wall: the guest's CLOCK_MONOTONIC; under TCG it includes QEMU's translation and every host "
           "preemption of the vCPU thread";
  return "icount (-icount " + icount + "): virtual time, 2^shift ns per executed guest instruction "
         "(a rep-prefixed string instruction counts once per iteration); no cache or memory latency "
         "model (pmem costs what DRAM costs); a wait counts the instructions of whatever ran meanwhile; "
         "a fault during which the CPU idled is refused";
}

// Under instruction counting with fewer vCPUs than threads, a multi-thread
// case has its threads take turns on one CPU: it measures the scheduler,
// not concurrent faults. Those are left out; the context says so.
std::vector<bench::FaultCase> cases_for(bool virtual_clock, long cpus, std::string& left_out) {
  std::vector<bench::FaultCase> kept;
  size_t dropped = 0;
  for (const auto& c : bench::fault_matrix()) {
    if (virtual_clock && c.threads > cpus) ++dropped;
    else kept.push_back(c);
  }
  if (dropped)
    left_out = std::to_string(dropped) + " multi-thread cases: " + std::to_string(cpus) +
               " vCPU(s) under icount, the threads would take turns on one CPU";
  return kept;
}

// Google Benchmark's own argument parsing: our flags first, the user's
// later (the last one wins).
std::vector<std::string> benchmark_argv(const BenchRunOptions& options) {
  std::vector<std::string> argv = {"daxtorture-bench", "--benchmark_out=" + options.out,
                                   "--benchmark_out_format=json", "--benchmark_repetitions=9",
                                   "--benchmark_color=false"};
  argv.insert(argv.end(), options.benchmark_flags.begin(), options.benchmark_flags.end());
  return argv;
}

void print_summary(const std::string& path, double wall_s) {
  reports::BenchFile file = reports::load_bench_json(path);
  std::cout << "\nbench: matrix wall time " << reports::fixed(wall_s, 1) << " s, " << file.names().size()
            << " benchmarks, " << file.repetitions.size() << " runs\n";
  auto cvs = reports::repetition_cvs(file);
  if (!cvs.empty()) {
    std::vector<double> values;
    for (const auto& [name, cv] : cvs) values.push_back(cv);
    std::sort(values.begin(), values.end());
    std::cout << "bench: CV of the per-fault mean across repetitions: median "
              << reports::fixed(values[values.size() / 2] * 100, 1) << " %, max "
              << reports::fixed(values.back() * 100, 1) << " %\n";
  }
  auto agreement = reports::touch_loop_agreement(file);
  if (agreement.found)
    std::cout << "bench: fsdax_xfs 4k write first: per-fault mean " << reports::fixed(agreement.fault_mean_us, 2)
              << " us, plain touch loop " << reports::fixed(agreement.loop_per_fault_us, 2)
              << " us per fault, difference " << reports::fixed(agreement.difference * 100, 1) << " %; "
              << "timed one by one beside the loop " << reports::fixed(agreement.paired_timed_mean_us, 2)
              << " us, difference " << reports::fixed(agreement.paired_difference * 100, 1) << " %\n";
}
bool injected(const BenchRunOptions& options, const std::string& name) {
  return std::find(options.injections.begin(), options.injections.end(), name) != options.injections.end();
}
}  // namespace

void validate_bench_injections(const std::vector<std::string>& injections) {
  for (const auto& name : injections)
    if (name != "fault_around" && name != "misaligned" && name != "device_delay")
      throw UsageError("unknown injection '" + name +
                       "' for 'bench'; it knows fault_around, misaligned and device_delay");
}

namespace {
RegionClaim claim_bench_region(const BenchRunOptions& options) {
  RegionClaim claim;
  if (!options.vm_token.empty()) claim = claim_vm_region(options.vm_token);
  else if (!options.region.empty()) claim = claim_host_region(options.region, options.yes_destroy);
  else if (options.yes_destroy) throw UsageError("--yes-destroy needs --region naming what may be destroyed");
  if (claim.owned && geteuid() != 0)
    throw UsageError("'daxtorture bench' on pmem needs root (it makes namespaces and filesystems)");
  return claim;
}

// The namespaces the fault cases map, when a region is owned; a 1 GiB
// devdax that does not fit is left out with a note.
std::unique_ptr<NamespacePool> open_bench_devices(const RegionClaim& claim, bench::PmemDevices& devices,
                                                  std::string& devdax_note) {
  if (!claim.owned) {
    std::cerr << "daxtorture bench: no pmem region owned (--region with --yes-destroy, or 'daxtorture vm "
                 "bench'): only the anon and tmpfs baselines run\n";
    return nullptr;
  }
  auto pool = std::make_unique<NamespacePool>(claim.region);
  devices.fsdax_block = pool->fsdax(NamespacePool::kFsdaxSize).block_device;
  devices.devdax_2m = pool->devdax(kDevdax2mSize, 2ull << 20).dax_device;
  try {
    devices.devdax_1g = pool->devdax(kDevdax1gSize, 1ull << 30).dax_device;
  } catch (const std::exception& error) {
    devdax_note = std::string("devdax_1g left out: ") + error.what();
    std::cerr << "daxtorture bench: " << devdax_note << "\n";
  }
  return pool;
}

// What bench.json's context says of the machine, the devices and the
// clock, so that two files are compared only when they are comparable.
void record_bench_context(const BenchRunOptions& options, const RegionClaim& claim, const NamespacePool* pool,
                          const std::string& devdax_note, const FaultAroundOverride& fault_around,
                          const bench::IdleWatch& idle_watch, long cpus) {
  const bool virtual_clock = !options.icount.empty();
  utsname names{};
  uname(&names);
  const std::string machine = options.machine;
  benchmark::AddCustomContext("kernel_release", names.release);
  benchmark::AddCustomContext("kernel_version", names.version);
  benchmark::AddCustomContext("machine", machine);
  benchmark::AddCustomContext("accelerator", machine.rfind("qemu-", 0) == 0 ? machine.substr(5) : "none (host)");
  benchmark::AddCustomContext("daxtorture_version", DAXTORTURE_VERSION);
  benchmark::AddCustomContext("pmem_ownership", claim.owned ? claim.why : "none");
  if (pool) benchmark::AddCustomContext("namespaces", pool->describe());
  benchmark::AddCustomContext("fsdax_namespace", "fsdax, align 2 MiB, " + size_mib(NamespacePool::kFsdaxSize));
  benchmark::AddCustomContext("devdax_namespaces", "devdax_2m: align 2 MiB, " + size_mib(kDevdax2mSize) +
                                                       "; devdax_1g: align 1 GiB, " + size_mib(kDevdax1gSize) +
                                                       (devdax_note.empty() ? "" : " (" + devdax_note + ")"));
  benchmark::AddCustomContext("mkfs.xfs", join_command(fixtures::DaxFilesystem::mkfs_command("xfs", "DEV")) +
                                              "; xfs_io -c 'extsize 2m' on the test directory");
  benchmark::AddCustomContext("mkfs.ext4", join_command(fixtures::DaxFilesystem::mkfs_command("ext4", "DEV")));
  benchmark::AddCustomContext("mount_options", "fsdax_*: -o dax; xfs_pagecache: -o dax=never (same mkfs.xfs)");
  benchmark::AddCustomContext("fault_around_bytes", fault_around.value());
  if (!options.injections.empty()) {
    std::string injected_names;
    for (const auto& name : options.injections) injected_names += (injected_names.empty() ? "" : " ") + name;
    benchmark::AddCustomContext("injected_faults", injected_names);
  }
  benchmark::AddCustomContext("clock", virtual_clock ? "icount" : "wall");
  benchmark::AddCustomContext("clock_meaning", clock_meaning(options.icount));
  if (virtual_clock) {
    benchmark::AddCustomContext("icount", options.icount);
    benchmark::AddCustomContext("icount_shift", options.icount.substr(6, options.icount.find(',') - 6));
  }
  benchmark::AddCustomContext("smp", std::to_string(cpus));
  // Each fault's time includes one clock read: cheap from the vDSO on the
  // TSC, a system call and a device read on hpet or acpi_pm.
  benchmark::AddCustomContext(
      "clocksource",
      read_first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource").value_or("unknown"));
  benchmark::AddCustomContext("idle_check", idle_watch.available()
      ? std::string(virtual_clock ? "on: a benchmark during whose timed faults a CPU went idle reports an error"
                                  : "counted (counter idle_entries), not enforced under the wall clock")
      : "unavailable: " + idle_watch.why_not());
  benchmark::AddCustomContext("cpu_time", "thread CPU time per fault over the timed faults (counter cpu_us)");
  benchmark::AddCustomContext("daxtorture_build_type", DAXTORTURE_BUILD_TYPE);
}

// Google Benchmark over what is registered, its file made strict JSON
// with cpu_time per fault; returns the wall time.
double run_registered_benchmarks(const BenchRunOptions& options) {
  std::vector<std::string> words = benchmark_argv(options);
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(words.size());
  benchmark::Initialize(&argc, argv.data());
  if (benchmark::ReportUnrecognizedArguments(argc, argv.data())) throw UsageError("unrecognized benchmark option");
  auto started = std::chrono::steady_clock::now();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void make_bench_file_strict(const BenchRunOptions& options) {
  auto text = read_text_file(options.out);
  if (!text) throw SetupError("Google Benchmark wrote no " + options.out);
  write_file_atomically(options.out,
                        reports::strict_bench_json(
                            *text, {{"host_name", options.host_name.empty() ? this_host_name() : options.host_name}}));
}
}  // namespace

int run_bench(const BenchRunOptions& options) {
  validate_bench_injections(options.injections);
  RegionClaim claim = claim_bench_region(options);
  bench::PmemDevices devices;
  std::string devdax_note;
  std::unique_ptr<NamespacePool> pool = open_bench_devices(claim, devices, devdax_note);
  FaultAroundOverride fault_around(injected(options, "fault_around"));
  if (injected(options, "misaligned")) bench::inject_misaligned_mappings();
  if (injected(options, "device_delay")) bench::inject_device_delay();
  bench::IdleWatch idle_watch;
  const bool virtual_clock = !options.icount.empty();
  if (virtual_clock && !idle_watch.available())
    throw UsageError("under icount every figure needs the idle check, which is unavailable here: " +
                     idle_watch.why_not() + "; fix: a kernel with CONFIG_SCHEDSTATS, or --clock wall");
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  auto store = std::make_unique<bench::TargetStore>(devices, kMountPoint);

  record_bench_context(options, claim, pool.get(), devdax_note, fault_around, idle_watch, cpus);
  std::string left_out;
  std::vector<bench::FaultCase> cases = cases_for(virtual_clock, cpus, left_out);
  if (!left_out.empty()) benchmark::AddCustomContext("left_out", left_out);
  benchmark::AddCustomContext("transparent_hugepage",
                              read_first_line("/sys/kernel/mm/transparent_hugepage/enabled").value_or("unknown"));

  bench::TimingRules rules;
  rules.virtual_clock = virtual_clock;
  rules.idle_watch = idle_watch.available();
  size_t registered = bench::register_fault_benchmarks(*store, cases, rules);
  std::cerr << "daxtorture bench: " << registered << " benchmarks registered, JSON to " << options.out << "\n";
  const double wall = run_registered_benchmarks(options);
  store.reset();   // unmounts before the namespaces go
  pool.reset();
  make_bench_file_strict(options);

  print_summary(options.out, wall);
  reports::BenchFile file = reports::load_bench_json(options.out);
  for (const auto& name : file.names())
    if (!file.error(name).empty()) return 1;
  return 0;
}

}  // namespace dt
