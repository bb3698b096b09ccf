// A DAX file's 2 MiB block mapped by a PMD is one order-9 folio. A hole
// punched (or a truncate) inside it takes the PMD down; the blocks that stay
// in the file are then mapped 4 KiB at a time, each page as a folio of its
// own. Since the v6.15 refcount rework the folio's order and page count
// must be reset when the PMD mapping goes idle, or a later 4 KiB fault
// finds a page still claiming to head 512 (NULL dereference in
// __lruvec_stat_mod_folio, fixed by 98b1917cdef9). Asserted: every 4 KiB
// write fault after the split lands where it was made, the punched range
// reads zeroes where nothing was stored, the kept pages their old data.
//
// Variants: punch (FALLOC_FL_PUNCH_HOLE of 64 KiB inside the first 2 MiB)
// and truncate (the file cut to 1 MiB plus a page, then grown back).
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/huge/huge_file.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/pattern.h"

namespace dt::workloads {
namespace {

enum class Cut { punch, truncate };
const NameTable<Cut> kCuts("a pmd_punch_then_pte_faults variant",
                           {{Cut::punch, "punch"}, {Cut::truncate, "truncate"}});

enum class Fault { skip_cut };
const NameTable<Fault> kFaults("a pmd_punch_then_pte_faults injection",
                               {{Fault::skip_cut, "skip_cut"}});

const WorkloadSpec spec = {
    .name = "pmd_punch_then_pte_faults",
    .group = "huge",
    .summary = "4 KiB write faults in a 2 MiB DAX block after a punch or truncate took its PMD "
               "down land where they are made",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs", "ext4"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"98b1917cdef9",
               "fs/dax: fix folio splitting issue by resetting old folio order + _nr_pages"}},
    .timeout = std::chrono::seconds(60),
    .variants = kCuts,
    // skip_cut: neither punch nor truncate, as a kernel that ignored the
    //   call would look: the zeroes check over the cut range fails.
    .injections = kFaults,
};

constexpr uint64_t kFileSize = 2 * kPmdSize;
constexpr uint64_t kSeed = 0x98B1, kNewSeed = 0x98B2;
// punch: 64 KiB in the middle of the first huge page.
constexpr uint64_t kHole = kPmdSize / 2, kHoleLength = 64ull << 10;
// truncate: everything from 1 MiB + 4 KiB on, grown back to the full size.
constexpr uint64_t kCutAt = (1ull << 20) + kPageSize;

void scenario(Context& ctx) {
  const Cut cut = ctx.variant(kCuts);
  PmdMappedFile file = map_pmd_pattern_file(ctx, "split", kFileSize, kSeed,
                                            PROT_READ | PROT_WRITE, MAP_SHARED);
  // The PMD of the first huge page is written through too, so the folio
  // is in use (mapped and dirty) when it is cut.
  TouchResult written = touch_pages(file.map, kPmdSize, true, kSeed);
  DT_ASSERT(written.signal == 0) << "writing through the PMD took " << sigabbrev_np(written.signal);

  const uint64_t cut_from = cut == Cut::punch ? kHole : kCutAt;
  const uint64_t cut_to = cut == Cut::punch ? kHole + kHoleLength : kFileSize;
  if (!ctx.injected(kFaults, Fault::skip_cut)) {
    if (cut == Cut::punch) {
      DT_SYS(fallocate(file.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       static_cast<off_t>(kHole), static_cast<off_t>(kHoleLength)));
    } else {
      DT_SYS(ftruncate(file.fd, static_cast<off_t>(kCutAt)));
      DT_SYS(ftruncate(file.fd, static_cast<off_t>(kFileSize)));
    }
  }

  // 4 KiB write faults over the first huge page: every other page, in the
  // kept part and the cut part alike (the mapping is still 2 MiB aligned;
  // the block is no longer whole, so each fault is served with a PTE).
  std::vector<uint64_t> stores;
  for (uint64_t off = 0; off < kPmdSize; off += 2 * kPageSize) {
    if (off >= cut_from && off < cut_to && (off / kPageSize) % 4 == 2) continue;  // stays a hole
    TouchResult one = touch_pages(file.map + off, kPageSize, true, kNewSeed, off);
    DT_ASSERT(one.signal == 0) << "the 4 KiB write fault at " << off << " after the "
                               << ctx.variant() << " took " << sigabbrev_np(one.signal);
    stores.push_back(off);
  }
  ctx.metric("pte_write_faults", static_cast<double>(stores.size()), "faults");
  DT_SYS(msync(file.map, kFileSize, MS_SYNC));

  std::vector<uint8_t> seen(kPmdSize);
  DT_SYS(pread(file.fd, seen.data(), kPmdSize, 0));
  for (uint64_t off = 0; off < kPmdSize; off += kPageSize) {
    bool stored = off % (2 * kPageSize) == 0 &&
                  !(off >= cut_from && off < cut_to && (off / kPageSize) % 4 == 2);
    bool in_cut = off >= cut_from && off < cut_to;
    uint64_t word = 0;
    memcpy(&word, seen.data() + off, sizeof word);
    uint64_t expected = stored ? pattern_word(kNewSeed, off) : in_cut ? 0 : pattern_word(kSeed, off);
    if (word == expected) continue;
    DT_EXPECT(false) << "file offset " << off << " ("
                     << (stored ? "written by a 4 KiB fault after the cut"
                                : in_cut ? "cut and never written again" : "kept, not written again")
                     << ") holds "
                     << whose_data(seen.data() + off, {{"the new stores", kNewSeed, off},
                                                       {"the data before the cut", kSeed, off}})
                     << " through read(2)";
    break;
  }
  DT_EXPECT(memcmp(file.map, seen.data(), kPmdSize) == 0)
      << "the mapping and read(2) disagree about the first 2 MiB after the " << ctx.variant();
  unmap_and_close(file);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
