// The mm ledger: its probe lines parsed as tracefs prints them, an mm freed
// late placed with the instance that tore it down, and the kernel's
// rss-counter line moved off an instance it does not belong to.
#include <gtest/gtest.h>

#include "runners/run/mm_ledger.h"

namespace dt {
namespace {

TEST(MmLedger, ParsesItsProbeLines) {
  MmEvent e;
  ASSERT_TRUE(parse_mm_event("      daxtorture-131     [001] d..2.    41.871306: torn_down: (exit_mmap+0x0/0x3c0) mm=0xffff888005a1c000", e));
  EXPECT_EQ(e.kind, MmEvent::torn_down);
  EXPECT_EQ(e.pid, 131);
  EXPECT_EQ(e.cpu, 1);
  EXPECT_EQ(e.mm, 0xffff888005a1c000ull);
  ASSERT_TRUE(parse_mm_event("          <idle>-0       [000] d.s3.    42.010001: free_begins: (__mmdrop+0x0/0x1b0) mm=0xffff888005a1c000", e));
  EXPECT_EQ(e.kind, MmEvent::free_begins);
  EXPECT_EQ(e.pid, 0);
  EXPECT_EQ(e.comm, "<idle>");
  ASSERT_TRUE(parse_mm_event(" kworker/1:2-my-wq-77  [001] ...1.    42.5: free_ends: (mmdrop_async_fn+0x20/0x30 <- __mmdrop)", e));
  EXPECT_EQ(e.kind, MmEvent::free_ends);
  EXPECT_EQ(e.pid, 77);
  EXPECT_EQ(e.comm, "kworker/1:2-my-wq");
  EXPECT_FALSE(parse_mm_event("# tracer: nop", e));
  EXPECT_FALSE(parse_mm_event("  bash-12 [000] ..... 1.0: sched_switch: prev_comm=bash", e));
}

TEST(MmLedger, FindsTheAddressInTheKernelsLine) {
  EXPECT_EQ(freed_mm_address("BUG: Bad rss-counter state mm:ffff888005a1c000 type:MM_FILEPAGES val:262144 Comm:daxtorture Pid:122"),
            0xffff888005a1c000ull);
  EXPECT_EQ(freed_mm_address("WARNING: CPU: 0 PID: 1 at mm/memory.c:1 foo"), 0u);
}

TEST(MmLedger, AnMmFreedLateIsItsOwnersAndNotTheRunningInstances) {
  MmLedger ledger(MmLedger::Probes::none);   // apply() keeps the books without probes
  ledger.begin("a");
  ledger.apply({MmEvent::torn_down, 0xa000, 10, 1});
  ledger.settle(std::chrono::milliseconds(0));
  ledger.begin("b");
  // a's mm is freed by an idle CPU while b runs.
  ledger.apply({MmEvent::free_begins, 0xa000, 0, 1});
  ledger.apply({MmEvent::free_ends, 0, 0, 1});
  EXPECT_EQ(ledger.owner_of(0xa000), "a");

  InstanceResult b;
  b.name = "b";
  b.kernel_findings = {{"BUG", "BUG: Bad rss-counter state mm:000000000000a000 type:MM_FILEPAGES val:1 Comm:x Pid:3"},
                       {"WARNING", "WARNING: CPU: 1 PID: 5 at fs/dax.c:1 dax_foo"}};
  place_freed_mm_lines(b, &ledger, "");
  ASSERT_EQ(b.kernel_findings.size(), 1u);
  EXPECT_EQ(b.kernel_findings[0].kind, "WARNING");
  ASSERT_EQ(b.unplaced_kernel_lines.size(), 1u);
  EXPECT_NE(b.unplaced_kernel_lines[0].why.find("was a's"), std::string::npos) << b.unplaced_kernel_lines[0].why;

  InstanceResult a;
  a.name = "a";
  a.kernel_findings = {{"BUG", "BUG: Bad rss-counter state mm:a000 type:MM_FILEPAGES val:1 Comm:x Pid:3"}};
  place_freed_mm_lines(a, &ledger, "");
  EXPECT_EQ(a.kernel_findings.size(), 1u);
  EXPECT_TRUE(a.unplaced_kernel_lines.empty());
}

TEST(MmLedger, WithoutALedgerSuchALineCannotBePlaced) {
  InstanceResult r;
  r.name = "x";
  r.kernel_findings = {{"BUG", "BUG: Bad rss-counter state mm:00000000269bcedc type:MM_FILEPAGES val:1"}};
  place_freed_mm_lines(r, nullptr, "not in the tool's own VM");
  EXPECT_TRUE(r.kernel_findings.empty());
  ASSERT_EQ(r.unplaced_kernel_lines.size(), 1u);
  EXPECT_NE(r.unplaced_kernel_lines[0].why.find("not in the tool's own VM"), std::string::npos);
}

}  // namespace
}  // namespace dt
