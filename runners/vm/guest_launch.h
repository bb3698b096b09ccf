// What every boot of the test guest needs on the host before QEMU starts:
// the token that proves to the guest it owns the NVDIMM, the NVDIMM
// backing file, the initramfs and the accelerator. Shared by 'daxtorture
// vm' (workloads) and 'daxtorture vm bench' (fault latency).
#pragma once

#include <string>

#include "runners/vm/guest_session.h"
#include "runners/vm/qemu_command.h"

namespace dt {

// Fills a QemuLaunch for a run folder: token, monitor socket and KTAP channel
// file under RUN_DIR/.guest, the guest image (from its cache, or built), the NVDIMM file (`nvdimm`, or a
// new sparse file under .guest when empty), then the accelerator
// (`accel`: auto, tcg or kvm). Throws UsageError or SetupError.
QemuLaunch prepare_guest_launch(const GuestKernel& kernel, const MachineProfile& profile,
                                const std::string& run_dir, const std::string& nvdimm,
                                const std::string& accel, bool quiet);

// Guest number `guest` (2, 3, ...) of a run with parallel guests: the same
// kernel, image, profile and accelerator as `first`, with its own token,
// monitor socket, KTAP channel and a new NVDIMM backing file, all under
// RUN_DIR/.guest/gN.
QemuLaunch launch_for_guest(const QemuLaunch& first, int guest);

// Runs a guest session; a guest that dies before its userspace ran
// nothing and is booted again (at most 3 boots). `attempts` counts boots.
GuestSessionOutcome boot_until_userspace(const QemuLaunch& launch, const std::string& console_log,
                                         const GuestSessionLimits& limits, int& attempts);

// Removes what the launch made and the user did not ask to keep.
void clean_up_guest_launch(const QemuLaunch& launch, bool keep_nvdimm);

// `word` quoted for /bin/sh.
std::string shell_quote(const std::string& word);

}  // namespace dt
