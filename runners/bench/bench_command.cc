#include "runners/bench/bench_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"
#include "reports/bench_compare.h"
#include "reports/bench_json.h"
#include "reports/bench_plot.h"
#include "runners/bench/bench_run.h"

namespace dt {

const char* const kBenchHelp = R"(usage: daxtorture bench [OPTIONS] [--benchmark_NAME=VALUE ...]
       daxtorture bench --compare OLD.json NEW.json [--markdown FILE] [--plot OUT.svg]
       daxtorture bench --plot OUT.svg FILE.json...

Measures page-fault latency on DAX mappings with Google Benchmark, one
benchmark per point of the matrix
  BM_fault/KIND/SIZE/ACCESS/SYNC/TOUCH/iterations:N/manual_time/threads:T
  KIND    fsdax_xfs, fsdax_ext4, devdax_2m, devdax_1g, and as baselines
          anon, tmpfs, xfs_pagecache (xfs on the same pmem, -o dax=never)
  SIZE    4k, 2m, 1g (what the mapping allows)
  ACCESS  read or write fault; SYNC map_sync (MAP_SYNC) or nosync
  TOUCH   first (fresh storage), refault (after MADV_DONTNEED), populate
          (mmap with MAP_POPULATE; sample = call time / faults)
Each fault is timed on its own: the benchmark time (real_time) is the mean
latency of one fault, cpu_time the thread's CPU time per fault over the
same faults; counters mean_us, p50_us, p99_us, max_us, faults_per_s,
bytes_per_fault, cpu_us, idle_entries. Under 'vm bench --clock icount'
every time is virtual (one ns per guest instruction), and a benchmark
during whose timed faults a CPU went idle reports an error: the virtual
clock skipped that time (a wait for a device or a timer needs --clock wall).
The JSON has no NaN or inf (strict parsers and Google Benchmark's compare.py
read it). The thread's fault count (minor + major; DAX counts a fault
that allocates as major) must equal one per SIZE, or the benchmark reports
an error instead of a number. BM_touch_loop/fsdax_xfs/4k/... times the same
faults as one plain loop, as an independent check of the per-fault figure.

Normally run through 'daxtorture vm bench'. On a real pmem machine it needs
a region and confirmation, as 'daxtorture run' does; without one, only the
anon and tmpfs baselines run.

run options:
  --out FILE             JSON output (default bench.json)
  --region REGION        pmem region to reconfigure (e.g. region1)
  --yes-destroy          confirm that every namespace on --region may go
  --machine NAME         recorded in the context (qemu-tcg, qemu-kvm, host)
  --vm-guest TOKEN, --icount OPTION, --host-name NAME
                         internal: set by 'daxtorture vm bench' (the QEMU
                         -icount option the guest runs under, the host's name)
  --inject FAULT         prove a check fails; never in a real measurement:
                         fault_around (keep the kernel's fault-around, 16
                         pages per page-cache read fault) or misaligned
                         (huge mappings 4 KiB off their boundary): the
                         fault-size check must fail; device_delay (each timed
                         read fault also sleeps 200 us): under icount the
                         idle check must refuse those figures
  --benchmark_NAME=VALUE passed to Google Benchmark, e.g.
                         --benchmark_filter=fsdax_xfs/4k  --benchmark_repetitions=3
                         (default repetitions: 9, what --compare needs)

compare and plot:
  --compare OLD NEW      per benchmark: the median over repetitions of each
                         repetition's per-fault mean ("mean" column), p50
                         and p99 on each side, their change, and a
                         two-sided Mann-Whitney U test over the repetitions
                         (significant: p < 0.05 and, when both files were
                         measured under icount, a change of at least
                         --min-change; wants >= 9 repetitions a side)
  --min-change PCT       smallest change that counts as significant
                         (default: 1 when both files are icount, else 0)
  --markdown FILE        also write the comparison as a Markdown table
  --plot OUT.svg         SVG: write-fault latency (p50, p99, log scale) by
                         fault size and mapping, one colour per JSON file
                         (kernel); with --compare, of OLD and NEW

exit status: 0 all measured (compare: ran), 1 a benchmark reported an
error, 2 usage or environment error.
)";

