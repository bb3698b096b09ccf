// I/O helpers around the slow device (fixtures/slow_device.h): its backing
// ramdisk read and written directly (no delay), dm-delay's count of held
// I/Os (the proof that a request is in flight), and the process's pinned
// page count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace dt::workloads {

// The ramdisk under the slow device: reading and writing it costs no delay.
inline constexpr const char* kSlowBackingDevice = "/dev/ram0";

// O_DIRECT write of `data` to the ramdisk at `offset`, and O_DIRECT read.
void write_backing(uint64_t offset, const std::vector<uint8_t>& data);
std::vector<uint8_t> read_backing(uint64_t offset, size_t length);

// I/Os dm-delay is holding back right now ("dmsetup status": the delay
// target reports its queued reads, writes and flushes): a bio that holds the
// pinned pages is under way. (The block layer's inflight counter does not
// count a bio-based device's I/O here.)
uint64_t delayed_ios();

// VmPin of /proc/self/status in bytes: mm->pinned_vm, which io_uring raises
// for every page of a registered buffer and lowers when it unpins them.
std::optional<uint64_t> pinned_bytes();

}  // namespace dt::workloads
