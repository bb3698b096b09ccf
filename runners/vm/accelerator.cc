#include "runners/vm/accelerator.h"

#include <unistd.h>

#include <iostream>
#include <regex>

#include "core/errors.h"
#include "core/text_file.h"
#include "runners/vm/guest_session.h"

namespace dt {

bool cpu_has_hardware_virtualization() {
  auto cpuinfo = read_text_file("/proc/cpuinfo").value_or("");
  static const std::regex flags(R"(^flags\s*:.*\b(vmx|svm)\b)", std::regex::multiline);
  return std::regex_search(cpuinfo, flags);
}

std::string choose_accelerator(const std::string& requested, const QemuLaunch& launch,
                               const std::string& scratch_dir, bool verbose) {
  if (requested == "tcg") return "tcg";
  bool usable = cpu_has_hardware_virtualization() && access("/dev/kvm", R_OK | W_OK) == 0;
  if (requested == "kvm") {
    if (!usable)
      throw UsageError("--accel kvm: this CPU shows no vmx/svm flag or /dev/kvm is not usable; "
                       "fix: use --accel tcg");
    return "kvm";
  }
  if (!usable) return "tcg";
  QemuLaunch probe = launch;
  probe.accel = "kvm";
  probe.probe_only = true;
  probe.ktap_file = scratch_dir + "/probe.ktap";
  GuestSessionLimits limits;
  limits.deadline = std::chrono::seconds(60);
  limits.silence = std::chrono::seconds(45);
  limits.forward_ktap = false;
  limits.show_progress = false;
  auto outcome = run_guest_session(probe, scratch_dir + "/kvm-probe.log", limits);
  if (verbose)
    std::cerr << "daxtorture vm: KVM probe boot " << (outcome.probe_ok ? "succeeded" : "failed")
              << " in " << static_cast<int>(outcome.seconds) << " s; using "
              << (outcome.probe_ok ? "kvm" : "tcg") << std::endl;
  return outcome.probe_ok ? "kvm" : "tcg";
}

}  // namespace dt
