// MAP_SYNC write faults on fsdax: a write fault into a not-yet-written block
// must make the block's metadata durable before the page becomes writable,
// so that data stored through the mapping survives a crash without fsync.
// Proof, per 2 MiB: the fault is served as a PMD (one fault, no FALLBACK),
// and dax_pmd_fault_done says NEEDDSYNC, i.e. the kernel synced metadata
// (dax_finish_sync_fault) before it mapped the PMD writable. Afterwards the
// extents are written (not unwritten) and read(2) sees every word stored.
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/mman.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/huge/huge_file.h"
#include "workloads/lib/extent_map.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/pattern.h"

namespace dt::workloads {
namespace {

enum class Fault { no_map_sync };
const NameTable<Fault> kFaults("a pmd_map_sync_write injection", {
    {Fault::no_map_sync, "no_map_sync"},
});

const WorkloadSpec spec = {
    .name = "pmd_map_sync_write",
    .group = "huge",
    .summary = "MAP_SYNC write faults into fresh blocks: PMD-sized, metadata synced before mapping",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs", "ext4"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"b6fb293f2497", "mm: Define MAP_SYNC and VM_SYNC flags"},
              {"caa51d26f85c", "dax, iomap: Add support for synchronous faults"},
              {"6370740e5f8e", "fs/dax: Fix pmd vs pte conflict detection"}},
    .timeout = std::chrono::seconds(60),
    .variants = {"fallocated"},
    // no_map_sync: map without MAP_SYNC, as a kernel that ignored the flag
    //   would behave: no fault waits for metadata, the NEEDDSYNC proof fails.
    .injections = kFaults,
};

constexpr uint64_t kFileSize = 32ull << 20;
constexpr uint64_t kSeed = 0x5c;
constexpr uint64_t kOwnFaultSlack = 8;

void scenario(Context& ctx) {
  int fd = DT_SYS(open(ctx.path("synced").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  // Unwritten extents, allocated in one piece (2 MiB aligned): every first
  // write fault converts one, a metadata change MAP_SYNC must make durable.
  DT_SYS(fallocate(fd, 0, 0, kFileSize));
  DT_SYS(fsync(fd));
  if (auto problem = misaligned_extent(file_extents(fd), kPmdSize); !problem.empty())
    throw SetupError("precondition for PMD faults not met: " + problem);

  const bool plain = ctx.injected(kFaults, Fault::no_map_sync);
  const int flags = plain ? MAP_SHARED : MAP_SHARED_VALIDATE | MAP_SYNC;
  void* raw = map_aligned(fd, kFileSize, kPmdSize, PROT_READ | PROT_WRITE, flags);
  auto* map = static_cast<uint8_t*>(raw);

  auto [touch, tally] = touch_pmd_traced(ctx, map, kFileSize, true, kSeed);
  const uint64_t pmds = kFileSize / kPmdSize;
  ctx.metric("pmd_needdsync", static_cast<double>(tally.needdsync), "faults");
  DT_ASSERT(touch.signal == 0) << "writing through the MAP_SYNC mapping took "
                               << sigabbrev_np(touch.signal) << " at offset " << touch.signal_offset;
  std::string evidence = tally.fallback_lines.empty() ? "" : "; first fallback: " + tally.fallback_lines[0];
  DT_EXPECT(tally.fallback == 0) << tally.fallback << " of " << tally.events
                                 << " MAP_SYNC PMD write faults fell back to 4 KiB pages although "
                                 << "mapping and extents are 2 MiB aligned" << evidence;
  DT_EXPECT(tally.needdsync == pmds)
      << "expected each of the " << pmds << " first write faults into unwritten 2 MiB extents to "
      << "sync metadata before mapping (NEEDDSYNC), the tracepoint saw " << tally.needdsync
      << " (of " << tally.events << " PMD faults): MAP_SYNC was not honoured";
  DT_EXPECT(touch.faults <= pmds + kOwnFaultSlack)
      << "writing " << size_text(kFileSize) << " took " << touch.faults << " page faults, expected "
      << pmds << " (one per 2 MiB): the MAP_SYNC mapping was not served with PMDs";
  munmap(map, kFileSize);

  for (const auto& extent : file_extents(fd))
    DT_EXPECT(!(extent.flags & FIEMAP_EXTENT_UNWRITTEN))
        << "after MAP_SYNC write faults the extent at file offset " << extent.logical << " ("
        << size_text(extent.length) << ") is still unwritten";
  auto bad = first_bad_page_in_file(fd, kFileSize, kSeed);
  DT_EXPECT(!bad) << "the word stored through the MAP_SYNC mapping at file offset " << *bad
                  << " reads back differently through read(2)";
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
