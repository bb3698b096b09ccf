// One packaged release booted with 'daxtorture vm' as a child process (each
// release its own run folder), for the sweep and the release bisect.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "runners/command_line/args.h"
#include "runners/releases/release_list.h"

namespace dt {

struct ReleaseRunRequest {
  Release release;
  std::vector<std::string> patterns;   // -t
  std::string results;                 // the folder the run folder goes into
  std::string run_id;
  int repeat = 1;
  int guests = 1;                      // vm --jobs
  std::vector<std::string> vm_options; // passed through (--accel, --profile, ...)
};

struct ReleaseRun {
  std::string run_dir;       // RESULTS/RUN_ID
  std::string log;           // the vm's stderr and stdout
  int exit_status = -1;
  bool ran = false;          // run.json exists
  RunResult run;             // when ran
  double seconds = 0;
};

ReleaseRun run_release(const ReleaseRunRequest& request);

// --accel, --profile and --timeout-scale go to every 'daxtorture vm' as
// given: true when OPTION was one of them (its value is then taken).
bool take_vm_option(Args& args, const std::string& option, std::vector<std::string>& vm_options);

// Makes RESULTS/ID (ID "" = PREFIX-DATE-TIME, UTC) with releases.txt (one
// "VERSION PACKAGE SUITE" line each) and returns it; UsageError naming
// ID_OPTION when the folder exists.
std::string make_release_folder(const std::string& results, std::string id, const std::string& prefix,
                                const std::string& id_option, const std::vector<Release>& releases);

}  // namespace dt
