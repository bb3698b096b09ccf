// Which address spaces (mm_struct) an instance's processes left behind, and
// when the kernel finally freed them.
//
// A process's mm is not freed when the process exits: an idle CPU keeps it
// as its lazy TLB mm until that CPU next runs a user task, an io_uring ring
// keeps it until the ring's exit work has finished, a reader of /proc/PID
// until it closes the file. The kernel checks the mm's counters only then
// (check_mm() in __mmdrop(): "BUG: Bad rss-counter state mm:ADDR ..."), so
// such a line can land in a later instance's log slice. The ledger watches
// exit_mmap() (the last user of an mm is gone) and __mmdrop() (the mm is
// freed) through kprobe events in a tracefs instance of its own, lets the
// runner close an instance only when every mm torn down during it has been
// freed (pushing lazy references off every CPU and waiting for RCU grace
// periods meanwhile), and names the instance whose mm a late line is about.
// The guest boots with no_hash_pointers, so the kernel prints the same mm
// address the probes see.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

// The kernel's line about a freed mm that may come late: "mm:ADDR" of
// check_mm(). 0 when LINE is not one of them.
uint64_t freed_mm_address(const std::string& line);

// One event of the probes, parsed from a trace_pipe line.
struct MmEvent {
  enum Kind { torn_down, free_begins, free_ends } kind;
  uint64_t mm = 0;        // 0 for free_ends (a return probe has no arguments)
  int pid = 0;
  int cpu = 0;
  std::string comm;       // the task the probe fired in ("<idle>", "kworker/1:2", ...)
};
// Parses "  comm-PID [CPU] flags TIME: dt_mm_exit: (...) mm=0x..." lines of
// the ledger's own events; false for anything else.
bool parse_mm_event(const std::string& line, MmEvent& event);

class MmLedger {
 public:
  // Installs the probes; available() is false (and why_unavailable() says
  // why) where tracefs or kprobe events cannot be had. Only in the tool's
  // own VM: the probes are global state of the machine. Probes::none keeps
  // the books of apply() alone (unit tests).
  enum class Probes { install, none };
  explicit MmLedger(Probes probes = Probes::install);
  ~MmLedger();
  MmLedger(const MmLedger&) = delete;
  MmLedger& operator=(const MmLedger&) = delete;

  bool available() const { return why_unavailable_.empty(); }
  const std::string& why_unavailable() const { return why_unavailable_; }

  // From now on, mms torn down belong to INSTANCE.
  void begin(const std::string& instance);

  struct Settled {
    bool complete = true;              // every mm of the instance was freed
    std::vector<std::string> held;     // "mm 0x... (torn down by pid N)" still not freed
    // The mms still held when the instance's processes were gone, and who
    // freed them how late: "mm 0x... freed 48 ms after the instance's end,
    // by <idle>-0 on CPU 1" (what deferred the teardown).
    std::vector<std::string> freed_late;
    double waited_s = 0;
  };
  // Waits (at most LIMIT) until every mm torn down since begin() is freed.
  Settled settle(std::chrono::milliseconds limit);

  // The instance whose process owned the mm at ADDR; "" when the ledger
  // never saw it torn down.
  std::string owner_of(uint64_t mm) const;

  // Feeds one event (public for the unit tests).
  void apply(const MmEvent& event);

 private:
  void drain();

  std::string why_unavailable_;
  std::string tracefs_;                 // e.g. /sys/kernel/tracing
  int pipe_fd_ = -1;
  std::string partial_line_;
  std::string instance_;
  std::map<uint64_t, std::string> owners_;   // mm -> instance that tore it down
  std::map<uint64_t, int> pending_;          // torn down in this instance, not freed: mm -> pid
  std::map<std::string, uint64_t> freeing_;  // "pid" or "cpuN" (idle) -> mm being freed
  std::map<uint64_t, std::string> freed_by_;  // mm -> "comm-pid on CPU n", kept while settling
};

// Moves each finding of RESULT about a freed mm that is not RESULT's own
// (another instance's, or one the ledger cannot place) out of its kernel
// findings into result.unplaced_kernel_lines, with the reason. LEDGER is
// null where there is none (a real machine): then no such line can be placed.
void place_freed_mm_lines(InstanceResult& result, const MmLedger* ledger, const std::string& no_ledger_reason);

}  // namespace dt
