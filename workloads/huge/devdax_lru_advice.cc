// Since the v6.15 rework a device-dax PMD maps an ordinary (ZONE_DEVICE)
// folio, no longer a special pfn, so the page-table walkers of MADV_COLD,
// MADV_PAGEOUT and mbind(MPOL_MF_MOVE) find it as a folio like any other.
// A device-dax folio is on no LRU, cannot be reclaimed, split or migrated:
// the walkers must skip it ("mm/madvise: skip zone device folios in
// cold/pageout PMD range", "mm/mempolicy: skip zone device folios when
// queueing folios"; a range that covers part of a PMD is what sends
// MADV_COLD/PAGEOUT to split the folio). MADV_FREE is for anonymous memory
// and is refused (EINVAL) on device-dax before any walk; the matching fix
// for madvise_free_huge_pmd() is reached by device-private memory only.
//
// Asserted for each advice over the whole of two 2 MiB pages and over
// 64 KiB inside one: the call's answer (0; EINVAL for MADV_FREE, and for
// mbind inside a page: its VMA split is refused by device-dax), every
// page's data unchanged through the mapping and through a fresh mapping of
// the device, stores through the old mapping still reaching the device, and
// a clean kernel log.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/page_touch.h"

namespace dt::workloads {
namespace {

enum class Advice { cold, pageout, free, mbind_move };
const NameTable<Advice> kAdvice("a devdax_lru_advice variant",
                                {{Advice::cold, "cold"},
                                 {Advice::pageout, "pageout"},
                                 {Advice::free, "free"},
                                 {Advice::mbind_move, "mbind_move"}});

enum class Fault { scribble };
const NameTable<Fault> kFaults("a devdax_lru_advice injection", {{Fault::scribble, "scribble"}});

const WorkloadSpec spec = {
    .name = "devdax_lru_advice",
    .group = "huge",
    .summary = "MADV_COLD/PAGEOUT/FREE and mbind(MPOL_MF_MOVE) over devdax PMDs leave the "
               "device's folios and data alone",
    .needs = {.mode = NamespaceMode::devdax,
              .filesystems = {},
              .min_namespace_bytes = 128ull << 20,
              .devdax_align = kPmdSize,
              .kconfig = {"CONFIG_TRANSPARENT_HUGEPAGE"}},
    // No fix tag: the two fixes named above were found only in rebasing mm
    // trees (mm-unstable, damon/next: a different id in every listing), not
    // with a mainline id to cite.
    .timeout = std::chrono::seconds(45),
    .variants = kAdvice,
    // scribble: a page is overwritten after the advice, as a kernel that
    //   handed the folio to reclaim or migration would leave it: the data
    //   check fails.
    .injections = kFaults,
};

constexpr uint64_t kLength = 4 * kPmdSize;
constexpr uint64_t kSeed = 0xC01D, kLaterSeed = 0xC01E, kScribbleSeed = 0x5C;
// Advice ranges: two whole 2 MiB pages, then 64 KiB inside the fourth.
constexpr uint64_t kWholeFrom = 0, kWholeLength = 2 * kPmdSize;
constexpr uint64_t kPartFrom = 3 * kPmdSize + (1ull << 20), kPartLength = 64ull << 10;

constexpr int kMpolBind = 2, kMpolMfMove = 1 << 1;

// 0 or errno of the advice over [at, at + length).
int advise(Advice advice, uint8_t* at, uint64_t length) {
  long rc;
  if (advice == Advice::mbind_move) {
    unsigned long node0 = 1;
    rc = syscall(SYS_mbind, at, length, kMpolBind, &node0, 2, kMpolMfMove);
  } else {
    int how = advice == Advice::cold ? MADV_COLD : advice == Advice::pageout ? MADV_PAGEOUT : MADV_FREE;
    rc = madvise(at, length, how);
  }
  return rc == 0 ? 0 : errno;
}

void expect_data(const uint8_t* map, uint64_t seed, const std::string& how) {
  auto bad = first_bad_page(map, kLength, seed);
  DT_EXPECT(!bad) << how << ": the page at device offset " << *bad << " no longer holds its data";
}

void scenario(Context& ctx) {
  const Advice advice = ctx.variant(kAdvice);
  if (ctx.env().dax_size < kLength)
    throw SetupError(ctx.env().dax_device + " offers " + size_text(ctx.env().dax_size));
  int fd = DT_SYS(open(ctx.env().dax_device.c_str(), O_RDWR | O_CLOEXEC));
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, kLength, kPmdSize, PROT_READ | PROT_WRITE, MAP_SHARED));
  TouchResult touch = touch_pages(map, kLength, true, kSeed);
  DT_ASSERT(touch.signal == 0) << "writing the devdax mapping took " << sigabbrev_np(touch.signal);
  // 4 per 8 MiB when PMD-mapped (and a few of the process's own); 2048
  // when served 4 KiB at a time.
  DT_EXPECT(touch.faults < 16) << "the mapping took " << touch.faults << " faults over "
                               << size_text(kLength)
                               << ": not PMD-mapped, the walkers would see no huge folio";

  for (auto [from, length] : {std::pair{kWholeFrom, kWholeLength}, std::pair{kPartFrom, kPartLength}}) {
    // MADV_FREE is for anonymous memory only; mbind splits the VMA at the
    // range's ends, which device-dax refuses inside a 2 MiB page.
    const bool part = length < kPmdSize;
    const int expected =
        advice == Advice::free || (advice == Advice::mbind_move && part) ? EINVAL : 0;
    int error = advise(advice, map + from, length);
    if (advice == Advice::mbind_move && error == ENOSYS) ctx.skip("mbind: this kernel has no NUMA");
    ctx.note(ctx.variant() + " over " + size_text(length) + " at " + std::to_string(from) + ": " +
             (error ? errno_name(error) : std::string("0")));
    DT_EXPECT(error == expected) << ctx.variant() << " over " << size_text(length)
                                 << " of the devdax mapping at offset " << from << " returned "
                                 << (error ? errno_name(error) : std::string("0")) << ", expected "
                                 << (expected ? errno_name(expected) : std::string("0"));
  }
  if (ctx.injected(kFaults, Fault::scribble))
    touch_pages(map + kPartFrom, kPageSize, true, kScribbleSeed, kPartFrom);

  expect_data(map, kSeed, "after " + ctx.variant() + ", through the same mapping");
  // Stores after the advice still reach the device: a fresh mapping sees them.
  TouchResult later = touch_pages(map, kLength, true, kLaterSeed);
  DT_ASSERT(later.signal == 0) << "storing after " << ctx.variant() << " took "
                               << sigabbrev_np(later.signal);
  auto* fresh = static_cast<uint8_t*>(map_aligned(fd, kLength, kPmdSize, PROT_READ, MAP_SHARED));
  expect_data(fresh, kLaterSeed, "stores made after " + ctx.variant() + ", seen through a fresh mapping");
  DT_SYS(munmap(fresh, kLength));
  DT_SYS(munmap(map, kLength));
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
