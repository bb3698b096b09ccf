// A memory failure in a DAX page (injected with MADV_HWPOISON, the software
// path of a machine check), one row per namespace mode: hwpoison_devdax (a
// page of the device) and hwpoison_fsdax (a page of a file on xfs or ext4,
// whose filesystem is told through the pmem driver's holder: xfs made with
// rmapbt finds the file's mappers itself, the others leave it to the
// kernel's generic handler). The page is unmapped from every
// process that maps it and they are signalled. The process that touched it (here:
// the one that injected) gets SIGBUS with BUS_MCEERR_AR and the address; a
// process that only maps it and asked to be told early
// (PR_MCE_KILL_EARLY) gets SIGBUS with BUS_MCEERR_AO (action optional) at
// once; the kernel logs "recovery action for dax page: Recovered". (A
// mapper with the default late policy is left alone until it touches the
// page: vm.memory_failure_early_kill is 0. What such a touch gets on
// device-dax is noted, not judged.)
//
// Poisoned memory must never reach a later instance: the body re-makes its
// namespace at the end (disable and enable through the fixture's teardown
// handle, which tells the runner, and for fsdax remounts; the page's struct
// page is built anew, the pmem under it was never bad). Not in the default
// set: it poisons on purpose.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "core/workload_table.h"
#include "fixtures/namespace_teardown.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/pattern_file.h"

namespace dt::workloads {
namespace {

enum class Fault { poison_elsewhere };
const NameTable<Fault> kFaults("a hwpoison injection",
                               {{Fault::poison_elsewhere, "poison_elsewhere"}});

struct PoisonRow {
  const char* name;
  NamespaceMode mode;
};
const std::vector<PoisonRow>& table() {
  static const std::vector<PoisonRow> rows = {{"hwpoison_devdax", NamespaceMode::devdax},
                                              {"hwpoison_fsdax", NamespaceMode::fsdax}};
  return rows;
}

constexpr uint64_t kLength = 4 * kPmdSize;
constexpr uint64_t kTarget = kPmdSize + 5 * kPageSize;  // inside the second huge page
constexpr uint64_t kSeed = 0x4E;

// What a SIGBUS told a process, written to a pipe by its handler.
struct BusReport {
  int code = 0;
  uintptr_t address = 0;
  int lsb = 0;
};
int report_fd = -1;

void on_sigbus(int, siginfo_t* info, void*) {
  BusReport report{info->si_code, reinterpret_cast<uintptr_t>(info->si_addr), info->si_addr_lsb};
  ssize_t ignored = write(report_fd, &report, sizeof report);
  (void)ignored;
  _exit(0);
}

void catch_sigbus(int fd) {
  report_fd = fd;
  struct sigaction action{};
  action.sa_sigaction = on_sigbus;
  action.sa_flags = SA_SIGINFO;
  sigaction(SIGBUS, &action, nullptr);
}

std::string code_name(int code) {
  return code == BUS_MCEERR_AR ? "BUS_MCEERR_AR" : code == BUS_MCEERR_AO ? "BUS_MCEERR_AO"
                                                                         : "si_code " + std::to_string(code);
}

// Reads a child's report (or nothing, when it ended without a SIGBUS)
// and reaps it.
std::optional<BusReport> collect(int fd, pid_t child) {
  BusReport report;
  ssize_t got = read(fd, &report, sizeof report);
  close(fd);
  int status = 0;
  waitpid(child, &status, 0);
  if (got != static_cast<ssize_t>(sizeof report)) return std::nullopt;
  return report;
}

void scenario(Context& ctx, const PoisonRow& row) {
  const bool devdax = row.mode == NamespaceMode::devdax;
  int fd = devdax ? DT_SYS(open(ctx.env().dax_device.c_str(), O_RDWR | O_CLOEXEC))
                  : create_pattern_file(ctx.path("poisoned"), kLength, kSeed);
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, kLength, kPmdSize, PROT_READ | PROT_WRITE, MAP_SHARED));
  TouchResult written = touch_pages(map, kLength, true, kSeed);
  DT_ASSERT(written.signal == 0) << "writing the devdax mapping took " << sigabbrev_np(written.signal);

