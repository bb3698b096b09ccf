#include "runners/releases/sweep_command.h"

#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "core/errors.h"
#include "core/text_file.h"
#include "runners/kernel/logged_process.h"
#include "runners/results/progress.h"
#include "runners/releases/release_list.h"
#include "runners/releases/release_run.h"
#include "runners/releases/release_table.h"

namespace fs = std::filesystem;

namespace dt {

const char* const kSweepHelp = R"(usage: daxtorture sweep --releases FIRST..LAST [--suite SUITE] [-t PATTERN]... [OPTIONS]

Runs the selected instances on every whole packaged Debian kernel between
two releases (as 'tools/fetch-kernel --list' reports them, oldest first,
one per upstream version: the highest Debian revision) and shows
instances x releases: each instance's verdict per release, its first
failing release and the last passing one before it, and where it passed
again. Kernels are fetched from Debian's archive when not cached; each
release boots in a guest of its own (no expectations apply: the question is
each release's behaviour).

options:
  --releases FIRST..LAST  the range, by upstream version (6.16.3..7.3.4), or
                         a list of releases (6.16.12,6.18.15,7.3.4)
  --suite SUITE          bookworm, trixie, trixie-backports, sid,
                         experimental (default: every suite)
  -t, --test PATTERN     the instances (repeatable; default: the default set)
  -j, --jobs J           releases booted side by side (default 2: one guest
                         per core under TCG)
  --repeat N             run each instance N times per release
  --results DIR          where the sweep folder goes (default: results)
  --sweep-id ID          its name (default: sweep-DATE-TIME)
  --accel A, --profile FILE, --timeout-scale X   passed to 'daxtorture vm'

Writes RESULTS/SWEEP_ID/: one run folder per release (named by version,
with the vm's log beside it), sweep.md (the table) and releases.txt (the
releases and their packages). stdout: the table; its last column says
where each instance's verdict changed. Progress on stderr.

exit status: 0 every release ran, 1 a release did not boot or run (the
table marks it), 2 usage or environment error (bad range, unknown suite,
a release Debian has only in part).
)";

namespace {
struct SweepOptions {
  std::string range, suite, results = "results", sweep_id;
  std::vector<std::string> patterns, vm_options;
  int jobs = 2, repeat = 1;
};

SweepOptions parse(Args& args) {
  SweepOptions o;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture sweep' takes options only");
    if (*option == "--releases") o.range = args.value(*option);
    else if (*option == "--suite") o.suite = args.value(*option);
    else if (*option == "-t" || *option == "--test") o.patterns.push_back(args.value(*option));
    else if (*option == "-j" || *option == "--jobs") o.jobs = static_cast<int>(args.positive_number(*option));
    else if (*option == "--repeat") o.repeat = static_cast<int>(args.positive_number(*option));
    else if (*option == "--results") o.results = args.value(*option);
    else if (*option == "--sweep-id") o.sweep_id = args.value(*option);
    else if (!take_vm_option(args, *option, o.vm_options)) unknown_option("sweep", *option);
  }
  if (o.range.empty()) throw UsageError("--releases FIRST..LAST is required (e.g. 6.16.3..7.3.4)");
  return o;
}
}  // namespace

int sweep_main(Args& args) {
  SweepOptions options = parse(args);
  std::vector<Release> releases = packaged_releases(options.range, options.suite);
  const std::string dir = make_release_folder(options.results, options.sweep_id, "sweep", "--sweep-id", releases);
  std::cerr << "daxtorture sweep: " << releases.size() << " releases (" << releases.front().version << " .. "
            << releases.back().version << "), " << options.jobs << " at a time, into " << dir << std::endl;

  std::vector<ReleaseRun> runs(releases.size());
  std::atomic<size_t> next{0}, done{0};
  std::mutex say;
  const auto started = std::chrono::steady_clock::now();
  auto worker = [&] {
    for (size_t i; (i = next++) < releases.size();) {
      {
        std::lock_guard<std::mutex> lock(say);
        std::cerr << "daxtorture sweep: [" << Progress::format_elapsed(seconds_since(started)) << "] running "
                  << releases[i].version << " (" << done << " of " << releases.size() << " done)" << std::endl;
      }
      ReleaseRunRequest request{releases[i], options.patterns, dir, releases[i].version, options.repeat, 1,
                                options.vm_options};
      runs[i] = run_release(request);
      ++done;
      std::lock_guard<std::mutex> lock(say);
      std::cerr << "daxtorture sweep: [" << Progress::format_elapsed(seconds_since(started)) << "] "
                << releases[i].version << " "
                << (runs[i].ran ? "ran" : "did not run (vm exit " + std::to_string(runs[i].exit_status) +
                                              ", log: " + runs[i].log + ")")
                << " in " << whole_seconds(runs[i].seconds) << " s (" << done << " of " << releases.size()
                << " done)" << std::endl;
    }
  };
  std::vector<std::thread> workers;
  for (int j = 0; j < std::min<int>(options.jobs, static_cast<int>(releases.size())); ++j) workers.emplace_back(worker);
  for (auto& t : workers) t.join();

  std::vector<ReleaseColumn> columns;
  bool all_ran = true;
  for (size_t i = 0; i < releases.size(); ++i) {
    ReleaseColumn column{releases[i].version, {}, runs[i].ran};
    all_ran &= runs[i].ran;
    for (const auto& instance : runs[i].run.instances) column.verdicts[instance.name] = instance.status;
    columns.push_back(column);
  }
  const std::string table = release_table_markdown(columns);
  write_text_file(dir + "/sweep.md", "# " + fs::path(dir).filename().string() + ": " + options.range +
                                         (options.suite.empty() ? "" : " (" + options.suite + ")") + "\n\n" + table);
  std::cout << table << std::flush;
  std::cerr << "daxtorture sweep: " << releases.size() << " releases in "
            << Progress::format_elapsed(seconds_since(started)) << "; table: " << dir << "/sweep.md" << std::endl;
  return all_ran ? 0 : 1;
}

}  // namespace dt
