// Example lines follow the format strings of linux 6.1 and 6.12 (the source
// of each is named in core/kernel_log.cc), with values as a DAX workload run
// would print them.
#include "core/kernel_log.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace dt {
namespace {

// --- /dev/kmsg records -----------------------------------------------------

TEST(ParseKmsgRecord, ReadsHeaderAndText) {
  auto record = parse_kmsg_record(
      "4,1834,129473512,-;XFS (pmem0): Mounting V5 Filesystem "
      "8e2f2c1a-5d0e-4b8a-9c7e-1f2a3b4c5d6e\n");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->level, 4);
  EXPECT_EQ(record->facility, 0);
  EXPECT_EQ(record->seq, 1834u);
  EXPECT_EQ(record->usec, 129473512u);
  EXPECT_EQ(record->text,
            "XFS (pmem0): Mounting V5 Filesystem "
            "8e2f2c1a-5d0e-4b8a-9c7e-1f2a3b4c5d6e");
}

TEST(ParseKmsgRecord, SplitsPriorityIntoFacilityAndLevel) {
  // "<5>" written from userspace is stored with facility LOG_USER (1).
  auto record = parse_kmsg_record("13,1900,130000000,-;daxtorture: begin x\n");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->facility, 1);
  EXPECT_EQ(record->level, 5);
}

TEST(ParseKmsgRecord, DecodesHexEscapes) {
  auto record =
      parse_kmsg_record("6,7,8,-;a\\x5cb\\x09c\\x0ad \\xe2\\x82\\xac\n");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->text, "a\\b\tc\nd \xe2\x82\xac");
}

TEST(ParseKmsgRecord, KeepsIncompleteEscapesLiterally) {
  auto record = parse_kmsg_record("6,7,8,-;tail \\x4 and \\q and \\xZZ\\");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->text, "tail \\x4 and \\q and \\xZZ\\");
}

TEST(ParseKmsgRecord, SkipsContinuationLines) {
  auto record = parse_kmsg_record(
      "7,160,424069,-;pci_root PNP0A03:00: host bridge window [io  "
      "0x0000-0x0cf7] (ignored)\n SUBSYSTEM=acpi\n DEVICE=+acpi:PNP0A03:00\n");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->seq, 160u);
  EXPECT_EQ(record->text,
            "pci_root PNP0A03:00: host bridge window [io  0x0000-0x0cf7] "
            "(ignored)");
}

TEST(ParseKmsgRecord, IgnoresExtraHeaderFields) {
  // CONFIG_PRINTK_CALLER adds the caller after the flags.
  auto record = parse_kmsg_record("4,55,66,c,caller=T1234;fragment\n");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->seq, 55u);
  EXPECT_EQ(record->text, "fragment");
}

TEST(ParseKmsgRecord, TextMayContainSemicolonsAndCommas) {
  auto record =
      parse_kmsg_record("4,1,2,-;refcount_t: underflow; use-after-free.\n");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->text, "refcount_t: underflow; use-after-free.");
}

TEST(ParseKmsgRecord, RejectsMalformedRecordsWithoutThrowing) {
  const char* bad[] = {
      "",
      "no header at all",
      ";text",
      "4,1,2;missing flags",
      "4,x,2,-;bad sequence",
      "4,1,2.5,-;bad timestamp",
      "-1,1,2,-;negative priority",
      "99999,1,2,-;priority too large",
      "4,18446744073709551616,2,-;sequence overflows 64 bits",
      "4,1,2,;empty flags",
  };
  for (const char* raw : bad) {
    EXPECT_NO_THROW({
      EXPECT_FALSE(parse_kmsg_record(raw)) << raw;
    });
  }
}

// --- dmesg text -------------------------------------------------------------

TEST(ParseDmesgLine, ReadsTimestampAndText) {
  auto record = parse_dmesg_line("[   12.345678] nd_pmem namespace0.0: unable "
                                 "to guarantee persistence of writes");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->usec, 12345678u);
  EXPECT_EQ(record->level, -1);
  EXPECT_EQ(record->facility, -1);
  EXPECT_EQ(record->text,
            "nd_pmem namespace0.0: unable to guarantee persistence of writes");
}

