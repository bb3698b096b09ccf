#include "workloads/huge/devdax_fault_size.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/smaps.h"

namespace dt::workloads {

namespace {
// Faults of the process itself (stack, libc, the counters) that may land in
// the window.
constexpr uint64_t kOwnFaultSlack = 8;
}  // namespace

const NameTable<DevdaxTouch>& devdax_touches() {
  static const NameTable<DevdaxTouch> table("a devdax touch", {
      {DevdaxTouch::write, "write"},
      {DevdaxTouch::read, "read"},
  });
  return table;
}

const NameTable<DevdaxFaultSizeFault>& devdax_fault_size_faults() {
  static const NameTable<DevdaxFaultSizeFault> table(
      "a devdax fault-size injection", {{DevdaxFaultSizeFault::smaller_pages, "smaller_pages"}});
  return table;
}

void prove_devdax_fault_size(Context& ctx, uint64_t fault_size, uint64_t length) {
  const auto& env = ctx.env();
  if (env.dax_align != fault_size)
    throw SetupError("the devdax namespace " + env.dax_device + " has align " +
                     size_text(env.dax_align) + ", the proof needs " + size_text(fault_size));
  if (env.dax_size < length)
    throw SetupError(env.dax_device + " offers " + size_text(env.dax_size) + ", the proof maps " +
                     size_text(length));
  const bool write = ctx.variant(devdax_touches()) == DevdaxTouch::write;
  const uint64_t seed = 0xDD00 + (fault_size >> 20);
  const std::string unit = fault_size == kPudSize ? "PUD" : "PMD";
  // Every 4 KiB page of a PMD proof; one page per 2 MiB of a PUD proof
  // still tells a PUD (1 fault) from PMDs or pages (one per touch).
  const uint64_t stride = fault_size == kPudSize ? kPmdSize : kPageSize;

  int fd = DT_SYS(open(env.dax_device.c_str(), O_RDWR | O_CLOEXEC));
  if (!write) {
    // The pattern goes in through a mapping of its own, before the window.
    auto* fill = static_cast<uint8_t*>(
        map_aligned(fd, length, fault_size, PROT_READ | PROT_WRITE, MAP_SHARED));
    TouchResult filled = touch_pages(fill, length, true, seed, 0, stride);
    if (filled.signal)
      throw SetupError(std::string("writing the pattern through the first mapping took ") +
                       sigabbrev_np(filled.signal) + " at offset " +
                       std::to_string(filled.signal_offset));
    DT_SYS(munmap(fill, length));
  }

  const bool smaller = ctx.injected(devdax_fault_size_faults(), DevdaxFaultSizeFault::smaller_pages);
  uint8_t* map;
  if (smaller) {
    map = static_cast<uint8_t*>(DT_SYS(mmap(nullptr, length, PROT_READ,
                                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)));
    DT_SYS(madvise(map, length, fault_size == kPudSize ? MADV_HUGEPAGE : MADV_NOHUGEPAGE));
  } else {
    map = static_cast<uint8_t*>(map_aligned(fd, length, fault_size,
                                            write ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED));
  }

  TouchResult touch = touch_pages(map, length, write && !smaller, seed, 0, stride);
  std::string smaps = smaps_block(map);
  write_text_file(env.artifacts_dir + "/smaps.txt", smaps);
  auto mmu_page = smaps_field(smaps, "MMUPageSize");

  const uint64_t expected = length / fault_size;
  ctx.metric("page_faults", static_cast<double>(touch.faults), "faults");
  ctx.metric("faults_per_" + std::string(fault_size == kPudSize ? "GiB" : "64MiB"),
             static_cast<double>(touch.faults) * (fault_size == kPudSize ? double(1ull << 30)
                                                                          : double(64ull << 20)) /
                 static_cast<double>(length),
             "faults");
  ctx.metric("touch_time", touch.seconds * 1e3, "ms");
  if (mmu_page) ctx.metric("mmu_page_size", static_cast<double>(*mmu_page >> 10), "KiB");

  DT_ASSERT(touch.signal == 0)
      << "touching the " << size_text(fault_size) << "-aligned devdax mapping took "
      << sigabbrev_np(touch.signal) << " at offset " << touch.signal_offset
      << ": device-dax could not serve the fault with a " << unit
      << " (it has no 4 KiB fallback)";
  DT_EXPECT(touch.faults <= expected + kOwnFaultSlack)
      << "touching " << size_text(length) << " took " << touch.faults << " page faults, expected "
      << expected << " (one per " << size_text(fault_size) << "): the mapping was not served with "
      << unit << "s";
  DT_EXPECT(touch.faults >= expected)
      << "touching " << size_text(length) << " took " << touch.faults << " page faults, fewer than "
      << expected << ": the mapping was populated before the touch, the count proves nothing";
  DT_EXPECT(mmu_page && *mmu_page == fault_size)
      << "/proc/self/smaps gives the mapping an MMUPageSize of "
      << (mmu_page ? size_text(*mmu_page) : std::string("(none)")) << ", expected "
      << size_text(fault_size);

  if (smaller) {
    munmap(map, length);
    close(fd);
    return;
  }
  if (!write) {
    // What the huge mapping read is what the first mapping wrote.
    auto bad = first_bad_page(map, length, seed, 0, stride);
    DT_EXPECT(!bad) << "the page at offset " << *bad << " read through the " << unit
                    << " mapping of " << env.dax_device << " does not hold the word written there";
    munmap(map, length);
    close(fd);
    return;
  }
  // Written through the huge mapping, read through a fresh one: each 4 KiB
  // page must have reached its own place on the device.
  DT_SYS(munmap(map, length));
  auto* check = static_cast<uint8_t*>(map_aligned(fd, length, fault_size, PROT_READ, MAP_SHARED));
  TouchResult reread = touch_pages(check, length, false, seed, 0, stride);
  DT_ASSERT(reread.signal == 0) << "reading back took " << sigabbrev_np(reread.signal)
                                << " at offset " << reread.signal_offset;
  auto bad = first_bad_page(check, length, seed, 0, stride);
  DT_EXPECT(!bad) << "the page at offset " << *bad << " of " << env.dax_device
                  << " does not hold the word written through the " << unit << " mapping";
  munmap(check, length);
  close(fd);
}

}  // namespace dt::workloads
