// Whether a guest CPU went idle while faults were being timed. Under QEMU's
// instruction counting (vm bench --clock icount) the guest's clock counts
// executed instructions; while the guest idles it follows the host's clock
// (sleep=on) or jumps to the next timer (sleep=off). A fault that waited
// for a device or a timer with nothing else to run then shows a time that
// no executed instruction accounts for: such a figure is refused.
//
// The count is the scheduler's "went idle" statistic (sched_goidle, the
// fourth number of each cpuN line of /proc/schedstat), summed over CPUs;
// the kernel keeps it only while kernel.sched_schedstats is 1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dt::bench {

// Switches kernel.sched_schedstats on for its lifetime (restored after).
// available() is false where the kernel has no schedstats.
class IdleWatch {
 public:
  IdleWatch();
  ~IdleWatch();
  IdleWatch(const IdleWatch&) = delete;
  IdleWatch& operator=(const IdleWatch&) = delete;
  bool available() const { return available_; }
  std::string why_not() const { return why_not_; }

 private:
  std::string previous_;
  bool available_ = false;
  std::string why_not_;
};

// Times any CPU entered idle so far; nullopt without /proc/schedstat.
std::optional<uint64_t> idle_entries();

// Parses /proc/schedstat text (exposed for the unit tests).
std::optional<uint64_t> idle_entries_from(const std::string& schedstat);

// Injection "device_delay": every timed read fault of a BM_fault case also
// sleeps 200 us, as a read served by a slow device would. Under icount that
// idle time must be refused; under wall it shows as 200 us more per fault.
// Write faults and the touch loop are left alone, so a run with it still
// has figures to compare.
void inject_device_delay();
void device_delay();

// The calling thread's CPU time in nanoseconds.
uint64_t thread_cpu_ns();

}  // namespace dt::bench
