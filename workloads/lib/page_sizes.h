// The page sizes DAX mappings come in, and how a size is written in
// messages. Shared by every area.
#pragma once

#include <cstdint>
#include <string>

namespace dt::workloads {

constexpr uint64_t kPageSize = 4096;
constexpr uint64_t kPmdSize = 2ull << 20;
constexpr uint64_t kPudSize = 1ull << 30;

// "64 MiB", "1 GiB", for messages.
std::string size_text(uint64_t bytes);

}  // namespace dt::workloads
