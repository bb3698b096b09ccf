// The kernel taint mask (/proc/sys/kernel/tainted): decoding it, and deciding
// which newly set flags fail a workload instance.
//
// Taint flags are sticky: a flag set by an earlier instance is not seen again,
// so taint complements the dmesg check rather than replacing it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

struct TaintFlag {
  unsigned bit;
  char letter;        // as in the "Tainted: G        W" line of an oops
  const char* name;   // the kernel's TAINT_* name, as in its verbose form
  bool is_finding;    // newly set during an instance, it fails the instance
};

// Bits 0..18, the table of kernel/panic.c taint_flags in linux 6.1 and 6.12.
//
// Findings: M machine check, B bad page, D die (oops), W warning,
// L soft lockup -- each means the kernel itself detected a fault. Not
// findings: what loading or unloading modules sets (P F R C O E K X N: the
// test VM loads unsigned out-of-tree modules, which sets E and O), boot-time
// facts (S A I T), and U, which only a write to the sysctl sets.
std::span<const TaintFlag> taint_flags();

// Bits of the mask that fail an instance when newly set.
uint64_t taint_finding_mask();

// Throws std::system_error when the file cannot be read and
// std::runtime_error when it does not hold a number.
uint64_t read_taint(const std::string& path = "/proc/sys/kernel/tainted");

// The kernel's oops-line form with the blanks left out: "GW" for WARN alone,
// "POE" for a proprietary, out-of-tree, unsigned module; "" for an untainted
// kernel. Bits unknown to this table show as '?'.
std::string taint_letters(uint64_t mask);

// The kernel's verbose form: "[W]=WARN, [E]=UNSIGNED_MODULE"; unknown bits
// as "[?]=BIT_19".
std::string taint_names(uint64_t mask);

uint64_t newly_set(uint64_t before, uint64_t after);

// One finding of kind "taint" when flags that fail an instance were set
// between the two readings; none otherwise.
std::vector<KernelFinding> taint_findings(uint64_t before, uint64_t after);

}  // namespace dt
