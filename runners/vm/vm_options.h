// The options 'daxtorture vm' and 'daxtorture vm bench' share: which kernel
// to boot, on which machine profile and accelerator, and where the run
// folder goes. One parser, one check and one kernel lookup for both.
#pragma once

#include <string>

#include "core/data_path.h"
#include "runners/command_line/args.h"
#include "runners/kernel/kernel_locator.h"

namespace dt {

struct GuestOptions {
  std::string kernel_package = "default";
  std::string kernel_image;
  std::string modules;
  std::string tree;
  bool lean = false;
  bool coverage = false;  // 'vm --coverage': a tree is built with gcov (kernel-coverage.config)
  std::string results = "results";
  std::string run_id;
  std::string profile = data_path("vm-configs/default.profile");
  std::string accel = "auto";
  std::string nvdimm;
  bool quiet = false;
};

// Help text of these options, for both commands' --help.
extern const char* const kGuestKernelHelp;
extern const char* const kGuestMachineHelp;

// Consumes `option` (already read from `args`, with its value) when it is
// one of the shared options; false when it is not.
bool parse_guest_option(Args& args, const std::string& option, GuestOptions& options);

// Combinations that cannot work; UsageError naming the fix.
void check_guest_options(const GuestOptions& options);

// The kernel the options name (a tree is built first), checked for pmem.
GuestKernel locate_guest_kernel(const GuestOptions& options);

}  // namespace dt
