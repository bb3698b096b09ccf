// A 2 MiB-aligned shared mapping of an XFS file whose extents are 2 MiB
// aligned must be served with PMD faults: one fault per 2 MiB, each
// reported NOPAGE by fs_dax:dax_pmd_fault_done. A fallback to 4 KiB pages
// while the preconditions hold is a huge-page regression.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/check.h"
#include "core/context.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/pattern_file.h"
#include "workloads/lib/process_probe.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/dax_trace.h"
#include "workloads/lib/extent_map.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pmd_fault_xfs",
    .group = "huge",
    .summary = "a 64 MiB aligned DAX mapping on XFS takes 32 PMD faults, none falls back",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"6370740e5f8e", "fs/dax: Fix pmd vs pte conflict detection"}},
    .timeout = std::chrono::seconds(60),
    .variants = {"write", "read"},
    // misaligned_mapping: place the mapping 4 KiB off a 2 MiB boundary, so
    //   the kernel must fall back; the fault-size proof must report it.
    .injections = {"misaligned_mapping"},
};

constexpr uint64_t kFileSize = 64ull << 20;
constexpr uint64_t kSeed = 0x9D;

void scenario(Context& ctx) {
  const bool write_faults = ctx.variant() == "write";
  int fd = DT_SYS(open(ctx.path("huge").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (write_faults) {
    DT_SYS(fallocate(fd, 0, 0, kFileSize));   // unwritten, aligned by the extsize hint
  } else {
    close(fd);
    fd = create_pattern_file(ctx.path("huge"), kFileSize, kSeed);
  }
  // Precondition: without aligned extents a fallback is expected, not a bug.
  if (auto problem = misaligned_extent(file_extents(fd), kPmdSize); !problem.empty())
    throw SetupError("precondition for PMD faults not met: " + problem);

  const bool misalign = ctx.injected("misaligned_mapping");
  const uint64_t length = misalign ? kFileSize - kPmdSize : kFileSize;
  int prot = write_faults ? PROT_READ | PROT_WRITE : PROT_READ;
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, length, kPmdSize, prot, MAP_SHARED, 0, misalign ? kPageSize : 0));

  DaxTrace trace("dax_pmd_fault_done");
  uint64_t faults_before = page_faults();
  double started = monotonic_seconds();
  // volatile: the loads exist only for their faults; the compiler must not
  // drop them.
  volatile uint8_t* touch = map;
  for (uint64_t off = 0; off < length; off += kPageSize) {
    if (write_faults) touch[off] = static_cast<uint8_t>(off >> 12);
    else (void)touch[off];
  }
  double elapsed = monotonic_seconds() - started;
  uint64_t faults = page_faults() - faults_before;
  DaxTraceTally tally = trace.collect();
  trace.save(ctx.env().artifacts_dir + "/trace-dax_pmd_fault_done.txt");

  const uint64_t expected = length / kPmdSize;
  ctx.metric("page_faults", static_cast<double>(faults), "faults");
  ctx.metric("pmd_nopage", static_cast<double>(tally.nopage), "faults");
  ctx.metric("pmd_fallback", static_cast<double>(tally.fallback), "faults");
  ctx.metric("touch_time", elapsed * 1e3, "ms");
  std::string evidence = tally.fallback_lines.empty() ? "" : "; first fallback: " + tally.fallback_lines[0];
  DT_EXPECT(tally.fallback == 0)
      << tally.fallback << " of " << tally.events << " PMD faults fell back to 4 KiB pages although "
      << "mapping and extents are 2 MiB aligned" << evidence;
  DT_EXPECT(tally.nopage == expected)
      << "expected " << expected << " PMD faults served (NOPAGE) over " << (length >> 20)
      << " MiB, the tracepoint saw " << tally.nopage;
  // A few faults of the process itself (stack, libc) may land in the window.
  DT_EXPECT(faults <= expected + 8)
      << "touching " << (length >> 20) << " MiB took " << faults << " page faults, expected "
      << expected << " (one per 2 MiB): the mapping was not served with PMDs";

  munmap(map, length);
  if (!write_faults) {
    // The data read through the huge mapping is the file's data.
    auto* check = static_cast<uint8_t*>(DT_SYS(mmap(nullptr, kFileSize, PROT_READ, MAP_SHARED, fd, 0)));
    auto bad = find_mismatch(check, kFileSize, kSeed, 0);
    DT_EXPECT(!bad) << "data read through the DAX mapping differs from the file: " << bad->describe();
    munmap(check, kFileSize);
  } else {
    std::vector<uint8_t> page(kPageSize);
    for (uint64_t off = 0; off < length; off += kPmdSize) {
      DT_SYS(pread(fd, page.data(), 1, static_cast<off_t>(off)));
      DT_EXPECT(page[0] == static_cast<uint8_t>(off >> 12))
          << "byte at " << off << " written through the mapping reads back as " << int(page[0]);
    }
  }
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
