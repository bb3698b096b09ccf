#include "runners/run/mm_ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <regex>
#include <sstream>
#include <thread>

#include "core/text_file.h"

namespace dt {

namespace {
using Clock = std::chrono::steady_clock;

// Probe names; the group keeps them apart from anyone else's.
constexpr const char* kGroup = "daxtorture_mm";
constexpr const char* kInstance = "daxtorture_mm";
// exit_mmap(mm): the mm's last user is gone (its mappings are torn down);
// __mmdrop(mm): the mm itself is freed and checked. The return probe tells
// when check_mm()'s lines are in the log.
const char* const kProbes[] = {
    "p:daxtorture_mm/torn_down exit_mmap mm=%di:x64",
    "p:daxtorture_mm/free_begins __mmdrop mm=%di:x64",
    "r:daxtorture_mm/free_ends __mmdrop",
};

std::string hex(uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

// Appends one definition to kprobe_events; "" or the kernel's errno text.
std::string write_probe(const std::string& tracefs, const std::string& definition) {
  int fd = open((tracefs + "/kprobe_events").c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return std::string("cannot open kprobe_events: ") + strerror(errno);
  std::string line = definition + "\n";
  ssize_t written = write(fd, line.data(), line.size());
  int error = errno;
  close(fd);
  return written == static_cast<ssize_t>(line.size()) ? "" : "'" + definition + "': " + strerror(error);
}

std::string find_tracefs() {
  for (const char* dir : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"})
    if (std::filesystem::exists(std::string(dir) + "/kprobe_events")) return dir;
  // The guest mounts debugfs, not always tracefs.
  mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr);
  if (std::filesystem::exists("/sys/kernel/tracing/kprobe_events")) return "/sys/kernel/tracing";
  return "";
}

// A user task on every CPU in turn: a CPU that idles with an exited
// process's mm as its lazy TLB mm drops it when it switches to us.
void visit_every_cpu() {
  cpu_set_t before;
  if (sched_getaffinity(0, sizeof before, &before) != 0) return;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  for (long cpu = 0; cpu < cpus && cpu < CPU_SETSIZE; ++cpu) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) == 0) sched_yield();
  }
  sched_setaffinity(0, sizeof before, &before);
}

// An RCU grace period (membarrier's global command waits for one): frees
// deferred through RCU are done after it.
void wait_for_rcu() { syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0); }
}  // namespace

uint64_t freed_mm_address(const std::string& line) {
  static const std::regex pattern(R"(Bad rss-counter state mm:(?:0x)?([0-9a-f]+))");
  std::smatch match;
  if (!std::regex_search(line, match, pattern)) return 0;
  return std::stoull(match[1], nullptr, 16);
}

bool parse_mm_event(const std::string& line, MmEvent& event) {
  // "  <idle>-0  [001] d..2.  12.345: free_begins: (__mmdrop+0x0/0x1b0) mm=0xffff8880..."
  // The comm may hold '-' and spaces; the pid is the number before " [" or " (".
  static const std::regex pattern(
      R"(^\s*.*-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\].*?:\s+(torn_down|free_begins|free_ends):.*?(?:mm=0x([0-9a-f]+))?\s*$)");
  std::smatch match;
  if (!std::regex_match(line, match, pattern)) return false;
  event.pid = std::stoi(match[1]);
  // The comm is what stands before "-PID" (it may hold '-' itself).
  event.comm = line.substr(0, line.find('-' + match[1].str() + ' '));
  event.comm.erase(0, event.comm.find_first_not_of(' '));
  event.cpu = std::stoi(match[2]);
  const std::string kind = match[3];
  event.kind = kind == "torn_down" ? MmEvent::torn_down
             : kind == "free_begins" ? MmEvent::free_begins : MmEvent::free_ends;
  event.mm = match[4].matched ? std::stoull(match[4], nullptr, 16) : 0;
  return event.kind == MmEvent::free_ends || event.mm != 0;
}

