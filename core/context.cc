#include "core/context.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "core/check.h"
#include "core/errors.h"
#include "core/reporter.h"

namespace dt {

bool Context::injected(const std::string& fault) const {
  // A body asking for a fault its spec does not declare has a typo: the
  // injection could never be requested, and its check would prove nothing.
  const auto& declared = spec().injections;
  if (std::find(declared.begin(), declared.end(), fault) == declared.end())
    throw SetupError("the workload asks for injection '" + fault +
                     "', which its spec does not declare; fix: add it to .injections");
  const char* list = getenv(kInjectEnvironment);
  if (!list) return false;
  std::string faults = std::string(",") + list + ",";
  return faults.find("," + fault + ",") != std::string::npos;
}

void Context::metric(const std::string& name, double value, const std::string& unit) const {
  std::cout << "metric " << name << " = " << value << " " << unit << std::endl;
  report_metric({name, value, unit});
}

void Context::note(const std::string& text) const {
  std::cout << text << std::endl;
  report_note(text);
}

void Context::skip(const std::string& reason) const {
  std::cout << "SKIP: " << reason << std::endl;
  report_skip(reason);
  throw WorkloadStop{};
}

void Context::cut_power() const {
  if (after_power_cut())
    throw SetupError("the workload asked for a second power cut; each instance gets one");
  // stdout is the instance's output.txt on the host's disk (9p, written
  // through): what the body noted so far survives the cut.
  std::cout << "cutting the power (the host kills QEMU)" << std::endl;
  std::string request = std::string(kPowerCutRequest) + name() + "\n";
  int kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  if (kmsg < 0 || write(kmsg, request.data(), request.size()) < 0)
    throw SetupError("cannot ask the host to cut the power: /dev/kmsg is not writable");
  close(kmsg);
  // The host kills QEMU within moments; the instance timeout catches a host
  // that never does.
  for (;;) pause();
}

}  // namespace dt