namespace {
// "0.5" -> 0.005 (a fraction); UsageError for anything but a percentage.
double parse_percent(const std::string& text) {
  size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < 0 || value >= 100)
    throw UsageError("--min-change takes a percentage from 0 to 100, like 0.5, not '" + text + "'");
  return value / 100;
}

void write_plot(const std::string& path, const std::vector<reports::BenchFile>& files) {
  std::ostringstream svg;
  reports::write_latency_svg(svg, files);
  write_file_atomically(path, svg.str());
  std::cout << "plot: " << path << "\n";
}

std::vector<reports::BenchFile> load_all(const std::vector<std::string>& paths) {
  std::vector<reports::BenchFile> files;
  for (const auto& path : paths) {
    try {
      files.push_back(reports::load_bench_json(path));
    } catch (const std::runtime_error& error) {
      throw UsageError(error.what());
    }
  }
  return files;
}
}  // namespace

int bench_main(Args& args) {
  BenchRunOptions run;
  std::vector<std::string> compare, plot_inputs;
  std::string plot, markdown;
  double min_change = -1;   // -1: the default of the files' clock
  while (!args.done()) {
    auto option = args.option();
    if (!option) {
      plot_inputs.push_back(args.positional());
      continue;
    }
    if (*option == "--compare") {
      compare.push_back(args.value(*option));
      if (args.done() || args.next_is_option()) throw UsageError("--compare takes two files: OLD.json NEW.json");
      compare.push_back(args.positional());
    } else if (*option == "--plot") plot = args.value(*option);
    else if (*option == "--markdown") markdown = args.value(*option);
    else if (*option == "--min-change") min_change = parse_percent(args.value(*option));
    else if (*option == "--out") run.out = args.value(*option);
    else if (*option == "--region") run.region = args.value(*option);
    else if (*option == "--yes-destroy") run.yes_destroy = true;
    else if (*option == "--machine") run.machine = args.value(*option);
    else if (*option == "--vm-guest") run.vm_token = args.value(*option);
    else if (*option == "--icount") run.icount = args.value(*option);
    else if (*option == "--host-name") run.host_name = args.value(*option);
    else if (*option == "--inject") run.injections.push_back(args.value(*option));
    else if (option->rfind("--benchmark_", 0) == 0) run.benchmark_flags.push_back(*option + "=" + args.value(*option));
    else unknown_option("bench", *option);
  }
  if (!compare.empty()) {
    if (!plot_inputs.empty()) throw UsageError("--compare takes exactly two files: OLD.json NEW.json");
    auto files = load_all(compare);
    if (min_change < 0) min_change = reports::default_min_change(files[0], files[1]);
    auto deltas = reports::compare_bench(files[0], files[1], 0.05, min_change);
    reports::write_comparison_text(std::cout, deltas, files[0].label(), files[1].label(), min_change);
    if (!markdown.empty()) {
      std::ostringstream table;
      reports::write_comparison_markdown(table, deltas, files[0].label(), files[1].label(), min_change);
      write_file_atomically(markdown, table.str());
    }
    if (!plot.empty()) write_plot(plot, files);
    return 0;
  }
  if (!plot.empty()) {
    if (plot_inputs.empty()) throw UsageError("--plot OUT.svg needs at least one bench JSON file to draw");
    write_plot(plot, load_all(plot_inputs));
    return 0;
  }
  if (!plot_inputs.empty()) throw UsageError("unexpected argument '" + plot_inputs.front() + "'");
  if (!markdown.empty()) throw UsageError("--markdown goes with --compare");
  if (min_change >= 0) throw UsageError("--min-change goes with --compare");
  return run_bench(run);
}

}  // namespace dt
