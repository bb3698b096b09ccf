#include "core/kernel_log.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace dt {

namespace {

template <typename Int>
bool parse_number(std::string_view digits, Int& out) {
  if (digits.empty()) return false;
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc() && end == digits.data() + digits.size();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The kernel escapes '\\' and every byte outside 0x20..0x7e as "\xHH"
// (msg_add_ext_text in kernel/printk/printk.c); anything else is literal.
std::string decode_escapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
      int high = hex_value(text[i + 2]);
      int low = hex_value(text[i + 3]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 3;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

void set_priority(KmsgRecord& record, unsigned prio) {
  record.level = static_cast<int>(prio & 7);
  record.facility = static_cast<int>(prio >> 3);
}

// "prio,seq,usec,flags[,more]": the ABI promises that later fields may be
// added (CONFIG_PRINTK_CALLER adds "caller=T123"), so they are ignored.
bool parse_kmsg_header(std::string_view header, KmsgRecord& record) {
  std::string_view fields[4];
  for (int i = 0; i < 4; ++i) {
    size_t comma = header.find(',');
    if (comma == std::string_view::npos && i < 3) return false;
    fields[i] = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view()
                                             : header.substr(comma + 1);
  }
  unsigned prio = 0;
  if (!parse_number(fields[0], prio) || prio > 0x7ff) return false;
  if (!parse_number(fields[1], record.seq)) return false;
  if (!parse_number(fields[2], record.usec)) return false;
  if (fields[3].empty()) return false;
  set_priority(record, prio);
  return true;
}

struct Pattern {
  const char* kind;
  std::regex regex;
};

Pattern pattern(const char* kind, const char* expression) {
  return {kind, std::regex(expression, std::regex::ECMAScript)};
}

// Most specific first: the first pattern that matches names the kind. The
// strings come from linux 6.1 and 6.12; the printing function is named so
// that a changed message can be found again.
const std::vector<Pattern>& finding_patterns() {
  static const std::vector<Pattern> patterns = {
      // kernel/panic.c panic(); x86 traps.c exc_double_fault
      pattern("panic", "^Kernel panic - not syncing"),
      pattern("panic", "^(traps: )?PANIC: double fault"),
      // kernel/watchdog.c watchdog_timer_fn, pr_fmt "watchdog: "
      pattern("soft lockup", "^(watchdog: )?BUG: soft lockup"),
      // kernel/watchdog.c (6.12) and kernel/watchdog_hld.c (6.1)
      pattern("hard lockup", "Watchdog detected hard LOCKUP on cpu"),
      // mm/kasan/report.c; the second form follows a GPF on a shadow address
      pattern("KASAN", "^BUG: KASAN: "),
      pattern("KASAN", "^KASAN: .+ in range \\["),
      pattern("KFENCE", "^BUG: KFENCE: "),
      pattern("KMSAN", "^BUG: KMSAN: "),
      pattern("KCSAN", "^BUG: KCSAN: "),
      // lib/ubsan.c ubsan_prologue
      pattern("UBSAN", "^UBSAN: "),
      // mm/page_alloc.c bad_page, mm/memory.c print_bad_pte,
      // mm/filemap.c page_cache_delete, kernel/fork.c check_mm
      pattern("Bad page state", "^BUG: Bad page state"),
      pattern("Bad page map", "^BUG: Bad page map"),
      pattern("Bad page cache", "^BUG: Bad page cache"),
      pattern("Bad rss-counter state", "^BUG: Bad rss-counter state"),
      // arch/x86/mm/fault.c show_fault_oops; arm64 die_kernel_fault
      pattern("Oops", "^BUG: unable to handle "),
      pattern("Oops", "^BUG: kernel NULL pointer dereference"),
      pattern("Oops", "^Unable to handle kernel "),
      // x86 dumpstack.c __die_header: "STR: 0000 [#1] ..." in 6.1, "Oops: STR:
      // 0000 [#1] ..." in 6.12, STR being "Oops", "general protection fault,
      // ...", "invalid opcode", ...; arm64 prints 16 hex digits.
      pattern("Oops", ": [0-9a-f]{4,16} \\[#[0-9]+\\]"),
      // kernel/hung_task.c check_hung_task
      pattern("hung task", "^INFO: task .+:[0-9]+ blocked for more than "),
      // kernel/rcu/tree_stall.h and tree_exp.h (pr_fmt "rcu: "),
      // kernel/rcu/tasks.h for the rcu_tasks flavours
      pattern("RCU stall",
              "^(rcu: )?INFO: [a-z_]+ (self-detected stall|detected "
              "(expedited )?stalls?)"),
      // pgd_ERROR .. pmd_ERROR (arch/x86/include/asm/pgtable_64.h), printed
      // by pmd_clear_bad() in mm/pgtable-generic.c: a corrupt page table
      pattern("bad page table", "^[^ ]+:[0-9]+: bad (pgd|p4d|pud|pmd|pte) "),
      // mm/oom_kill.c __oom_kill_process: the OOM killer chose a victim
      pattern("OOM kill", "^(Out of memory|Memory cgroup out of memory): Killed process "),
      // lib/refcount.c refcount_warn_saturate; the WARNING line follows
      pattern("refcount", "^refcount_t: "),
      // lib/list_debug.c __list_add_valid_or_report, __list_del_entry_valid
      pattern("list corruption", "^list_(add|del) (corruption|double add)"),
      // kernel/locking/lockdep.c: the headlines of its reports; the generic
      // "WARNING: " prefix is shared with harmless boot notices, so each
      // lockdep report is named.
      pattern("lockdep",
              "^WARNING: (possible (circular locking dependency|recursive "
              "locking|irq lock inversion dependency) detected|inconsistent "
              "lock state|[A-Z-]+-safe -> [A-Z-]+-unsafe lock order "
              "detected|bad (unlock balance|contention) detected|held lock "
              "freed|lock held when returning to user space|Nested lock was "
              "not taken|suspicious RCU usage|chain_key collision|.+/[0-9]+ "
              "still has locks held)"),
      pattern("lockdep", "^INFO: trying to register non-static key"),
      // mm/debug.c dump_page, printed for VM_BUG_ON_PAGE and bad_page
      pattern("page dump", "^page dumped because: "),
      // kernel/panic.c __warn; other lines starting "WARNING: " are boot
      // notices (mitigations, BIOS quirks) and are not findings.
      pattern("WARNING", "^WARNING: CPU: [0-9]+ PID: [0-9]+ at "),
      // lib/bug.c report_bug; mm/slub.c slab_bug "BUG cache (taint): ..."
      pattern("BUG", "^[Kk]ernel BUG at "),
      pattern("BUG", "^BUG: "),
      pattern("BUG", "^BUG [^ ]+ \\([^)]*\\): "),
  };
  return patterns;
}

// Where std::regex would reject a pattern, so that the error can point at a
// column: std::regex_error itself carries no position.
struct RegexProblem {
  size_t offset;
  std::string problem;
  std::string fix;
};

bool is_repeat_count(std::string_view rest) {
  // rest starts after '{': digits [',' [digits]] '}'
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    return i > start;
  };
  if (!digits()) return false;
  if (i < rest.size() && rest[i] == ',') {
    ++i;
    digits();
  }
  return i < rest.size() && rest[i] == '}';
}

std::optional<RegexProblem> locate_regex_problem(std::string_view re) {
  std::vector<size_t> open_groups;
  std::optional<size_t> open_class;
  bool can_repeat = false;  // an atom precedes: a quantifier has a target
  bool after_quantifier = false;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      if (i + 1 == re.size())
        return RegexProblem{i, "trailing backslash",
                            "escape it as \\\\ or remove it"};
      ++i;
      can_repeat = !open_class;
      after_quantifier = false;
      continue;
    }
    if (open_class) {
      if (c == ']') {
        open_class.reset();
        can_repeat = true;
      }
      continue;
    }
    bool quantifier = c == '*' || c == '+' || c == '?' || c == '{';
    if (quantifier) {
      bool lazy = c == '?' && after_quantifier;
      if (c == '{' && !is_repeat_count(re.substr(i + 1)))
        return RegexProblem{i, "'{' does not start a repeat count",
                            "write a count like {2} or {2,5}, or \\{ for a "
                            "literal brace"};
      if (!lazy && !can_repeat)
        return RegexProblem{i, std::string("'") + c + "' has nothing to repeat",
                            "put what it repeats before it, or escape it as \\" +
                                std::string(1, c)};
      if (c == '{') i = re.find('}', i);
      can_repeat = false;
      after_quantifier = !lazy;
      continue;
    }
    after_quantifier = false;
    switch (c) {
      case '[':
        open_class = i;
        if (i + 1 < re.size() && re[i + 1] == '^') ++i;
        break;
      case '(':
        open_groups.push_back(i);
        if (i + 2 < re.size() && re[i + 1] == '?') i += 2;  // (?: (?= (?!
        can_repeat = false;
        break;
      case ')':
        if (open_groups.empty())
          return RegexProblem{i, "')' closes no group",
                              "remove it, or write \\) for a literal "
                              "parenthesis"};
        open_groups.pop_back();
        can_repeat = true;
        break;
      case '|':
      case '^':
        can_repeat = false;
        break;
      default:
        can_repeat = true;
    }
  }
  if (open_class)
    return RegexProblem{*open_class, "'[' is never closed",
                        "close the class with ], or write \\[ for a literal "
                        "bracket"};
  if (!open_groups.empty())
    return RegexProblem{open_groups.back(), "'(' is never closed",
                        "close the group with ), or write \\( for a literal "
                        "parenthesis"};
  return std::nullopt;
}

