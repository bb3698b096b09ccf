// Guards for selftests that break the kernel they run on on purpose: they
// run only in daxtorture's own throw-away VM, never on a user's machine.
#pragma once

#include <string>

#include "core/context.h"
#include "core/text_file.h"

namespace dt::workloads {

inline void require_own_vm(const Context& ctx, const std::string& what_it_does) {
  auto cmdline = read_text_file("/proc/cmdline").value_or("");
  if (cmdline.find("daxtorture.vm=") == std::string::npos)
    ctx.skip(what_it_does + "; runs only inside 'daxtorture vm'");
}

// The fault provoker of fixtures/fault-module, loaded through Needs::modules.
inline void provoke_kernel_fault(const std::string& command) {
  write_text_file("/sys/kernel/debug/daxtorture_fault/trigger", command);
}

}  // namespace dt::workloads
