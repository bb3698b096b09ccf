// The QEMU command line of a test guest: an emulated NVDIMM with a label
// area, the guest image as the initramfs (the guest's whole root), the run
// folder shared read-write over 9p, the console on stdout and the KTAP channel on a second serial
// port.
#pragma once

#include <string>
#include <vector>

#include "runners/vm/guest_image.h"
#include "runners/kernel/kernel_locator.h"
#include "runners/vm/machine_profile.h"

namespace dt {

struct QemuLaunch {
  GuestKernel kernel;
  MachineProfile profile;
  std::string accel;          // "tcg" or "kvm"
  std::string initramfs;       // the guest image
  GuestImage image;            // what it is, for run.json
  std::string nvdimm_file;
  std::string run_dir;        // shared as mount_tag "results"
  std::string ktap_file;      // second serial port, written by QEMU
  std::string token;          // proves to the guest runner that it owns the NVDIMM
  std::string monitor_socket; // QEMU's human monitor, for sysrq keys; "" = none
  bool probe_only = false;    // boot, print, power off (accelerator probe)
  // TCG only: >= 0 runs the guest under instruction counting, -icount
  // shift=N: while it executes, its clocks advance 2^N ns per instruction,
  // whatever the host is doing. -1: wall clock.
  int icount_shift = -1;
};

std::vector<std::string> qemu_argv(const QemuLaunch& launch);
std::string guest_kernel_cmdline(const QemuLaunch& launch);
// The -icount argument for a shift: "shift=0,sleep=on".
std::string icount_option(int shift);

}  // namespace dt