// For errors the scan above cannot place: the problem in words and a fix.
RegexProblem describe(const std::regex_error& error) {
  const std::string dialect =
      "use std::regex's ECMAScript dialect: JavaScript regexes without "
      "lookbehind, named groups or flags";
  switch (error.code()) {
    case std::regex_constants::error_range:
      return {0, "invalid character range",
              "write ranges low to high, e.g. [a-z], or put '-' last"};
    case std::regex_constants::error_escape:
      return {0, "invalid escape", dialect};
    case std::regex_constants::error_backref:
      return {0, "invalid back reference", "refer only to an earlier group"};
    case std::regex_constants::error_ctype:
      return {0, "invalid character class", "use a class like [[:digit:]]"};
    case std::regex_constants::error_complexity:
    case std::regex_constants::error_stack:
    case std::regex_constants::error_space:
      return {0, "regex too complex", "split it into simpler lines"};
    default:
      return {0, error.what(), dialect};
  }
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::optional<KmsgRecord> parse_kmsg_record(std::string_view raw) {
  std::string_view first = raw.substr(0, raw.find('\n'));
  size_t semicolon = first.find(';');
  if (semicolon == std::string_view::npos) return std::nullopt;
  KmsgRecord record;
  if (!parse_kmsg_header(first.substr(0, semicolon), record))
    return std::nullopt;
  record.text = decode_escapes(first.substr(semicolon + 1));
  return record;
}

std::optional<KmsgRecord> parse_dmesg_line(std::string_view line) {
  KmsgRecord record;
  if (!line.empty() && line[0] == '<') {
    size_t close = line.find('>');
    unsigned prio = 0;
    if (close == std::string_view::npos ||
        !parse_number(line.substr(1, close - 1), prio) || prio > 0x7ff)
      return std::nullopt;
    set_priority(record, prio);
    line.remove_prefix(close + 1);
  }
  if (line.empty() || line[0] != '[') return std::nullopt;
  size_t close = line.find(']');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view stamp = line.substr(1, close - 1);
  while (!stamp.empty() && stamp.front() == ' ') stamp.remove_prefix(1);
  size_t dot = stamp.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  uint64_t seconds = 0;
  uint64_t fraction = 0;
  std::string_view fraction_digits = stamp.substr(dot + 1);
  if (!parse_number(stamp.substr(0, dot), seconds) ||
      !parse_number(fraction_digits, fraction) || fraction_digits.size() > 9)
    return std::nullopt;
  for (size_t digits = fraction_digits.size(); digits < 6; ++digits)
    fraction *= 10;
  for (size_t digits = fraction_digits.size(); digits > 6; --digits)
    fraction /= 10;
  record.usec = seconds * 1000000 + fraction;
  line.remove_prefix(close + 1);

  // CONFIG_PRINTK_CALLER adds "[  T123]" or "[    C1]" after the time.
  if (line.size() > 2 && line[0] == '[') {
    size_t end = line.find(']');
    std::string_view caller =
        end == std::string_view::npos ? "" : line.substr(1, end - 1);
    while (!caller.empty() && caller.front() == ' ') caller.remove_prefix(1);
    uint64_t id = 0;
    if (caller.size() > 1 && (caller[0] == 'T' || caller[0] == 'C') &&
        parse_number(caller.substr(1), id))
      line.remove_prefix(end + 1);
  }
  if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
  record.text = std::string(line);
  return record;
}

std::vector<KmsgRecord> parse_kernel_log(std::string_view text) {
  std::vector<KmsgRecord> records;
  bool after_kmsg_record = false;
  for (std::string_view line : split_lines(text)) {
    if (line.empty()) continue;
    if (after_kmsg_record && line[0] == ' ') continue;  // " KEY=value"
    if (auto record = parse_kmsg_record(line)) {
      records.push_back(std::move(*record));
      after_kmsg_record = true;
      continue;
    }
    after_kmsg_record = false;
    if (auto record = parse_dmesg_line(line)) {
      records.push_back(std::move(*record));
      continue;
    }
    KmsgRecord unknown;
    unknown.text = std::string(line);
    records.push_back(std::move(unknown));
  }
  return records;
}

std::optional<KernelFinding> classify(std::string_view text) {
  for (std::string_view line : split_lines(text)) {
    for (const Pattern& p : finding_patterns()) {
      if (std::regex_search(line.begin(), line.end(), p.regex))
        return KernelFinding{p.kind, std::string(line)};
    }
  }
  return std::nullopt;
}

AllowList AllowList::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::error_code error(errno, std::generic_category());
    throw std::runtime_error(path + ": cannot read the dmesg allow-list: " +
                             error.message() +
                             "; fix: pass an existing file (the shipped one is "
                             "vm-configs/dmesg-allow.txt)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

size_t overlong_regex_number(std::string_view re) {
  size_t run = 0;
  for (size_t i = 0; i < re.size(); ++i) {
    run = (re[i] >= '0' && re[i] <= '9') ? run + 1 : 0;
    if (run > 9) return i + 1 - run;
  }
  return std::string_view::npos;
}

AllowList AllowList::parse(std::string_view text, const std::string& origin) {
  AllowList list;
  size_t line_number = 0;
  for (std::string_view line : split_lines(text)) {
    ++line_number;
    size_t start = 0;
    while (start < line.size() && is_blank(line[start])) ++start;
    if (start == line.size() || line[start] == '#') continue;
    size_t end = line.size();
    while (end > start && is_blank(line[end - 1])) --end;
    std::string pattern(line.substr(start, end - start));
    if (size_t at = overlong_regex_number(pattern); at != std::string_view::npos)
      throw std::runtime_error(origin + ":" + std::to_string(line_number) + ":" +
                               std::to_string(start + 1 + at) +
                               ": invalid regex: a number of more than 9 digits; fix: "
                               "use [0-9]+ or a shorter count");
    try {
      list.entries_.push_back({pattern, std::regex(pattern, std::regex::ECMAScript)});
    } catch (const std::regex_error& error) {
      RegexProblem problem =
          locate_regex_problem(pattern).value_or(describe(error));
      throw std::runtime_error(
          origin + ":" + std::to_string(line_number) + ":" +
          std::to_string(start + 1 + problem.offset) + ": invalid regex: " +
          problem.problem + "; fix: " + problem.fix);
    }
  }
  return list;
}

bool AllowList::allows(const KernelFinding& finding) const {
  for (const Entry& entry : entries_)
    if (std::regex_search(finding.line, entry.regex)) return true;
  return false;
}

std::vector<KernelFinding> findings(const std::vector<KmsgRecord>& records,
                                    const AllowList& allow) {
  std::vector<KernelFinding> found;
  for (const KmsgRecord& record : records) {
    if (record.facility > 0) continue;
    auto finding = classify(record.text);
    if (finding && !allow.allows(*finding)) found.push_back(std::move(*finding));
  }
  return found;
}

}  // namespace dt
