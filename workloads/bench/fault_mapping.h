// One mapping of a benchmark's region, placed inside an address-space
// reservation: aligned to the fault size and fenced by PROT_NONE guard
// pages, so the kernel can neither merge it with a neighbour (which could
// make room for huge pages a 4 KiB case must not get) nor place it off the
// huge-page boundary.
#pragma once

#include <cstdint>

#include "workloads/bench/fault_case.h"
#include "workloads/bench/fault_target.h"

namespace dt::bench {

class FaultMapping {
 public:
  FaultMapping(const FaultCase& c, const Target& target);
  ~FaultMapping();
  FaultMapping(const FaultMapping&) = delete;
  FaultMapping& operator=(const FaultMapping&) = delete;

  // mmap over the reserved range; `populate` adds MAP_POPULATE. Returns the
  // seconds the mmap call took (the populate cost). Throws SetupError.
  double map(bool populate);
  void unmap();   // gives the range back to the reservation
  uint8_t* base() const { return base_; }

 private:
  FaultCase case_;
  Target target_;
  uint8_t* reservation_ = nullptr;
  uint64_t span_ = 0;
  uint8_t* base_ = nullptr;
  bool mapped_ = false;
};

// Injection "misaligned": huge-page cases are mapped 4 KiB off their
// boundary, as a kernel or library that ignored the alignment would, so
// their faults fall back to smaller pages and the fault-size check must
// report an error. Never in a real measurement.
void inject_misaligned_mappings();

// Minor and major faults of the calling thread so far.
struct ThreadFaults {
  uint64_t minor = 0, major = 0;
  uint64_t total() const { return minor + major; }
};
ThreadFaults thread_faults();

// Nanoseconds on the monotonic clock.
uint64_t now_ns();

}  // namespace dt::bench
