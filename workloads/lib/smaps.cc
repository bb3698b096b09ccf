#include "workloads/lib/smaps.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace dt::workloads {

std::string smaps_block(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto target = reinterpret_cast<uintptr_t>(address);
  std::string line, block;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t start = 0, end = 0;
    // A block starts with "start-end perms ..."; field lines have a colon
    // in their first word.
    size_t space = line.find(' ');
    bool header = space != std::string::npos && line.find(':') > space &&
                  sscanf(line.c_str(), "%lx-%lx", &start, &end) == 2;
    if (header) {
      if (inside) break;
      inside = target >= start && target < end;
    }
    if (inside) block += line + "\n";
  }
  return block;
}

std::optional<uint64_t> smaps_field(const std::string& block, const std::string& field) {
  std::istringstream lines(block);
  std::string line;
  const std::string key = field + ":";
  while (std::getline(lines, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    unsigned long long kib = 0;
    if (sscanf(line.c_str() + key.size(), "%llu", &kib) == 1) return kib << 10;
  }
  return std::nullopt;
}

}  // namespace dt::workloads
