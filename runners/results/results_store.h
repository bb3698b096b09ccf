// The results folder of a run:
//   RUN/run.json                     the whole run, rewritten after every instance
//   RUN/instances/NAME/instance.json one instance (NAME: workload~fs~variant)
//   RUN/instances/NAME/output.txt    what the workload printed
//   RUN/instances/NAME/dmesg.txt     its slice of the kernel log
//   RUN/instances/NAME/stacks.txt    tasks and kernel stacks, on a timeout
//   RUN/instances/NAME/console-before-power-cut.txt
//                                    power_cut workloads: the console up to the cut
// Every file is replaced atomically, so a crash leaves the previous version.
#pragma once

#include <string>

#include "core/registry.h"
#include "core/result.h"

namespace dt {

std::string utc_timestamp();
// Folder of an instance inside the run folder: "instances/workload~fs~variant".
std::string instance_folder(const std::string& instance_name);
inline constexpr const char* kConsoleBeforePowerCut = "console-before-power-cut.txt";
// "20261122-014501-6.12.117+deb12-amd64" style, from time and uname -r.
std::string default_run_id(const std::string& kernel_release = "");

// Creates the folder and proves it writable; UsageError naming the fix.
void prepare_results_dir(const std::string& run_dir);

void save_run(const std::string& run_dir, const RunResult& run);
void save_instance(const std::string& run_dir, const InstanceResult& instance);
// Reads RUN/run.json; throws UsageError naming the file when unreadable.
RunResult load_run(const std::string& run_dir);

// The result of `instance` as it starts: its names, fix tags, folder and
// start time; PASS until it is judged.
InstanceResult started_result(const Instance& instance);

// A result for an instance that never ran (set-up of the run failed, or an
// earlier instance wedged the machine).
InstanceResult not_run_result(const Instance& instance, Status status, const std::string& reason);

}  // namespace dt
