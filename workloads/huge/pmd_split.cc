// Splitting a PMD-mapped DAX file mapping at a 4 KiB boundary inside a huge
// page (munmap, mprotect, mremap or MADV_DONTNEED of one page) must do
// exactly what it says to that page and nothing to the other 511 or to the
// file: the page is gone, read-only, moved or refaulted; every other page
// still maps its own file offset, writes through it reach the file, and
// the kernel log stays clean (splitting a devmap PMD zaps it, a path that
// has BUG()ed and leaked before).
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/page_touch.h"
#include "workloads/huge/huge_file.h"

namespace dt::workloads {
namespace {

enum class Split { munmap, mprotect, mremap, dontneed };
const NameTable<Split> kSplits("a pmd_split variant",
    {{Split::munmap, "munmap"}, {Split::mprotect, "mprotect"}, {Split::mremap, "mremap"},
     {Split::dontneed, "dontneed"}});

// split_skipped: leave the page alone instead of splitting the PMD, as a
//   kernel that ignored the call would; the check on the page fails.
enum class Fault { split_skipped };
const NameTable<Fault> kFaults("a pmd_split injection", {{Fault::split_skipped, "split_skipped"}});

const WorkloadSpec spec = {
    .name = "pmd_split",
    .group = "huge",
    .summary = "munmap/mprotect/mremap/MADV_DONTNEED of one page inside a DAX PMD affects that page only",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs", "ext4"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"5c7fb56e5e3f", "mm, dax: dax-pmd vs thp-pmd vs hugetlbfs-pmd"}},
    .timeout = std::chrono::seconds(60),
    .variants = kSplits,
    .injections = kFaults,
};

constexpr uint64_t kFileSize = 4 * kPmdSize;
// One page in the middle of the second huge page: both neighbours of the
// split remain inside the same PMD.
constexpr uint64_t kSplitPage = kPmdSize + kPmdSize / 2;
constexpr uint64_t kSeed = 0x5B;
constexpr uint64_t kNewSeed = 0x5C;

// Each page of the file at `offset`..`offset + length` holds `seed`'s word.
void expect_file_words(Context& ctx, int fd, uint64_t offset, uint64_t length, uint64_t seed,
                       const char* what) {
  for (uint64_t off = offset; off < offset + length; off += kPageSize) {
    uint64_t word = 0;
    DT_SYS(pread(fd, &word, sizeof word, static_cast<off_t>(off)));
    if (word == pattern_word(seed, off)) continue;
    DT_EXPECT(false) << ctx.variant() << ": file offset " << off << " does not hold " << what;
    return;
  }
}

void scenario(Context& ctx) {
  const Split how = ctx.variant(kSplits);
  PmdMappedFile file = map_pmd_pattern_file(ctx, "split", kFileSize, kSeed,
                                            PROT_READ | PROT_WRITE, MAP_SHARED);
  uint8_t* map = file.map;
  uint8_t* page = map + kSplitPage;
  const bool skip = ctx.injected(kFaults, Fault::split_skipped);

  // The split, and the one check that it happened to the page.
  uint8_t* moved = nullptr;
  uint8_t* reservation = nullptr;
  if (how == Split::munmap) {
    if (!skip) DT_SYS(munmap(page, kPageSize));
    TouchResult probe = touch_pages(page, kPageSize, false, kSeed, kSplitPage);
    DT_EXPECT(probe.signal == SIGSEGV)
        << "the page unmapped from the middle of a PMD still reads ("
        << (probe.signal ? sigabbrev_np(probe.signal) : "no signal") << ")";
  } else if (how == Split::mprotect) {
    if (!skip) DT_SYS(mprotect(page, kPageSize, PROT_READ));
    TouchResult probe = touch_pages(page, kPageSize, true, kNewSeed, kSplitPage);
    DT_EXPECT(probe.signal == SIGSEGV)
        << "a write to the page made read-only inside a PMD went through ("
        << (probe.signal ? sigabbrev_np(probe.signal) : "no signal") << ")";
    auto bad = first_bad_page(page, kPageSize, kSeed, kSplitPage);
    DT_EXPECT(!bad) << "the read-only page no longer reads the file's data";
  } else if (how == Split::mremap) {
    // The page moves to a 2 MiB-aligned spot of its own, inside an
    // address-space reservation that MREMAP_FIXED replaces.
    reservation = static_cast<uint8_t*>(DT_SYS(mmap(nullptr, 2 * kPmdSize, PROT_NONE,
                                                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
    void* target = reinterpret_cast<void*>(
        (reinterpret_cast<uintptr_t>(reservation) + kPmdSize - 1) & ~(kPmdSize - 1));
    if (!skip) {
      moved = static_cast<uint8_t*>(DT_SYS(
          mremap(page, kPageSize, kPageSize, MREMAP_MAYMOVE | MREMAP_FIXED, target)));
    } else {
      moved = static_cast<uint8_t*>(DT_SYS(mmap(target, kPageSize, PROT_READ | PROT_WRITE,
                                                MAP_SHARED | MAP_FIXED, file.fd,
                                                static_cast<off_t>(kSplitPage))));
    }
    TouchResult probe = touch_pages(page, kPageSize, false, kSeed, kSplitPage);
    DT_EXPECT(probe.signal == SIGSEGV)
        << "the page moved out of the middle of a PMD still reads at its old address ("
        << (probe.signal ? sigabbrev_np(probe.signal) : "no signal") << ")";
    TouchResult at_new = touch_pages(moved, kPageSize, false, kSeed, kSplitPage);
    DT_ASSERT(at_new.signal == 0) << "the moved page does not read at its new address ("
                                  << sigabbrev_np(at_new.signal) << ")";
    auto bad = first_bad_page(moved, kPageSize, kSeed, kSplitPage);
    DT_EXPECT(!bad) << "the moved page does not read its file offset's data at its new address";
  } else if (how == Split::dontneed) {
    if (!skip) DT_SYS(madvise(page, kPageSize, MADV_DONTNEED));
    // The zap must have taken the page's mapping (with the whole PMD); the
    // data, being the file's, must come back on the refault.
    TouchResult refault = touch_pages(map + kPmdSize, kPmdSize, false, kSeed, kPmdSize);
    DT_ASSERT(refault.signal == 0) << "re-reading after MADV_DONTNEED took "
                                   << sigabbrev_np(refault.signal);
    DT_EXPECT(refault.faults >= 1)
        << "re-reading the huge page after MADV_DONTNEED of one of its pages took no fault: "
           "the page was not zapped";
  }

  // Every other page still maps its own file offset.
  const bool page_gone = how == Split::munmap || how == Split::mremap;
  auto bad_before = first_bad_page(map, kSplitPage, kSeed);
  auto bad_after = first_bad_page(page + kPageSize, kFileSize - kSplitPage - kPageSize, kSeed,
                                  kSplitPage + kPageSize);
  DT_EXPECT(!bad_before && !bad_after)
      << "after the " << kSplits.name(how) << " split, the mapping at offset "
      << (bad_before ? *bad_before : kSplitPage + kPageSize + *bad_after)
      << " no longer reads its file offset's data";
  if (!page_gone && how != Split::mprotect) {
    auto bad = first_bad_page(page, kPageSize, kSeed, kSplitPage);
    DT_EXPECT(!bad) << "the page at " << kSplitPage << " reads wrong data after "
                    << kSplits.name(how);
  }

  // Writes through the split mapping (PTEs now, next to untouched PMDs)
  // reach the file; the split page keeps its data unless written.
  TouchResult w1 = touch_pages(map, kSplitPage, true, kNewSeed);
  TouchResult w2 = touch_pages(page + kPageSize, kFileSize - kSplitPage - kPageSize, true,
                               kNewSeed, kSplitPage + kPageSize);
  DT_ASSERT(w1.signal == 0 && w2.signal == 0)
      << "writing through the rest of the split mapping took "
      << sigabbrev_np(w1.signal ? w1.signal : w2.signal);
  if (how == Split::mremap && moved) {
    TouchResult w3 = touch_pages(moved, kPageSize, true, kNewSeed, kSplitPage);
    DT_ASSERT(w3.signal == 0) << "writing the moved page took " << sigabbrev_np(w3.signal);
  } else if (how == Split::dontneed) {
    TouchResult w3 = touch_pages(page, kPageSize, true, kNewSeed, kSplitPage);
    DT_ASSERT(w3.signal == 0) << "writing the zapped page took " << sigabbrev_np(w3.signal);
  }
  expect_file_words(ctx, file.fd, 0, kSplitPage, kNewSeed, "the word written through the mapping");
  expect_file_words(ctx, file.fd, kSplitPage + kPageSize, kFileSize - kSplitPage - kPageSize,
                    kNewSeed, "the word written through the mapping");
  const bool page_written = how == Split::mremap || how == Split::dontneed;
  expect_file_words(ctx, file.fd, kSplitPage, kPageSize, page_written ? kNewSeed : kSeed,
                    page_written ? "the word written through the split page"
                                 : "its original data (the split page was not written)");

  if (reservation) munmap(reservation, 2 * kPmdSize);
  unmap_and_close(file);  // munmap of a range with a hole in it is fine
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