TEST(ParseDmesgLine, ReadsRawPrefixAndCallerColumn) {
  auto record = parse_dmesg_line(
      "<4>[ 1234.5][  T2345] WARNING: CPU: 1 PID: 2345 at fs/dax.c:398 "
      "dax_disassociate_entry.constprop.0+0x9c/0xb0");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->level, 4);
  EXPECT_EQ(record->facility, 0);
  EXPECT_EQ(record->usec, 1234500000u);
  EXPECT_EQ(record->text.rfind("WARNING: CPU: 1 PID: 2345 at fs/dax.c:398", 0),
            0u);
}

TEST(ParseDmesgLine, KeepsLeadingBlankOfStackLines) {
  auto record = parse_dmesg_line("[   99.000001]  dax_iomap_rw+0x5c/0x90");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->text, " dax_iomap_rw+0x5c/0x90");
}

TEST(ParseDmesgLine, RejectsLinesWithoutTimestamp) {
  EXPECT_FALSE(parse_dmesg_line("plain text"));
  EXPECT_FALSE(parse_dmesg_line("[not a time] x"));
  EXPECT_FALSE(parse_dmesg_line("[   12] no fraction"));
  EXPECT_FALSE(parse_dmesg_line("<4 unterminated"));
  EXPECT_FALSE(parse_dmesg_line(""));
}