MmLedger::MmLedger(Probes probes) {
  if (probes == Probes::none) {
    why_unavailable_ = "not probing";
    return;
  }
  tracefs_ = find_tracefs();
  if (tracefs_.empty()) {
    why_unavailable_ = "no tracefs with kprobe_events (CONFIG_KPROBE_EVENTS)";
    return;
  }
  const std::string instance_dir = tracefs_ + "/instances/" + kInstance;
  // A runner killed in this boot may have left its probes behind.
  try { write_text_file(instance_dir + "/events/" + kGroup + "/enable", "0"); } catch (...) {}
  for (const char* name : {"torn_down", "free_begins", "free_ends"})
    write_probe(tracefs_, std::string("-:") + kGroup + "/" + name);
  for (const char* probe : kProbes)
    if (std::string error = write_probe(tracefs_, probe); !error.empty()) {
      why_unavailable_ = "cannot probe the kernel's mm teardown: " + error;
      return;
    }
  mkdir(instance_dir.c_str(), 0755);
  try {
    write_text_file(instance_dir + "/events/" + kGroup + "/enable", "1");
  } catch (const std::exception& error) {
    why_unavailable_ = std::string("cannot enable the mm probes: ") + error.what();
    return;
  }
  pipe_fd_ = open((instance_dir + "/trace_pipe").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (pipe_fd_ < 0) why_unavailable_ = "cannot read " + instance_dir + "/trace_pipe: " + strerror(errno);
}

MmLedger::~MmLedger() {
  if (pipe_fd_ >= 0) close(pipe_fd_);
  if (tracefs_.empty()) return;
  const std::string instance_dir = tracefs_ + "/instances/" + kInstance;
  try { write_text_file(instance_dir + "/events/" + kGroup + "/enable", "0"); } catch (...) {}
  rmdir(instance_dir.c_str());
  for (const char* name : {"torn_down", "free_begins", "free_ends"})
    write_probe(tracefs_, std::string("-:") + kGroup + "/" + name);
}

void MmLedger::apply(const MmEvent& event) {
  // An idle task (pid 0) runs on every CPU at once: key it by CPU.
  const std::string who = event.pid == 0 ? "cpu" + std::to_string(event.cpu) : std::to_string(event.pid);
  switch (event.kind) {
    case MmEvent::torn_down:
      owners_[event.mm] = instance_;
      if (!instance_.empty()) pending_[event.mm] = event.pid;
      break;
    case MmEvent::free_begins:
      freeing_[who] = event.mm;
      if (pending_.count(event.mm))
        freed_by_[event.mm] = event.pid == gettid()
            ? "this runner as it moved onto CPU " + std::to_string(event.cpu) + " (a lazy TLB reference there)"
            : event.comm + "-" + std::to_string(event.pid) + " on CPU " + std::to_string(event.cpu);
      break;
    case MmEvent::free_ends:
      if (auto it = freeing_.find(who); it != freeing_.end()) {
        pending_.erase(it->second);
        freeing_.erase(it);
      }
      break;
  }
}

void MmLedger::drain() {
  if (pipe_fd_ < 0) return;
  char buffer[16384];
  for (;;) {
    ssize_t got = read(pipe_fd_, buffer, sizeof buffer);
    if (got <= 0) break;
    partial_line_.append(buffer, static_cast<size_t>(got));
    size_t start = 0;
    for (size_t end; (end = partial_line_.find('\n', start)) != std::string::npos; start = end + 1) {
      MmEvent event{};
      if (parse_mm_event(partial_line_.substr(start, end - start), event)) apply(event);
    }
    partial_line_.erase(0, start);
  }
}

void MmLedger::begin(const std::string& instance) {
  drain();
  instance_ = instance;
  pending_.clear();
}

MmLedger::Settled MmLedger::settle(std::chrono::milliseconds limit) {
  Settled settled;
  const auto started = Clock::now();
  if (available()) {
    drain();
    freed_by_.clear();
    const std::map<uint64_t, int> outlived = pending_;
    while (!pending_.empty() && Clock::now() - started < limit) {
      visit_every_cpu();
      wait_for_rcu();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      drain();
    }
    const long waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    for (const auto& [mm, pid] : outlived)
      if (!pending_.count(mm))
        settled.freed_late.push_back("mm " + hex(mm) + " of pid " + std::to_string(pid) + " freed within " +
                                     std::to_string(waited_ms) + " ms of the instance's end, by " +
                                     (freed_by_.count(mm) ? freed_by_[mm] : std::string("an unseen task")));
    for (const auto& [mm, pid] : pending_)
      settled.held.push_back("mm " + hex(mm) + " (torn down by pid " + std::to_string(pid) + ")");
    settled.complete = pending_.empty();
  } else {
    // Without probes, at least no CPU keeps an mm of the instance lazily.
    visit_every_cpu();
  }
  instance_.clear();
  settled.waited_s = std::chrono::duration<double>(Clock::now() - started).count();
  return settled;
}

std::string MmLedger::owner_of(uint64_t mm) const {
  auto it = owners_.find(mm);
  return it == owners_.end() ? "" : it->second;
}

void place_freed_mm_lines(InstanceResult& result, const MmLedger* ledger, const std::string& no_ledger_reason) {
  std::vector<KernelFinding> kept;
  for (auto& finding : result.kernel_findings) {
    uint64_t mm = freed_mm_address(finding.line);
    std::string owner = mm && ledger ? ledger->owner_of(mm) : "";
    if (!mm || owner == result.name) {
      kept.push_back(std::move(finding));
      continue;
    }
    std::string why = !ledger ? "the mm it names cannot be placed: " + no_ledger_reason
                    : owner.empty() ? "the mm it names was not torn down by a process of this instance "
                                      "(nor of any instance the runner saw)"
                                    : "the mm it names was " + owner + "'s, freed after that instance ended";
    result.unplaced_kernel_lines.push_back({finding.line, why});
  }
  result.kernel_findings = std::move(kept);
}

}  // namespace dt
