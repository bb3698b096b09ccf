// PMD faults on fsdax, one row per filesystem: a 2 MiB-aligned shared
// mapping of a file whose extents are 2 MiB aligned must be served with
// PMD faults, one per 2 MiB, each reported NOPAGE by
// fs_dax:dax_pmd_fault_done. A fallback to 4 KiB pages while the
// preconditions hold is a huge-page regression. The rows differ only in
// their spec: how each filesystem gets aligned extents is the fixture's
// business (xfs: the test directory's 2 MiB extsize hint; ext4: a 2 MiB
// stripe) and create_pmd_aligned_file's (one allocation of the whole file).
//
//   pmd_fault_xfs   on XFS
//   pmd_fault_ext4  on ext4
//
// Variants: write (write faults into the fallocated file; every word
// written reads back through read(2)) and read (read faults of a file that
// holds a pattern; the mapping reads the file's data).
// Injection misaligned_mapping: the mapping is placed 4 KiB off a 2 MiB
// boundary, so the kernel must fall back; the fault-size proof must
// report it.
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "core/workload_table.h"
#include "workloads/huge/huge_file.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/pattern.h"

namespace dt::workloads {
namespace {

enum class Touch { write, read };
const NameTable<Touch> kTouches("a pmd_fault variant",
    {{Touch::write, "write"}, {Touch::read, "read"}});

enum class Fault { misaligned_mapping };
const NameTable<Fault> kFaults("a pmd_fault injection",
    {{Fault::misaligned_mapping, "misaligned_mapping"}});

struct PmdFaultWorkload {
  const char* name;
  const char* filesystem;
  const char* summary;
  uint64_t seed;
};

const std::vector<PmdFaultWorkload>& table() {
  static const std::vector<PmdFaultWorkload> rows = {
      {"pmd_fault_xfs", "xfs",
       "a 64 MiB aligned DAX mapping on XFS takes 32 PMD faults, none falls back", 0x9D},
      {"pmd_fault_ext4", "ext4",
       "a 64 MiB aligned DAX mapping on ext4 takes 32 PMD faults, none falls back", 0xE4},
  };
  return rows;
}

constexpr uint64_t kFileSize = 64ull << 20;
// A few faults of the process itself (stack, libc) may land in the window.
constexpr uint64_t kOwnFaultSlack = 8;

void run_pmd_fault(Context& ctx, uint64_t seed) {
  const bool write_faults = ctx.variant(kTouches) == Touch::write;
  int fd = create_pmd_aligned_file(ctx.path("huge"), kFileSize,
                                   write_faults ? std::nullopt : std::optional<uint64_t>(seed));

  const bool misalign = ctx.injected(kFaults, Fault::misaligned_mapping);
  const uint64_t length = misalign ? kFileSize - kPmdSize : kFileSize;
  int prot = write_faults ? PROT_READ | PROT_WRITE : PROT_READ;
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, length, kPmdSize, prot, MAP_SHARED, 0, misalign ? kPageSize : 0));

  auto [touch, tally] = touch_pmd_traced(ctx, map, length, write_faults, seed);
  const uint64_t expected = length / kPmdSize;
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
    auto bad = find_mismatch(map, length, seed, 0);
    DT_EXPECT(!bad) << "data read through the DAX mapping differs from the file: " << bad->describe();
  }
  munmap(map, length);
  if (write_faults) {
    // Each word written through the huge mapping reads back through read(2).
    auto bad = first_bad_page_in_file(fd, length, seed);
    DT_EXPECT(!bad) << "the word written through the mapping at file offset " << *bad
                    << " reads back differently through read(2)";
  }
  close(fd);
}

void scenario(Context& ctx, const PmdFaultWorkload& row) { run_pmd_fault(ctx, row.seed); }

WorkloadSpec spec_of(const PmdFaultWorkload& row) {
  WorkloadSpec spec = {
      .name = row.name,
      .group = "huge",
      .summary = row.summary,
      .needs = {.mode = NamespaceMode::fsdax,
                .filesystems = {row.filesystem},
                .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
      .fixes = {{"6370740e5f8e", "fs/dax: Fix pmd vs pte conflict detection"}},
      .timeout = std::chrono::seconds(60),
      .variants = kTouches,
      .injections = kFaults,
  };
  return spec;
}

DT_WORKLOAD_FAMILY(table(), spec_of, scenario);

}  // namespace
}  // namespace dt::workloads