TEST(ParseKernelLog, ReadsKmsgDumpWithContinuationLines) {
  auto records = parse_kernel_log(
      "6,100,1000,-;nd_pmem namespace0.0: unable to guarantee persistence of "
      "writes\n"
      " SUBSYSTEM=nd\n"
      " DEVICE=+nd:namespace0.0\n"
      "4,101,2000,-;BUG: Bad page state in process t_truncate  pfn:240000\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].seq, 100u);
  EXPECT_EQ(records[1].seq, 101u);
  EXPECT_EQ(records[1].text,
            "BUG: Bad page state in process t_truncate  pfn:240000");
}

TEST(ParseKernelLog, KeepsConsoleLinesWithoutTimestamp) {
  auto records = parse_kernel_log(
      "[    1.000000] Linux version 6.12.38+deb12-amd64\r\n"
      "\n"
      "Kernel panic - not syncing: Fatal exception\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].usec, 1000000u);
  EXPECT_EQ(records[1].level, -1);
  EXPECT_EQ(records[1].text, "Kernel panic - not syncing: Fatal exception");
}

// --- classification ---------------------------------------------------------

struct Example {
  const char* kind;
  const char* line;
};

class ClassifyFinding : public testing::TestWithParam<Example> {};

TEST_P(ClassifyFinding, NamesTheKind) {
  auto finding = classify(GetParam().line);
  ASSERT_TRUE(finding) << GetParam().line;
  EXPECT_EQ(finding->kind, GetParam().kind) << GetParam().line;
  EXPECT_EQ(finding->line, GetParam().line);
}

INSTANTIATE_TEST_SUITE_P(
    RealLines, ClassifyFinding,
    testing::Values(
        Example{"WARNING",
                "WARNING: CPU: 1 PID: 2345 at fs/dax.c:398 "
                "dax_disassociate_entry.constprop.0+0x9c/0xb0"},
        Example{"WARNING",
                "WARNING: CPU: 0 PID: 211 at lib/refcount.c:28 "
                "refcount_warn_saturate+0xba/0x110"},
        Example{"WARNING",  // 7.x's __warn, as 7.3.4 printed it in reflink_unshare_dax/cow_write
                "WARNING: fs/dax.c:452 at dax_disassociate_entry.isra.0+0x9c/0xc0, CPU#1: "
                "daxtorture/166"},
        Example{"WARNING",  // 7.x's __warn without a file
                "WARNING: at dax_folio_put+0x12/0x40, CPU#0: kworker/0:1/23"},
        Example{"WARNING",  // as decode_stacktrace.sh rewrites it
                "WARNING: CPU: 3 PID: 5246 at fs/dax.c:372 dax_insert_entry "
                "(fs/dax.c:372)"},
        Example{"BUG",
                "BUG: sleeping function called from invalid context at "
                "mm/memory.c:5870"},
        Example{"BUG",
                "BUG: scheduling while atomic: t_busy_page/2345/0x00000002"},
        Example{"BUG", "kernel BUG at mm/truncate.c:667!"},
        Example{"BUG", "BUG: workqueue lockup - pool cpus=1 node=0 flags=0x0 "
                       "nice=0 stuck for 33s!"},
        Example{"BUG",
                "BUG kmalloc-64 (Tainted: G    B             ): Poison "
                "overwritten"},
        Example{"Oops", "BUG: kernel NULL pointer dereference, address: "
                        "0000000000000008"},
        Example{"Oops", "BUG: unable to handle page fault for address: "
                        "ffffea0009000008"},
        Example{"Oops", "Oops: 0002 [#1] PREEMPT SMP NOPTI"},        // 6.1
        Example{"Oops", "Oops: Oops: 0002 [#1] PREEMPT SMP NOPTI"},  // 6.12
        Example{"Oops",
                "general protection fault, probably for non-canonical "
                "address 0xdead000000000122: 0000 [#1] PREEMPT SMP NOPTI"},
        Example{"Oops", "Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI"},
        Example{"Bad page state",
                "BUG: Bad page state in process t_truncate  pfn:240000"},
        Example{"Bad page state",
                "BUG: Bad page state: 23 messages suppressed"},
        Example{"Bad page map",
                "BUG: Bad page map in process t_mmap  pte:8000000240000225 "
                "pmd:10a2c067"},
        Example{"Bad page cache",
                "BUG: Bad page cache in process umount  pfn:1a2b3c"},
        Example{"Bad rss-counter state",
                "BUG: Bad rss-counter state mm:00000000c4e4b1a7 "
                "type:MM_FILEPAGES val:-512"},
        Example{"hung task",
                "INFO: task umount:2345 blocked for more than 120 seconds."},
        Example{"hung task", "INFO: task kworker/u4:2:77 blocked for more "
                             "than 241 seconds."},
        Example{"RCU stall",
                "rcu: INFO: rcu_preempt self-detected stall on CPU"},
        Example{"RCU stall",
                "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:"},
        Example{"RCU stall", "rcu: INFO: rcu_preempt detected expedited "
                             "stalls on CPUs/tasks: {"},
        Example{"RCU stall", "INFO: rcu_tasks detected stalls on tasks:"},
        Example{"bad page table",
                "mm/pgtable-generic.c:39: bad pmd ffff8808daa49b88(84000001006000a5)"},
        Example{"bad page table",
                "./arch/x86/include/asm/pgtable.h:1066: bad pud 00000000a1b2c3d4(0000000102a00067)"},
        Example{"OOM kill",
                "Out of memory: Killed process 812 (daxtorture) total-vm:2103412kB, "
                "anon-rss:1893120kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:3728kB "
                "oom_score_adj:0"},
        Example{"OOM kill", "Memory cgroup out of memory: Killed process 77 (stress) "
                            "total-vm:1000kB"},
        Example{"refcount", "refcount_t: underflow; use-after-free."},
        Example{"refcount", "refcount_t: saturated; leaking memory."},
        Example{"refcount", "refcount_t: addition on 0; use-after-free."},
        Example{"soft lockup",
                "watchdog: BUG: soft lockup - CPU#1 stuck for 26s! "
                "[t_busy_page:2345]"},
        Example{"hard lockup",
                "watchdog: Watchdog detected hard LOCKUP on cpu 1"},
        Example{"hard lockup",
                "NMI watchdog: Watchdog detected hard LOCKUP on cpu 0"},
        Example{"panic", "Kernel panic - not syncing: Fatal exception"},
        Example{"panic", "traps: PANIC: double fault, error_code: 0x0"},
        Example{"KASAN", "BUG: KASAN: slab-use-after-free in "
                         "dax_iomap_rw+0x5c/0x90"},
        Example{"KASAN", "KASAN: null-ptr-deref in range "
                         "[0x0000000000000008-0x000000000000000f]"},
        Example{"UBSAN", "UBSAN: array-index-out-of-bounds in "
                         "fs/xfs/libxfs/xfs_bmap.c:1234:15"},
        Example{"KFENCE", "BUG: KFENCE: use-after-free read in "
                          "xfs_iext_lookup_extent+0x1c/0x90"},
        Example{"KMSAN", "BUG: KMSAN: uninit-value in dax_iomap_pte_fault"},
        Example{"KCSAN", "BUG: KCSAN: data-race in dax_insert_entry / "
                         "dax_lock_page"},
        Example{"list corruption",
                "list_del corruption, ffff888101a2b3c0->next is LIST_POISON1 "
                "(dead000000000100)"},
        Example{"list corruption",
                "list_add corruption. next->prev should be prev "
                "(ffff888101a2b3c0), but was 0000000000000000. "
                "(next=ffff888101a2b3d0)."},
        Example{"list corruption",
                "list_add double add: new=ffff888101a2b3c0, "
                "prev=ffff888101a2b3c0, next=ffff888101a2b3d0."},
        Example{"lockdep",
                "WARNING: possible circular locking dependency detected"},
        Example{"lockdep", "WARNING: possible recursive locking detected"},
        Example{"lockdep", "WARNING: inconsistent lock state"},
        Example{"lockdep",
                "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected"},
        Example{"lockdep", "WARNING: suspicious RCU usage"},
        Example{"lockdep", "WARNING: t_busy_page/2345 still has locks held!"},
        Example{"lockdep", "INFO: trying to register non-static key."},
        Example{"page dump", "page dumped because: nonzero _refcount"},
        Example{"page dump", "page dumped because: "
                             "VM_BUG_ON_PAGE(page_ref_count(page) == 0)"}));

TEST(Classify, NotFindings) {
  const char* harmless[] = {
      "Call Trace:",
      " <TASK>",
      " dax_iomap_rw+0x5c/0x90",
      "------------[ cut here ]------------",
      "---[ end trace 0000000000000000 ]---",
      "CPU: 1 PID: 2345 Comm: t_truncate Tainted: G        W          "
      "6.1.0-37-amd64 #1  Debian 6.1.140-1",
      "#PF: supervisor read access in kernel mode",
      "XFS (pmem0): Mounting V5 Filesystem 8e2f2c1a-5d0e-4b8a-9c7e-1f2a3b4c5d6e",
      "XFS (pmem0): Ending clean mount",
      // xfs_setup_dax_always in 6.1; 6.12 no longer prints it, and ext4
      // printed the same words before 5.x.
      "XFS (pmem0): DAX enabled. Warning: EXPERIMENTAL, use at your own risk",
      "EXT4-fs (pmem0): DAX enabled. Warning: EXPERIMENTAL, use at your own "
      "risk",
      "EXT4-fs (pmem0): mounted filesystem with ordered data mode. Quota "
      "mode: none.",
      "EXT4-fs (pmem0): mounted filesystem "
      "0b1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b r/w with ordered data mode. "
      "Quota mode: none.",
      "EXT4-fs: Warning: mounting with data=journal disables delayed "
      "allocation, dioread_nolock, O_DIRECT and fast_commit support!",
      "nd_pmem namespace0.0: unable to guarantee persistence of writes",
      "RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable to "
      "RETBleed attacks, data leaks possible!",
      "WARNING: kernel not compiled with MITIGATION_SRSO.",
      // A user process faulting is what a SIGBUS/SIGSEGV workload expects.
      "t_sigbus[2345]: segfault at 7f3a1c000000 ip 000055d5c0a1b2c3 sp "
      "00007ffd4a3b2c10 error 6 in t_sigbus[55d5c0a1a000+2000]",
      "traps: t_gp[2345] general protection fault ip:401136 "
      "sp:7ffc1b2c3d40 error:0 in t_gp[401000+1000]",
      "rcu: INFO: Stall ended before state dump start",
      "daxtorture: begin truncate_pin/xfs/pmd",
      "",
  };
  for (const char* line : harmless)
    EXPECT_FALSE(classify(line)) << line << " -> " << classify(line)->kind;
}

TEST(Classify, MostSpecificKindWins) {
  EXPECT_EQ(classify("watchdog: BUG: soft lockup - CPU#0 stuck for 22s! "
                     "[fsx:99]")->kind,
            "soft lockup");
  EXPECT_EQ(classify("BUG: KASAN: use-after-free in dax_lock_page+0x1/0x2")
                ->kind,
            "KASAN");
  EXPECT_EQ(classify("BUG: Bad page state in process x  pfn:1")->kind,
            "Bad page state");
  EXPECT_EQ(classify("BUG: unable to handle page fault for address: 0")->kind,
            "Oops");
}

TEST(Classify, ChecksEachLineOfMultiLineText) {
  auto finding = classify("first line\nrefcount_t: underflow; use-after-free.\n");
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->kind, "refcount");
  EXPECT_EQ(finding->line, "refcount_t: underflow; use-after-free.");
}

// --- allow-list -------------------------------------------------------------

TEST(AllowList, EmptyAllowsNothing) {
  AllowList allow;
  EXPECT_EQ(allow.size(), 0u);
  EXPECT_FALSE(allow.allows({"WARNING", "WARNING: CPU: 0 PID: 1 at a.c:1 f"}));
}

TEST(AllowList, SkipsCommentsAndBlankLines) {
  auto allow = AllowList::parse(
      "# comment\n"
      "\n"
      "   \t\n"
      "   # indented comment\n"
      "  at fs/dax\\.c:398 dax_disassociate_entry  \r\n",
      "allow.txt");
  EXPECT_EQ(allow.size(), 1u);
  EXPECT_TRUE(allow.allows({"WARNING",
                            "WARNING: CPU: 1 PID: 2345 at fs/dax.c:398 "
                            "dax_disassociate_entry+0x9c/0xb0"}));
  EXPECT_FALSE(allow.allows({"WARNING",
                             "WARNING: CPU: 1 PID: 2345 at fs/dax.c:404 "
                             "dax_disassociate_entry+0x9c/0xb0"}));
}

TEST(AllowList, AnchorsAreHonoured) {
  auto allow = AllowList::parse("^refcount_t: saturated", "allow.txt");
  EXPECT_TRUE(allow.allows({"refcount", "refcount_t: saturated; leaking memory."}));
  EXPECT_FALSE(allow.allows({"x", "note: refcount_t: saturated"}));
}

struct BadRegex {
  const char* file_line;
  const char* where;    // expected "FILE:LINE:COLUMN"
  const char* problem;  // expected part of the message
};

class AllowListError : public testing::TestWithParam<BadRegex> {};

TEST_P(AllowListError, NamesLineColumnAndFix) {
  std::string text = std::string("# header\n\n") + GetParam().file_line + "\n";
  try {
    AllowList::parse(text, "dmesg-allow.txt");
    FAIL() << "no error for " << GetParam().file_line;
  } catch (const std::runtime_error& error) {
    std::string message = error.what();
    EXPECT_EQ(message.rfind(std::string(GetParam().where) + ": ", 0), 0u)
        << message;
    EXPECT_NE(message.find(GetParam().problem), std::string::npos) << message;
    EXPECT_NE(message.find("; fix: "), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, AllowListError,
    testing::Values(
        // PCRE2's own messages; the column is where it found the problem.
        BadRegex{"^WARNING: at (fs/dax.c", "dmesg-allow.txt:3:23",
                 "missing closing parenthesis"},
        BadRegex{"  foo) bar", "dmesg-allow.txt:3:6", "unmatched closing parenthesis"},
        BadRegex{"pfn:[0-9", "dmesg-allow.txt:3:9", "missing terminating ] for character class"},
        BadRegex{"*refcount", "dmesg-allow.txt:3:1",
                 "quantifier does not follow a repeatable item"},
        BadRegex{"a|+b", "dmesg-allow.txt:3:3", "quantifier does not follow a repeatable item"},
        BadRegex{"lock\\", "dmesg-allow.txt:3:6", "\\ at end of pattern"},
        BadRegex{"x{3,2}", "dmesg-allow.txt:3:6", "numbers out of order in {} quantifier"},
        BadRegex{"x{99999999999}", "dmesg-allow.txt:3:8", "number too big in {} quantifier"},
        BadRegex{"[z-a]", "dmesg-allow.txt:3:4", "range out of order in character class"}));

TEST(AllowList, ValidRegexesWithTrickyCharactersLoad) {
  EXPECT_NO_THROW(AllowList::parse(
      "a*?b\n(?:x|y)+\n\\(literal\\)\n[(]\nx{2,5}\n[^)]+\n", "f"));
}

TEST(AllowList, LoadReportsMissingFile) {
  try {
    AllowList::load("/nonexistent/dmesg-allow.txt");
    FAIL() << "no error";
  } catch (const std::runtime_error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("/nonexistent/dmesg-allow.txt"), std::string::npos);
    EXPECT_NE(message.find("; fix: "), std::string::npos);
  }
}

TEST(AllowList, ShippedFileLoads) {
  auto allow = AllowList::load(DAXTORTURE_SOURCE_DIR "/vm-configs/dmesg-allow.txt");
  // Anything added there must be narrow: a plain DAX warning stays a finding.
  EXPECT_FALSE(allow.allows({"WARNING",
                             "WARNING: CPU: 1 PID: 2345 at fs/dax.c:398 "
                             "dax_disassociate_entry+0x9c/0xb0"}));
}

TEST(AllowList, LoadReadsFileAndNamesItInErrors) {
  char path[] = "/tmp/dt-allow-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "# known\nat fs/dax\\.c:398 \n\nbroken(\n";
  }
  try {
    AllowList::load(path);
    FAIL() << "no error";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()).rfind(std::string(path) + ":4:8: ", 0), 0u)
        << error.what();
  }
  std::remove(path);
}

