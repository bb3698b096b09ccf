#include "workloads/lib/process_probe.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>

#include "core/text_file.h"

namespace dt::workloads {

uint64_t page_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_minflt + usage.ru_majflt);
}

bool wait_until_blocked_in_kernel(pid_t tid, double timeout_s) {
  double give_up = monotonic_seconds() + timeout_s;
  std::string path = "/proc/self/task/" + std::to_string(tid) + "/stat";
  while (monotonic_seconds() < give_up) {
    auto stat = read_text_file(path);
    if (!stat) return false;  // the thread is gone
    size_t close_paren = stat->rfind(')');
    if (close_paren != std::string::npos && close_paren + 2 < stat->size() &&
        (*stat)[close_paren + 2] == 'D')
      return true;
    usleep(1000);
  }
  return false;
}

double monotonic_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::optional<uint64_t> pinned_bytes() {
  auto status = read_text_file("/proc/self/status");
  if (!status) return std::nullopt;
  std::istringstream in(*status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmPin:", 0) != 0) continue;
    return std::stoull(line.substr(6)) * 1024;  // "VmPin:      2048 kB"
  }
  return std::nullopt;
}

}  // namespace dt::workloads
