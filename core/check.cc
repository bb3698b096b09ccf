#include "core/check.h"

#include <string.h>
#include <unistd.h>

#include <iostream>

#include "core/reporter.h"

namespace dt {

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : "errno " + std::to_string(err);
}

void CheckTrap::operator&(const Message& message) const {
  Failure failure{file, line, expression, message.str()};
  std::cerr << file << ":" << line << ": " << (kind == CheckKind::assertion ? "FAIL" : "FAIL (continuing)")
            << ": " << expression << ": " << failure.message << std::endl;
  report_failure(failure);
  if (kind == CheckKind::expectation) return;
  // Unwinding another thread's stack through std::thread would terminate the
  // process without a verdict; the failure is already reported, so leave.
  if (!reporter_on_main_thread()) _exit(1);
  throw WorkloadStop{};
}

void report_broken_call(const char* file, int line, const char* call, int saved_errno) {
  std::string reason = std::string(file) + ":" + std::to_string(line) + ": " + call +
                       " failed: " + errno_name(saved_errno) + " (" + strerror(saved_errno) + ")";
  std::cerr << "BROKEN: " << reason << std::endl;
  report_broken(reason);
  if (!reporter_on_main_thread()) _exit(2);
  throw WorkloadStop{};
}

}  // namespace dt