// --- findings ---------------------------------------------------------------

TEST(Findings, OnePerFlaggedRecordInOrder) {
  auto records = parse_kernel_log(
      "13,500,1000,-;daxtorture: begin truncate_pin/xfs/pmd\n"
      "4,501,1001,-;------------[ cut here ]------------\n"
      "4,502,1002,-;refcount_t: underflow; use-after-free.\n"
      "4,503,1003,-;WARNING: CPU: 0 PID: 211 at lib/refcount.c:28 "
      "refcount_warn_saturate+0xba/0x110\n"
      "4,504,1004,-;Call Trace:\n"
      "4,505,1005,-;---[ end trace 0000000000000000 ]---\n"
      "6,506,1006,-;XFS (pmem0): Unmounting Filesystem\n");
  auto found = findings(records, AllowList());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].kind, "refcount");
  EXPECT_EQ(found[1].kind, "WARNING");
  EXPECT_EQ(found[1].line,
            "WARNING: CPU: 0 PID: 211 at lib/refcount.c:28 "
            "refcount_warn_saturate+0xba/0x110");
}

TEST(Findings, WholeWarningReportInAConsoleLogIsOneFinding) {
  auto records = parse_kernel_log(
      "[  812.104233] ------------[ cut here ]------------\n"
      "[  812.104240] WARNING: CPU: 1 PID: 2345 at fs/dax.c:398 "
      "dax_disassociate_entry.constprop.0+0x9c/0xb0\n"
      "[  812.104263] Modules linked in: xfs nd_pmem dax_pmem nd_btt libnvdimm\n"
      "[  812.104301] CPU: 1 PID: 2345 Comm: t_truncate Not tainted "
      "6.1.0-37-amd64 #1  Debian 6.1.140-1\n"
      "[  812.104306] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)\n"
      "[  812.104309] RIP: 0010:dax_disassociate_entry.constprop.0+0x9c/0xb0\n"
      "[  812.104350] Call Trace:\n"
      "[  812.104352]  <TASK>\n"
      "[  812.104355]  __dax_invalidate_entry+0x8e/0x130\n"
      "[  812.104359]  dax_delete_mapping_entry+0x12/0x30\n"
      "[  812.104362]  truncate_inode_pages_range+0x1b9/0x450\n"
      "[  812.104371]  </TASK>\n"
      "[  812.104373] ---[ end trace 0000000000000000 ]---\n");
  ASSERT_EQ(records.size(), 13u);
  auto found = findings(records, AllowList());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "WARNING");
}

