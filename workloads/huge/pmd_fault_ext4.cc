// A 2 MiB-aligned shared mapping of an ext4 file whose extents are 2 MiB
// aligned (the fixture makes ext4 with a 2 MiB stripe, and the file is
// preallocated in one piece) must be served with PMD faults: one fault per
// 2 MiB, each reported NOPAGE by fs_dax:dax_pmd_fault_done.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/dax_trace.h"
#include "workloads/lib/extent_map.h"
#include "workloads/lib/page_touch.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pmd_fault_ext4",
    .group = "huge",
    .summary = "a 64 MiB aligned DAX mapping on ext4 takes 32 PMD faults, none falls back",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"ext4"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"6370740e5f8e", "fs/dax: Fix pmd vs pte conflict detection"}},
    .timeout = std::chrono::seconds(60),
    .variants = {"write", "read"},
    // misaligned_mapping: place the mapping 4 KiB off a 2 MiB boundary, so
    //   the kernel must fall back; the fault-size proof must report it.
    .injections = {"misaligned_mapping"},
};

constexpr uint64_t kFileSize = 64ull << 20;
constexpr uint64_t kSeed = 0xE4;
constexpr uint64_t kOwnFaultSlack = 8;

void scenario(Context& ctx) {
  const bool write_faults = ctx.variant() == "write";
  int fd = DT_SYS(open(ctx.path("huge").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  // One allocation of the whole file: ext4's allocator aligns a request of
  // whole stripes to the stripe. Written piecemeal, it would not.
  DT_SYS(fallocate(fd, 0, 0, kFileSize));
  if (!write_faults) {
    std::vector<uint8_t> chunk(1 << 20);
    for (uint64_t off = 0; off < kFileSize; off += chunk.size()) {
      fill_pattern(chunk.data(), chunk.size(), kSeed, off);
      DT_SYS(pwrite(fd, chunk.data(), chunk.size(), static_cast<off_t>(off)));
    }
    DT_SYS(fsync(fd));
  }
  if (auto problem = misaligned_extent(file_extents(fd), kPmdSize); !problem.empty())
    throw SetupError("precondition for PMD faults not met: " + problem);

  const bool misalign = ctx.injected("misaligned_mapping");
  const uint64_t length = misalign ? kFileSize - kPmdSize : kFileSize;
  int prot = write_faults ? PROT_READ | PROT_WRITE : PROT_READ;
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, length, kPmdSize, prot, MAP_SHARED, 0, misalign ? kPageSize : 0));

  DaxTrace trace("dax_pmd_fault_done");
  TouchResult touch = touch_pages(map, length, write_faults, kSeed);
  DaxTraceTally tally = trace.collect();
  trace.save(ctx.env().artifacts_dir + "/trace-dax_pmd_fault_done.txt");

  const uint64_t expected = length / kPmdSize;
  ctx.metric("page_faults", static_cast<double>(touch.faults), "faults");
  ctx.metric("pmd_nopage", static_cast<double>(tally.nopage), "faults");
  ctx.metric("pmd_fallback", static_cast<double>(tally.fallback), "faults");
  ctx.metric("touch_time", touch.seconds * 1e3, "ms");
  DT_ASSERT(touch.signal == 0) << "touching the mapping took " << sigabbrev_np(touch.signal)
                               << " at offset " << touch.signal_offset;
  std::string evidence = tally.fallback_lines.empty() ? "" : "; first fallback: " + tally.fallback_lines[0];
  DT_EXPECT(tally.fallback == 0)
      << tally.fallback << " of " << tally.events << " PMD faults fell back to 4 KiB pages although "
      << "mapping and extents are 2 MiB aligned" << evidence;
  DT_EXPECT(tally.nopage == expected)
      << "expected " << expected << " PMD faults served (NOPAGE) over " << (length >> 20)
      << " MiB, the tracepoint saw " << tally.nopage;
  DT_EXPECT(touch.faults <= expected + kOwnFaultSlack)
      << "touching " << (length >> 20) << " MiB took " << touch.faults << " page faults, expected "
      << expected << " (one per 2 MiB): the mapping was not served with PMDs";

  if (!write_faults) {
    // The data read through the huge mapping is the file's data.
    auto bad = find_mismatch(map, length, kSeed, 0);
    DT_EXPECT(!bad) << "data read through the DAX mapping differs from the file: " << bad->describe();
  }
  munmap(map, length);
  if (write_faults) {
    // Each word written through the huge mapping reads back through read(2).
    auto bad = first_bad_page_in_file(fd, length, kSeed);
    DT_EXPECT(!bad) << "the word written through the mapping at file offset " << *bad
                    << " reads back differently through read(2)";
  }
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
