// /proc/self/smaps: the kernel's own account of one mapping (its MMU page
// size, its VmFlags, how much of it is mapped huge).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dt::workloads {

// The /proc/self/smaps block of the mapping that contains `address`, as
// text ("" when there is none), and one "Name: N kB" field of it in bytes
// (nullopt when the kernel does not show that field).
std::string smaps_block(const void* address);
std::optional<uint64_t> smaps_field(const std::string& block, const std::string& field);

}  // namespace dt::workloads
