// Chooses between KVM and TCG. /dev/kvm existing is not enough: on some
// hosts it serves another kind of guest and a standard kernel hangs under
// it. KVM is used only when the CPU advertises vmx/svm and a probe boot
// reaches the guest's userspace.
#pragma once

#include <string>

#include "runners/vm/qemu_command.h"

namespace dt {

// requested: "auto", "tcg" or "kvm". Returns "tcg" or "kvm".
std::string choose_accelerator(const std::string& requested, const QemuLaunch& launch,
                               const std::string& scratch_dir, bool verbose);

bool cpu_has_hardware_virtualization();

}  // namespace dt