  // The bystander maps the target page, asks to be told of a failure in it
  // at once, and waits (up to 10 s) for the signal.
  int bystander_pipe[2], poisoner_pipe[2], ready[2];
  DT_SYS(pipe(bystander_pipe));
  DT_SYS(pipe(poisoner_pipe));
  DT_SYS(pipe(ready));
  pid_t bystander = DT_SYS(fork());
  if (bystander == 0) {
    catch_sigbus(bystander_pipe[1]);
    if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0) != 0) _exit(2);
    volatile uint8_t sink = map[kTarget];
    (void)sink;
    ssize_t ignored = write(ready[1], "r", 1);
    (void)ignored;
    for (int i = 0; i < 100; ++i) usleep(100000);
    _exit(1);
  }
  char byte;
  DT_SYS(read(ready[0], &byte, 1));
  close(bystander_pipe[1]);

  // The poisoner touches the page and injects the failure into it.
  uint64_t poisoned = kTarget;
  if (ctx.injected(kFaults, Fault::poison_elsewhere)) poisoned = 3 * kPmdSize;
  pid_t poisoner = DT_SYS(fork());
  if (poisoner == 0) {
    catch_sigbus(poisoner_pipe[1]);
    volatile uint8_t sink = map[poisoned];
    (void)sink;
    int rc = madvise(map + poisoned, kPageSize, MADV_HWPOISON);
    BusReport none{rc == 0 ? -1 : -errno, 0, 0};  // no SIGBUS came
    ssize_t ignored = write(poisoner_pipe[1], &none, sizeof none);
    (void)ignored;
    _exit(0);
  }
  close(poisoner_pipe[1]);
  auto poisoner_saw = collect(poisoner_pipe[0], poisoner);
  auto bystander_saw = collect(bystander_pipe[0], bystander);

  const auto target = reinterpret_cast<uintptr_t>(map + poisoned);
  DT_ASSERT(poisoner_saw && poisoner_saw->code > 0)
      << "MADV_HWPOISON of a " << ctx.fs() << " DAX page "
      << (poisoner_saw && poisoner_saw->code < 0 ? "failed with " + errno_name(-poisoner_saw->code)
                                                  : std::string("returned without a SIGBUS"))
      << ": the process that touched the page was not told";
  ctx.note("the poisoner got SIGBUS " + code_name(poisoner_saw->code) + " at lsb " +
           std::to_string(poisoner_saw->lsb));
  DT_EXPECT(poisoner_saw->code == BUS_MCEERR_AR)
      << "the process that touched and poisoned the page got SIGBUS with "
      << code_name(poisoner_saw->code) << ", expected BUS_MCEERR_AR";
  const uintptr_t span = uintptr_t{1} << poisoner_saw->lsb;
  DT_EXPECT(poisoner_saw->address <= target && target < poisoner_saw->address + span)
      << "the SIGBUS names address " << poisoner_saw->address << " (lsb " << poisoner_saw->lsb
      << "), not the poisoned page at " << target;
  DT_EXPECT(bystander_saw.has_value())
      << "the other process mapping the poisoned page (PR_MCE_KILL_EARLY) got no SIGBUS within 10 s";
  if (bystander_saw) {
    ctx.note("the bystander got SIGBUS " + code_name(bystander_saw->code));
    DT_EXPECT(bystander_saw->code == BUS_MCEERR_AO)
        << "the other process mapping the poisoned page got SIGBUS with "
        << code_name(bystander_saw->code) << ", expected BUS_MCEERR_AO";
  }

  // A late touch of the poisoned page, by a process with the default
  // policy: noted.
  int late_pipe[2];
  DT_SYS(pipe(late_pipe));
  pid_t late = DT_SYS(fork());
  if (late == 0) {
    catch_sigbus(late_pipe[1]);
    volatile uint8_t sink = map[poisoned];
    (void)sink;
    _exit(0);
  }
  close(late_pipe[1]);
  auto late_saw = collect(late_pipe[0], late);
  ctx.note("a later touch of the poisoned page by another process: " +
           (late_saw ? "SIGBUS " + code_name(late_saw->code) : std::string("read without a signal")));

  // Re-make the namespace so that no later instance gets the poisoned
  // page: every mapping goes first.
  DT_SYS(munmap(map, kLength));
  close(fd);
  fixtures::TeardownTarget target_ns(ctx);
  ctx.note("re-making " + target_ns.describe() + " after the poison");
  // fsdax: the filesystem goes first, so that disabling the namespace
  // pulls no disk from under a mount (restore() mounts it again).
  if (!devdax && target_ns.apply(fixtures::TeardownOp::umount) != 0)
    throw SetupError("unmounting the poisoned filesystem: " + errno_name(errno));
  if (target_ns.apply(fixtures::TeardownOp::ns_disable) != 0)
    throw SetupError("disabling the poisoned namespace: " + errno_name(errno));
  target_ns.restore(fixtures::TeardownOp::ns_disable);
}

WorkloadSpec spec_of(const PoisonRow& row) {
  WorkloadSpec spec = {
      .name = row.name,
      .group = "memory_failure",
      .summary = std::string("MADV_HWPOISON of a ") +
                 (row.mode == NamespaceMode::devdax ? "devdax" : "fsdax file") +
                 " page: SIGBUS BUS_MCEERR_AR to the toucher, BUS_MCEERR_AO to an early-kill "
                 "mapper; the namespace is re-made after",
      .needs = {.mode = row.mode,
                .min_namespace_bytes = 128ull << 20,
                .devdax_align = kPmdSize,
                .kconfig = {"CONFIG_MEMORY_FAILURE"}},
      .timeout = std::chrono::seconds(60),
      .in_default_set = false,
      // poison_elsewhere: the poison goes to a page the bystander does
      //   not map, as a kernel that signalled no other mapper would look:
      //   the bystander check fails.
      .injections = kFaults,
  };
  // xfs-rmap: xfs answers the failure itself (xfs_dax_notify_failure walks
  // its reverse map to the file and mf_dax_kill_procs signals the mappers);
  // plain xfs and ext4 have no reverse map and leave it to the generic handler.
  spec.needs.filesystems = row.mode == NamespaceMode::devdax
                               ? std::vector<std::string>{}
                               : std::vector<std::string>{"xfs", "xfs-rmap", "ext4"};
  return spec;
}

DT_WORKLOAD_FAMILY(table(), spec_of, scenario);

}  // namespace
}  // namespace dt::workloads
