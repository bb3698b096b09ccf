// Read-faulting a hole of a DAX file through a 2 MiB-aligned mapping maps
// the huge zero page; a write(2) into the hole allocates blocks, and must
// take that zero-page mapping down, or the mapping keeps reading zeroes
// where the file now has data (the stale-mapping class of xfstests
// generic/428).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/dax_trace.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/map_sharing.h"

namespace dt::workloads {
namespace {

enum class Fault { write_other_file };
const NameTable<Fault> kFaults("a pmd_hole_then_write injection", {
    {Fault::write_other_file, "write_other_file"},
});

const WorkloadSpec spec = {
    .name = "pmd_hole_then_write",
    .group = "huge",
    .summary = "a PMD zero-page mapping of a hole shows the data write(2) puts there",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs", "ext4"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"cd656375f946", "mm: fix data corruption due to stale mmap reads"}},
    .timeout = std::chrono::seconds(60),
    .variants = map_sharings(),
    // write_other_file: write(2) the data into another file, as a kernel
    //   that left the zero page mapped would look to the reader; the check
    //   of the data seen through the mapping fails.
    .injections = kFaults,
};

constexpr uint64_t kFileSize = 2 * kPmdSize;
constexpr uint64_t kSeed = 0x428;
// Part of the first huge page, all of the second.
constexpr uint64_t kSmallWrite = 1ull << 20, kSmallLength = 64ull << 10;

void pwrite_pattern(int fd, uint64_t offset, uint64_t length) {
  std::vector<uint8_t> data(length);
  fill_pattern(data.data(), length, kSeed, offset);
  ssize_t done = DT_SYS(pwrite(fd, data.data(), length, static_cast<off_t>(offset)));
  if (static_cast<uint64_t>(done) != length) throw SetupError("short write(2) into the hole");
}

void scenario(Context& ctx) {
  int fd = DT_SYS(open(ctx.path("holes").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  DT_SYS(ftruncate(fd, static_cast<off_t>(kFileSize)));
  const int flags = mmap_flag(ctx.variant(map_sharings()));
  auto* map = static_cast<uint8_t*>(map_aligned(fd, kFileSize, kPmdSize, PROT_READ, flags));

  DaxTrace trace("dax_pmd_fault_done");
  TouchResult touch = touch_pages(map, kFileSize, false, kSeed);
  DaxTraceTally tally = trace.collect();
  trace.save(ctx.env().artifacts_dir + "/trace-hole-read.txt");
  ctx.metric("pmd_nopage", static_cast<double>(tally.nopage), "faults");
  ctx.metric("pmd_fallback", static_cast<double>(tally.fallback), "faults");
  DT_ASSERT(touch.signal == 0) << "reading the hole took " << sigabbrev_np(touch.signal);
  std::string evidence = tally.fallback_lines.empty() ? "" : "; first fallback: " + tally.fallback_lines[0];
  DT_EXPECT(tally.fallback == 0 && tally.nopage == kFileSize / kPmdSize)
      << "the hole was not mapped with PMD zero pages: " << tally.nopage << " NOPAGE, "
      << tally.fallback << " FALLBACK over " << size_text(kFileSize) << evidence;
  auto not_zero = find_mismatch_byte(map, kFileSize, 0, 0);
  DT_ASSERT(!not_zero) << "the hole does not read as zeroes: " << not_zero->describe();

  int target = fd, other = -1;
  if (ctx.injected(kFaults, Fault::write_other_file)) {
    other = DT_SYS(open(ctx.path("elsewhere").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    target = other;
  }
  pwrite_pattern(target, kSmallWrite, kSmallLength);
  pwrite_pattern(target, kPmdSize, kPmdSize);

  // The file, through read(2), has the data (else the write itself failed).
  std::vector<uint8_t> file(kFileSize);
  DT_SYS(pread(fd, file.data(), kFileSize, 0));
  // The mapping must show what read(2) shows, in the written ranges and
  // around them.
  auto small = find_mismatch(map + kSmallWrite, kSmallLength, kSeed, kSmallWrite);
  DT_EXPECT(!small) << "after write(2) of " << size_text(kSmallLength) << " into the hole at "
                    << kSmallWrite << ", the " << ctx.variant()
                    << " mapping reads stale data: " << small->describe();
  auto whole = find_mismatch(map + kPmdSize, kPmdSize, kSeed, kPmdSize);
  DT_EXPECT(!whole) << "after write(2) of the whole second 2 MiB, the " << ctx.variant()
                    << " mapping reads stale data: " << whole->describe();
  auto before = find_mismatch_byte(map, kSmallWrite, 0, 0);
  auto after = find_mismatch_byte(map + kSmallWrite + kSmallLength,
                                  kPmdSize - kSmallWrite - kSmallLength, 0,
                                  kSmallWrite + kSmallLength);
  DT_EXPECT(!before && !after) << "the unwritten part of the first 2 MiB no longer reads zeroes: "
                               << (before ? before : after)->describe();
  DT_EXPECT(memcmp(map, file.data(), kFileSize) == 0)
      << "the mapping and read(2) disagree about the file's contents";

  munmap(map, kFileSize);
  if (other >= 0) close(other);
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