TEST(Findings, AllowedFindingsAreDropped) {
  auto records = parse_kernel_log(
      "4,1,1,-;WARNING: CPU: 0 PID: 1 at fs/dax.c:398 f+0x1/0x2\n"
      "4,2,2,-;WARNING: CPU: 0 PID: 1 at fs/dax.c:404 f+0x1/0x2\n");
  auto allow = AllowList::parse("at fs/dax\\.c:398 ", "allow.txt");
  auto found = findings(records, allow);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].line.find("fs/dax.c:404"), std::string::npos);
}

TEST(Findings, UserspaceRecordsNeverCount) {
  // Facility 1: written to /dev/kmsg by a process, e.g. a workload's log.
  auto records = parse_kernel_log(
      "12,1,1,-;BUG: this was written by a test program\n"
      "[   5.000000] BUG: scheduling while atomic: x/1/0x00000002\n");
  auto found = findings(records, AllowList());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "BUG");
  EXPECT_EQ(found[0].line, "BUG: scheduling while atomic: x/1/0x00000002");
}

}  // namespace
}  // namespace dt

namespace dt {
namespace {

// --- long lines ---------------------------------------------------------------

// std::regex's executor recursed per character and overflowed the stack on
// a 200 KB line; PCRE2 reads a line of any length, and still finds what is
// at its start.
TEST(Classify, LinesOfManyMegabytesAreReadWithoutCrashing) {
  const std::string filler(16u << 20, 'a');
  EXPECT_FALSE(classify(filler));
  auto found = classify("BUG: " + filler);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->kind, "BUG");
  EXPECT_EQ(found->line.size(), filler.size() + 5);
  auto records = parse_kernel_log("[   12.345678] WARNING: CPU: 0 PID: 1 at " + filler + "\n");
  auto warnings = findings(records, AllowList::parse("^WARNING: CPU: 1 ", "allow.txt"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, "WARNING");
  EXPECT_TRUE(AllowList::parse("^a+$", "allow.txt").allows({"WARNING", filler}));
}

// The combined search that skips clean lines must not change which kind a
// line gets: the most specific pattern still wins.
TEST(Classify, TheMostSpecificKindStillWins) {
  EXPECT_EQ(classify("BUG: KASAN: use-after-free in dax_x")->kind, "KASAN");
  EXPECT_EQ(classify("BUG: soft lockup - CPU#0 stuck for 22s!")->kind, "soft lockup");
  EXPECT_EQ(classify("Oops: general protection fault, probably: 0000 [#1] PREEMPT SMP")->kind,
            "Oops");
  EXPECT_EQ(classify("x\nINFO: task a.out:12 blocked for more than 120 seconds.")->kind,
            "hung task");
  EXPECT_FALSE(classify("WARNING: mitigations are off"));
  // ECMAScript's '.' stops at '\r'; so does the classifier's.
  EXPECT_FALSE(classify("KASAN: \r in range ["));
}

}  // namespace
}  // namespace dt
