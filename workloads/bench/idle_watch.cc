#include "workloads/bench/idle_watch.h"

#include <time.h>

#include <sstream>

#include "core/text_file.h"

namespace dt::bench {

namespace {
constexpr const char* kSchedstatsSwitch = "/proc/sys/kernel/sched_schedstats";
bool delay_injected = false;
}  // namespace

IdleWatch::IdleWatch() {
  previous_ = read_first_line(kSchedstatsSwitch).value_or("");
  if (previous_.empty()) {
    why_not_ = std::string("no ") + kSchedstatsSwitch + " (kernel without CONFIG_SCHEDSTATS)";
    return;
  }
  try {
    if (previous_ != "1") write_text_file(kSchedstatsSwitch, "1");
  } catch (const std::exception& error) {
    why_not_ = std::string("cannot switch schedstats on: ") + error.what();
    return;
  }
  available_ = read_first_line(kSchedstatsSwitch).value_or("") == "1" && idle_entries().has_value();
  if (!available_) why_not_ = "schedstats did not switch on, or /proc/schedstat has no cpu lines";
}

IdleWatch::~IdleWatch() {
  if (previous_.empty() || previous_ == "1") return;
  try {
    write_text_file(kSchedstatsSwitch, previous_);
  } catch (const std::exception&) {
  }
}

std::optional<uint64_t> idle_entries_from(const std::string& schedstat) {
  std::istringstream lines(schedstat);
  std::string line;
  uint64_t total = 0;
  bool any = false;
  while (std::getline(lines, line)) {
    if (line.rfind("cpu", 0) != 0) continue;
    std::istringstream fields(line);
    std::string cpu;
    uint64_t yields = 0, legacy = 0, schedules = 0, went_idle = 0;
    if (!(fields >> cpu >> yields >> legacy >> schedules >> went_idle)) return std::nullopt;
    total += went_idle;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

std::optional<uint64_t> idle_entries() {
  auto text = read_text_file("/proc/schedstat");
  if (!text) return std::nullopt;
  return idle_entries_from(*text);
}

void inject_device_delay() { delay_injected = true; }

void device_delay() {
  if (!delay_injected) return;
  timespec wait{0, 200 * 1000};
  nanosleep(&wait, nullptr);
}

uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace dt::bench
