#include "workloads/bench/fault_mapping.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include <cstring>

#include "core/errors.h"

namespace dt::bench {

namespace {
constexpr uint64_t kGuard = 4096;
bool misaligned = false;
}  // namespace

void inject_misaligned_mappings() { misaligned = true; }

FaultMapping::FaultMapping(const FaultCase& c, const Target& target) : case_(c), target_(target) {
  span_ = target.length + c.fault_size + 3 * kGuard;
  void* reserved = mmap(nullptr, span_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserved == MAP_FAILED) throw SetupError(std::string("reserving address space: ") + strerror(errno));
  reservation_ = static_cast<uint8_t*>(reserved);
  const uint64_t start = reinterpret_cast<uint64_t>(reservation_) + kGuard;
  base_ = reinterpret_cast<uint8_t*>((start + c.fault_size - 1) & ~(c.fault_size - 1));
  if (misaligned && c.fault_size > 4096) base_ += 4096;
  // A hole for map() to fill without replacing anything: the timed mmap of
  // a populate case then does nothing but map and fault.
  munmap(base_, target.length);
}

FaultMapping::~FaultMapping() {
  if (reservation_) munmap(reservation_, span_);
}

double FaultMapping::map(bool populate) {
  // The kernel refuses MAP_FIXED_NOREPLACE together with MAP_SHARED_VALIDATE
  // (EOPNOTSUPP: it is not a "legacy" flag the validation lets through);
  // MAP_SYNC mappings go into the hole with plain MAP_FIXED. No populate
  // case uses MAP_SYNC, and no other thread maps into this reservation.
  int flags = (case_.map_sync ? MAP_FIXED : MAP_FIXED_NOREPLACE) | (populate ? MAP_POPULATE : 0);
  if (target_.fd < 0) flags |= MAP_PRIVATE | MAP_ANONYMOUS;
  else flags |= case_.map_sync ? MAP_SHARED_VALIDATE | MAP_SYNC : MAP_SHARED;
  const uint64_t started = now_ns();
  void* at = mmap(base_, target_.length, PROT_READ | PROT_WRITE, flags, target_.fd,
                  static_cast<off_t>(target_.offset));
  const uint64_t took = now_ns() - started;
  if (at != MAP_FAILED && at != base_) {
    munmap(at, target_.length);  // a kernel that ignores the flag
    errno = EEXIST;
    at = MAP_FAILED;
  }
  if (at == MAP_FAILED)
    throw SetupError(std::string("mmap of the ") + kind_name(case_.kind) + " region" +
                     (case_.map_sync ? " with MAP_SYNC" : "") + ": " + strerror(errno));
  mapped_ = true;
  // THP for anonymous memory when the kernel's policy is only "madvise";
  // 4 KiB cases cannot get huge pages: the region is smaller than 2 MiB
  // and fenced.
  if (case_.kind == MappingKind::anon && case_.fault_size > 4096)
    madvise(base_, target_.length, MADV_HUGEPAGE);
  return static_cast<double>(took) * 1e-9;
}

void FaultMapping::unmap() {
  if (!mapped_) return;
  munmap(base_, target_.length);
  mapped_ = false;
}

ThreadFaults thread_faults() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return {static_cast<uint64_t>(usage.ru_minflt), static_cast<uint64_t>(usage.ru_majflt)};
}

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace dt::bench
