#include "runners/vm/qemu_command.h"

namespace dt {

namespace {
std::string mebibytes(uint64_t bytes) { return std::to_string(bytes >> 20) + "M"; }
}  // namespace

// sleep=on: while the guest idles, its clock follows the host's. With
// sleep=off it jumps to the next timer instead; then every wait for the 9p
// root (an idle vCPU) ran the guest's clock ahead by up to a timer period,
// and the harness's own timeouts expired early (modprobe xfs killed after
// "60 s" in one run). Figures do not depend on it: a timed fault during
// which the CPU idled is refused either way (workloads/bench/idle_watch.h).
// align (keep the guest clock near the host's) is off by default.
std::string icount_option(int shift) { return "shift=" + std::to_string(shift) + ",sleep=on"; }

std::string guest_kernel_cmdline(const QemuLaunch& launch) {
  // panic=-1 with -no-reboot: a panic ends QEMU at once instead of leaving a
  // dead guest for the watchdog. hung_task_timeout_secs turns a layout
  // change that waits forever into a kernel report on the console.
  // sysrq_always_enabled: Debian's default mask (438) leaves out the task
  // dumps the host asks for when a guest hangs.
  // no_hash_pointers: the kernel prints the mm addresses the runner's mm
  // ledger probes (runners/run/mm_ledger.h), so a late "Bad rss-counter
  // state mm:ADDR" line is placed with the instance whose mm it was.
  // no_timer_check: under TCG on a loaded host the boot's check of the
  // IO-APIC timer can miss its ticks and panic ("IO-APIC + timer doesn't
  // work!"; 1 boot of 3 of 7.2.6 with a kernel build beside it).
  std::string cmdline = "console=ttyS0,115200 panic=-1 sysrq_always_enabled no_timer_check "
                        "sysctl.kernel.hung_task_timeout_secs=60 loglevel=6 no_hash_pointers "
                        "daxtorture.vm=" + launch.token;
  if (launch.probe_only) cmdline += " daxtorture.probe=1";
  if (!launch.profile.kernel_cmdline.empty()) cmdline += " " + launch.profile.kernel_cmdline;
  return cmdline;
}

std::vector<std::string> qemu_argv(const QemuLaunch& launch) {
  const MachineProfile& profile = launch.profile;
  const bool icount = launch.accel != "kvm" && launch.icount_shift >= 0;
  // Instruction counting needs single-threaded TCG (QEMU refuses it with
  // thread=multi).
  const std::string tcg_thread = icount ? "single" : profile.tcg_thread;
  std::vector<std::string> argv = {
      "qemu-system-x86_64",
      "-accel", launch.accel == "kvm" ? "kvm" : "tcg,thread=" + tcg_thread,
      "-cpu", launch.accel == "kvm" && profile.cpu == "max" ? "host" : profile.cpu,
      "-smp", std::to_string(profile.cpus),
      "-machine", "pc,nvdimm=on",
      "-m", mebibytes(profile.memory) + ",slots=4,maxmem=" + mebibytes(profile.max_memory),
      "-object", "memory-backend-file,id=nvmem0,share=on,mem-path=" + launch.nvdimm_file +
                     ",size=" + mebibytes(profile.nvdimm_size) +
                     ",align=" + mebibytes(profile.nvdimm_align),
      "-device", "nvdimm,memdev=nvmem0,id=nvdimm0,label-size=" +
                     std::to_string(profile.nvdimm_label_size >> 10) + "K",
      "-kernel", launch.kernel.image,
      "-initrd", launch.initramfs,
      "-append", guest_kernel_cmdline(launch),
      "-virtfs", "local,path=" + launch.run_dir + ",mount_tag=results,security_model=none",
      "-display", "none",
      "-no-reboot",
      "-serial", "stdio",
      "-serial", "file:" + launch.ktap_file,
      "-monitor", launch.monitor_socket.empty() ? "none"
                  : "unix:" + launch.monitor_socket + ",server=on,wait=off",
      "-nodefaults",
  };
  if (icount) {
    argv.push_back("-icount");
    argv.push_back(icount_option(launch.icount_shift));
  }
  // -nodefaults drops the VGA card and the default network; the console is
  // the serial port above.
  return argv;
}

}  // namespace dt
