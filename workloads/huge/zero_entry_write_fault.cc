// A read fault on a hole of a DAX file leaves a zero-page entry in the
// mapping's xarray (the huge zero page for a PMD, the zero page for 4 KiB);
// a write fault on the same place then replaces it with a block of the
// file. The zero page belongs to no file: since the v6.15 refcount rework
// the replacement must not "disassociate" it (dax_folio_put on the zero
// folio WARNed, 98c183a4fccf), and must not even turn the entry into a
// folio to look at it (a bogus struct page on architectures whose zero
// page has no plain pfn, 8e2b86140398). What the workload asserts is the
// contract around it: every store lands in the file, the rest of the hole
// still reads zeroes, and a truncate afterwards (which disassociates every
// entry again) leaves the kernel log clean.
//
// Variants: pmd (2 MiB-aligned mapping: PMD zero-page entries, PMD write
// faults) and pte (the mapping 4 KiB off its boundary: 4 KiB entries only).
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/pattern.h"

namespace dt::workloads {
namespace {

enum class Entry { pmd, pte };
const NameTable<Entry> kEntries("a zero_entry_write_fault variant",
                                {{Entry::pmd, "pmd"}, {Entry::pte, "pte"}});

enum class Fault { store_elsewhere };
const NameTable<Fault> kFaults("a zero_entry_write_fault injection",
                               {{Fault::store_elsewhere, "store_elsewhere"}});

const WorkloadSpec spec = {
    .name = "zero_entry_write_fault",
    .group = "huge",
    .summary = "a write fault over a zero-page entry left by a read fault on a hole stores into "
               "the file; truncate after it is clean",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs", "ext4"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"98c183a4fccf", "fs/dax: don't disassociate zero page entries"},
              {"8e2b86140398", "fs/dax: check zero or empty entry before converting xarray entry"}},
    .timeout = std::chrono::seconds(60),
    .variants = kEntries,
    // store_elsewhere: the stores of the first written page go to a page the
    //   workload then expects to be a hole, as a kernel that lost the write
    //   fault would look: the file checks fail.
    .injections = kFaults,
};

constexpr uint64_t kFileSize = 2 * kPmdSize;
constexpr uint64_t kSeed = 0x2E80;
// Pages written after the read faults: one in the middle of the first huge
// page, the whole second one.
constexpr uint64_t kFirstWrite = kPmdSize / 2, kFirstLength = 4 * kPageSize;

void scenario(Context& ctx) {
  int fd = DT_SYS(open(ctx.path("hole").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  DT_SYS(ftruncate(fd, static_cast<off_t>(kFileSize)));
  // pte: the mapping starts 4 KiB past a 2 MiB boundary while the file
  // offset stays 0, so no address is ever 2 MiB-congruent with its offset
  // and no fault can be a PMD.
  const uint64_t misalign = ctx.variant(kEntries) == Entry::pte ? kPageSize : 0;
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, kFileSize, kPmdSize, PROT_READ | PROT_WRITE, MAP_SHARED, 0, misalign));

  TouchResult read = touch_pages(map, kFileSize, false, kSeed);
  DT_ASSERT(read.signal == 0) << "read-faulting the hole took " << sigabbrev_np(read.signal);
  ctx.metric("read_faults", static_cast<double>(read.faults), "faults");
  auto not_zero = find_mismatch_byte(map, kFileSize, 0, 0);
  DT_ASSERT(!not_zero) << "the hole does not read as zeroes: " << not_zero->describe();

  // Write faults over the zero-page entries.
  uint64_t first = kFirstWrite;
  if (ctx.injected(kFaults, Fault::store_elsewhere)) first += kFirstLength;
  TouchResult small = touch_pages(map + first, kFirstLength, true, kSeed, first);
  TouchResult whole = touch_pages(map + kPmdSize, kPmdSize, true, kSeed, kPmdSize);
  DT_ASSERT(small.signal == 0 && whole.signal == 0)
      << "write-faulting over zero-page entries took "
      << sigabbrev_np(small.signal ? small.signal : whole.signal);
  ctx.metric("write_faults", static_cast<double>(small.faults + whole.faults), "faults");
  DT_SYS(msync(map, kFileSize, MS_SYNC));

  // The file through read(2): each store where it was made, zeroes around.
  std::vector<uint8_t> file(kFileSize);
  DT_SYS(pread(fd, file.data(), kFileSize, 0));
  auto expect_stored = [&](uint64_t from, uint64_t to, const char* what) {
    for (uint64_t off = from; off < to; off += kPageSize) {
      uint64_t word = 0;
      memcpy(&word, file.data() + off, sizeof word);
      if (word == pattern_word(kSeed, off)) continue;
      DT_EXPECT(false) << "the store through the " << ctx.variant() << " mapping at file offset "
                       << off << " (" << what << ") is not in the file: read(2) finds "
                       << whose_data(file.data() + off, {{"the workload's pattern", kSeed, off}});
      return;
    }
  };
  expect_stored(kFirstWrite, kFirstWrite + kFirstLength, "a 4 KiB write fault over a zero-page entry");
  expect_stored(kPmdSize, kFileSize, "the second 2 MiB, written whole over a zero-page entry");
  auto before = find_mismatch_byte(file.data(), kFirstWrite, 0, 0);
  auto after = find_mismatch_byte(file.data() + kFirstWrite + kFirstLength,
                                  kPmdSize - kFirstWrite - kFirstLength, 0,
                                  kFirstWrite + kFirstLength);
  DT_EXPECT(!before && !after) << "the unwritten part of the first 2 MiB no longer reads zeroes: "
                               << (before ? before : after)->describe();
  DT_EXPECT(memcmp(map, file.data(), kFileSize) == 0)
      << "the mapping and read(2) disagree about the file";

  // Every entry, zero-page or block, is disassociated again by truncate.
  DT_SYS(munmap(map, kFileSize));
  DT_SYS(ftruncate(fd, 0));
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
