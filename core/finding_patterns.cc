#include "core/finding_patterns.h"

#include <string>
#include <vector>

#include "core/kmsg_parse.h"
#include "core/regex.h"

namespace dt {

namespace {

struct Pattern {
  const char* kind;
  const char* expression;
};

// Most specific first: the first pattern that matches names the kind. The
// strings come from linux 6.1 and 6.12; the printing function is named so
// that a changed message can be found again.
const std::vector<Pattern>& finding_patterns() {
  static const std::vector<Pattern> patterns = {
      // kernel/panic.c panic(); x86 traps.c exc_double_fault
      {"panic", "^Kernel panic - not syncing"},
      {"panic", "^(traps: )?PANIC: double fault"},
      // kernel/watchdog.c watchdog_timer_fn, pr_fmt "watchdog: "
      {"soft lockup", "^(watchdog: )?BUG: soft lockup"},
      // kernel/watchdog.c (6.12) and kernel/watchdog_hld.c (6.1)
      {"hard lockup", "Watchdog detected hard LOCKUP on cpu"},
      // mm/kasan/report.c; the second form follows a GPF on a shadow address
      {"KASAN", "^BUG: KASAN: "},
      {"KASAN", "^KASAN: .+ in range \\["},
      {"KFENCE", "^BUG: KFENCE: "},
      {"KMSAN", "^BUG: KMSAN: "},
      {"KCSAN", "^BUG: KCSAN: "},
      // lib/ubsan.c ubsan_prologue
      {"UBSAN", "^UBSAN: "},
      // mm/page_alloc.c bad_page, mm/memory.c print_bad_pte,
      // mm/filemap.c page_cache_delete, kernel/fork.c check_mm
      {"Bad page state", "^BUG: Bad page state"},
      {"Bad page map", "^BUG: Bad page map"},
      {"Bad page cache", "^BUG: Bad page cache"},
      {"Bad rss-counter state", "^BUG: Bad rss-counter state"},
      // arch/x86/mm/fault.c show_fault_oops; arm64 die_kernel_fault
      {"Oops", "^BUG: unable to handle "},
      {"Oops", "^BUG: kernel NULL pointer dereference"},
      {"Oops", "^Unable to handle kernel "},
      // x86 dumpstack.c __die_header: "STR: 0000 [#1] ..." in 6.1, "Oops: STR:
      // 0000 [#1] ..." in 6.12, STR being "Oops", "general protection fault,
      // ...", "invalid opcode", ...; arm64 prints 16 hex digits.
      {"Oops", ": [0-9a-f]{4,16} \\[#[0-9]+\\]"},
      // kernel/hung_task.c check_hung_task
      {"hung task", "^INFO: task .+:[0-9]+ blocked for more than "},
      // kernel/rcu/tree_stall.h and tree_exp.h (pr_fmt "rcu: "},
      // kernel/rcu/tasks.h for the rcu_tasks flavours
      {"RCU stall",
              "^(rcu: )?INFO: [a-z_]+ (self-detected stall|detected "
              "(expedited )?stalls?)"},
      // pgd_ERROR .. pmd_ERROR (arch/x86/include/asm/pgtable_64.h), printed
      // by pmd_clear_bad() in mm/pgtable-generic.c: a corrupt page table
      {"bad page table", "^[^ ]+:[0-9]+: bad (pgd|p4d|pud|pmd|pte) "},
      // mm/oom_kill.c __oom_kill_process: the OOM killer chose a victim
      {"OOM kill", "^(Out of memory|Memory cgroup out of memory): Killed process "},
      // lib/refcount.c refcount_warn_saturate; the WARNING line follows
      {"refcount", "^refcount_t: "},
      // lib/list_debug.c __list_add_valid_or_report, __list_del_entry_valid
      {"list corruption", "^list_(add|del) (corruption|double add)"},
      // kernel/locking/lockdep.c: the headlines of its reports; the generic
      // "WARNING: " prefix is shared with harmless boot notices, so each
      // lockdep report is named.
      {"lockdep",
              "^WARNING: (possible (circular locking dependency|recursive "
              "locking|irq lock inversion dependency) detected|inconsistent "
              "lock state|[A-Z-]+-safe -> [A-Z-]+-unsafe lock order "
              "detected|bad (unlock balance|contention) detected|held lock "
              "freed|lock held when returning to user space|Nested lock was "
              "not taken|suspicious RCU usage|chain_key collision|.+/[0-9]+ "
              "still has locks held)"},
      {"lockdep", "^INFO: trying to register non-static key"},
      // mm/debug.c dump_page, printed for VM_BUG_ON_PAGE and bad_page
      {"page dump", "^page dumped because: "},
      // kernel/panic.c __warn; other lines starting "WARNING: " are boot
      // notices (mitigations, BIOS quirks) and are not findings. Up to 6.18
      // "WARNING: CPU: 1 PID: 94 at fs/dax.c:452 fn+0x9c/0xc0"; from 7.x on
      // "WARNING: fs/dax.c:452 at fn+0x9c/0xc0, CPU#1: comm/94" (and
      // "WARNING: at fn+0x..., CPU#1: comm/94" without a file). Matching only
      // the first form left every 7.2 and 7.3 warning to the taint flag,
      // which sees only the first of a boot.
      {"WARNING", "^WARNING: CPU: [0-9]+ PID: [0-9]+ at "},
      {"WARNING", "^WARNING: ([^ ]+:[0-9]+ )?at .+, CPU#[0-9]+: .+/[0-9]+$"},
      // lib/bug.c report_bug; mm/slub.c slab_bug "BUG cache (taint): ..."
      {"BUG", "^[Kk]ernel BUG at "},
      {"BUG", "^BUG: "},
      {"BUG", "^BUG [^ ]+ \\([^)]*\\): "},
  };
  return patterns;
}

struct CompiledPattern {
  const char* kind;
  Regex regex;
};

const std::vector<CompiledPattern>& compiled_patterns() {
  static const std::vector<CompiledPattern> compiled = [] {
    std::vector<CompiledPattern> out;
    for (const Pattern& p : finding_patterns()) out.push_back({p.kind, Regex(p.expression)});
    return out;
  }();
  return compiled;
}

// Every pattern in two alternations, the ones tied to the start of the line
// (tried there only) and the others (PCRE2 skips to where one can start):
// a line that is no finding, nearly every line of a log, costs two quick
// searches instead of one per pattern. Which pattern, and so which kind, is
// decided afterwards in order.
Regex alternation(bool anchored) {
  std::string joined;
  for (const Pattern& p : finding_patterns()) {
    if ((p.expression[0] == '^') != anchored) continue;
    joined += (joined.empty() ? "(?:" : "|(?:") + std::string(p.expression) + ")";
  }
  return Regex(joined, anchored);
}

bool may_be_a_finding(std::string_view line) {
  static const Regex at_start = alternation(true);
  static const Regex anywhere = alternation(false);
  // A line PCRE2 could not judge (it cannot happen with the limits lifted)
  // is looked at pattern by pattern rather than skipped.
  return at_start.search(line, true) || anywhere.search(line, true);
}

}  // namespace

std::optional<KernelFinding> classify(std::string_view text) {
  LineReader reader(text);
  for (std::string_view line; reader.next(line);) {
    if (!may_be_a_finding(line)) continue;
    for (const CompiledPattern& p : compiled_patterns())
      if (p.regex.search(line, false)) return KernelFinding{p.kind, std::string(line)};
  }
  return std::nullopt;
}

}  // namespace dt
