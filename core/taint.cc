#include "core/taint.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace dt {

namespace {

constexpr std::array<TaintFlag, 19> kTaintFlags = {{
    {0, 'P', "PROPRIETARY_MODULE", false},
    {1, 'F', "FORCED_MODULE", false},
    {2, 'S', "CPU_OUT_OF_SPEC", false},
    {3, 'R', "FORCED_RMMOD", false},
    {4, 'M', "MACHINE_CHECK", true},
    {5, 'B', "BAD_PAGE", true},
    {6, 'U', "USER", false},
    {7, 'D', "DIE", true},
    {8, 'A', "OVERRIDDEN_ACPI_TABLE", false},
    {9, 'W', "WARN", true},
    {10, 'C', "CRAP", false},
    {11, 'I', "FIRMWARE_WORKAROUND", false},
    {12, 'O', "OOT_MODULE", false},
    {13, 'E', "UNSIGNED_MODULE", false},
    {14, 'L', "SOFTLOCKUP", true},
    {15, 'K', "LIVEPATCH", false},
    {16, 'X', "AUX", false},
    {17, 'T', "RANDSTRUCT", false},
    {18, 'N', "TEST", false},
}};

constexpr unsigned kProprietaryBit = 0;

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx",
                static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

std::span<const TaintFlag> taint_flags() { return kTaintFlags; }

uint64_t taint_finding_mask() {
  uint64_t mask = 0;
  for (const TaintFlag& flag : kTaintFlags)
    if (flag.is_finding) mask |= uint64_t{1} << flag.bit;
  return mask;
}

uint64_t read_taint(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::system_error(errno, std::generic_category(),
                            "cannot read the kernel taint mask from " + path);
  std::string text;
  in >> text;
  uint64_t mask = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mask);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw std::runtime_error(path + ": expected a decimal taint mask, read \"" +
                             text + "\"");
  return mask;
}

std::string taint_letters(uint64_t mask) {
  if (mask == 0) return "";
  std::string letters;
  for (unsigned bit = 0; bit < 64; ++bit) {
    bool set = mask & (uint64_t{1} << bit);
    if (bit < kTaintFlags.size()) {
      // The kernel prints 'G' in the proprietary slot when all modules are
      // GPL; every other unset flag is a blank.
      if (set)
        letters += kTaintFlags[bit].letter;
      else if (bit == kProprietaryBit)
        letters += 'G';
    } else if (set) {
      letters += '?';
    }
  }
  return letters;
}

std::string taint_names(uint64_t mask) {
  std::string names;
  for (unsigned bit = 0; bit < 64; ++bit) {
    if (!(mask & (uint64_t{1} << bit))) continue;
    if (!names.empty()) names += ", ";
    if (bit < kTaintFlags.size())
      names += std::string("[") + kTaintFlags[bit].letter + "]=" +
               kTaintFlags[bit].name;
    else
      names += "[?]=BIT_" + std::to_string(bit);
  }
  return names;
}

uint64_t newly_set(uint64_t before, uint64_t after) { return after & ~before; }

std::vector<KernelFinding> taint_findings(uint64_t before, uint64_t after) {
  uint64_t bad = newly_set(before, after) & taint_finding_mask();
  if (bad == 0) return {};
  return {KernelFinding{"taint", "kernel taint newly set: " + taint_names(bad) +
                                     " (tainted " + hex(before) + " -> " +
                                     hex(after) + ")"}};
}

}  // namespace dt
