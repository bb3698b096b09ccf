// daxtorture: one binary, one subcommand per job.
#include <iostream>
#include <map>
#include <string>

#include "core/errors.h"
#include "runners/bench/bench_command.h"
#include "runners/bisect/bisect_command.h"
#include "runners/releases/sweep_command.h"
#include "runners/build/build_command.h"
#include "runners/command_line/args.h"
#include "runners/cli/list_command.h"
#include "runners/cli/report_command.h"
#include "runners/lava/lava_command.h"
#include "runners/repro/repro_command.h"
#include "runners/run/run_command.h"
#include "runners/bench/vm_bench.h"
#include "runners/vm/vm_command.h"

namespace {

const char* const kMainHelp = R"(usage: daxtorture COMMAND [OPTIONS]

A stress and regression suite for Linux FS-DAX on persistent memory. It
boots a kernel in QEMU with an emulated NVDIMM, runs workloads that race
layout changes (truncate, hole punch, unmount, ...) against pinned DMA into
DAX mappings, take PMD/PUD faults and pin DAX memory for io_uring, and
judges each instance by its own checks and by its slice of the kernel log.

commands:
  vm      boot a kernel (default: Debian 6.12) with an emulated NVDIMM and
          run workloads inside it
  run     run workloads on this machine (inside the VM, or a guarded pmem host)
  list    list workloads, their needs and the kernel fixes they guard
  report  one HTML page from one or many run folders (kernels side by side)
  build   build a kernel git tree for 'vm' (out of tree, ccache, cached by
          commit and config, the suite's config options checked)
  bisect  find the commit of a kernel tree that broke (or fixed) instances:
          git bisect with a build and a boot per step; or, with --releases,
          the first packaged Debian release that did (a boot per step)
  sweep   run instances on every packaged Debian release between two:
          instances x releases, where each verdict changed
  bench   page-fault latency on DAX mappings (Google Benchmark JSON), and
          --compare of two such files with a Mann-Whitney U test
  repro   a bundle that reproduces a failing instance with only QEMU (or a
          finding's standalone C reproducer), and the upstream report draft
  lava    LAVA job definitions for a farm (per kernel and shard), and
          --collect of their job logs into one run folder

'daxtorture COMMAND --help' describes each command.

exit status: 0 all instances passed or skipped, 1 any failed, 2 usage or
environment error.
)";

struct Command {
  int (*main)(dt::Args&);
  const char* help;
};

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, Command> commands = {
      {"run", {dt::run_main, dt::kRunHelp}},
      {"list", {dt::list_main, dt::kListHelp}},
      {"vm", {dt::vm_main, dt::kVmHelp}},
      {"report", {dt::report_main, dt::kReportHelp}},
      {"bench", {dt::bench_main, dt::kBenchHelp}},
      {"build", {dt::build_main, dt::kBuildHelp}},
      {"bisect", {dt::bisect_main, dt::kBisectHelp}},
      {"sweep", {dt::sweep_main, dt::kSweepHelp}},
      {"lava", {dt::lava_main, dt::kLavaHelp}},
      {"repro", {dt::repro_main, dt::kReproHelp}},
  };
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    std::cout << kMainHelp;
    return argc < 2 ? 2 : 0;
  }
  auto command = commands.find(argv[1]);
  if (command == commands.end()) {
    std::cerr << "daxtorture: unknown command '" << argv[1] << "'; see 'daxtorture --help'\n";
    return 2;
  }
  for (int i = 2; i < argc; ++i)
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      // 'vm bench' is a mode of 'vm' with options of its own.
      bool vm_bench = command->first == "vm" && std::string(argv[2]) == "bench";
      std::cout << (vm_bench ? dt::kVmBenchHelp : command->second.help);
      return 0;
    }
  try {
    dt::Args args(argc, argv, 2);
    return command->second.main(args);
  } catch (const dt::UsageError& error) {
    std::cerr << "daxtorture " << argv[1] << ": " << error.what() << "\n";
    return 2;
  } catch (const dt::SetupError& error) {
    std::cerr << "daxtorture " << argv[1] << ": " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "daxtorture " << argv[1] << ": internal error: " << error.what() << "\n";
    return 2;
  }
}
