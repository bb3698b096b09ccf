// A reproducer bundle: a folder that boots one failing instance (or a
// finding's standalone C reproducer) in QEMU on any Linux machine with
// qemu-system-x86_64, with nothing of this tree:
//   DIR/run.sh [N]          boots N times, last line "reproduced K of N"
//   DIR/kernel/vmlinuz      the kernel, with kernel/ORIGIN (package,
//                           version, sha256, how to fetch it) and config
//   DIR/guest.cpio          the guest image (the one 'daxtorture vm' boots,
//                           without the daxtorture binary in standalone mode)
//   DIR/qemu-args.tcg|kvm   the QEMU command line, one word a line
//   DIR/guest/              what the guest runs (bundle.conf, run.sh, and in
//                           standalone mode the finding's files and binary)
//   DIR/README              what it is and how to run it
#pragma once

#include <string>

namespace dt {

// From RUN/instances/NAME of a run that 'daxtorture vm' made.
void write_instance_bundle(const std::string& instance_dir, const std::string& out_dir);

// From a finding folder (docs/findings/upstream/BUG: repro.c, setup.sh,
// guest.sh, expect) for a Debian kernel package or alias; guest_args are
// passed to guest.sh.
void write_standalone_bundle(const std::string& finding_dir, const std::string& kernel_package,
                             const std::string& guest_args, const std::string& out_dir);

}  // namespace dt
