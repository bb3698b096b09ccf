// The guest machine a VM run boots: memory, CPUs, the emulated NVDIMM.
// Read from a vm-configs/*.profile file ("key = value" lines); every error
// names FILE:LINE:COLUMN and the fix.
#pragma once

#include <cstdint>
#include <string>

namespace dt {

struct MachineProfile {
  std::string name = "default";
  uint64_t memory = 2ull << 30;
  uint64_t max_memory = 16ull << 30;
  int cpus = 2;
  std::string cpu = "max";                 // exposes pdpe1gb for PUD mappings
  uint64_t nvdimm_size = 6ull << 30;
  uint64_t nvdimm_label_size = 128ull << 10;
  uint64_t nvdimm_align = 1ull << 30;      // backing alignment: 1 GiB devdax needs it
  // "multi": one host thread per vCPU (faster); "single": all vCPUs on one
  // host thread. QEMU 7.2's multi-threaded TCG sometimes runs a stale int3
  // while the guest kernel patches its own text (static keys, tracepoints),
  // which oopses the guest; single-threaded TCG does not.
  std::string tcg_thread = "single";
  double timeout_scale_tcg = 4.0;          // workload timeouts under TCG
  double timeout_scale_kvm = 1.0;

  // The workload timeout scale of a run: `asked` when given (> 0), else
  // this profile's for the accelerator.
  double timeout_scale(double asked, const std::string& accel) const {
    return asked > 0 ? asked : accel == "kvm" ? timeout_scale_kvm : timeout_scale_tcg;
  }
  std::string kernel_cmdline;              // appended to the guest command line
};

MachineProfile parse_machine_profile(const std::string& text, const std::string& file_name);
MachineProfile load_machine_profile(const std::string& path);

// "2G" / "128K" / "6442450944" -> bytes; throws std::invalid_argument.
uint64_t parse_size(const std::string& text);

}  // namespace dt
