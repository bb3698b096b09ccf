// Write faults and hole punches on the same indexes of a DAX file, at once:
// two threads store into every page of a 2 MiB-aligned mapping (PMD and
// 4 KiB faults as the blocks come and go) while a third punches the whole
// 2 MiB or 64 KiB of it, over and over. Truncating the page cache of a DAX
// mapping scans the xarray while faults lock and unlock its entries; since
// the v6.15 rework the scan must wait for a locked entry instead of skipping
// it, or truncate_folio_batch_exceptionals() finds an entry it cannot
// remove (WARNING, seen now and then in fstests generic/068 on XFS DAX;
// dd59137bfe70 fixed the fix that introduced it). Asserted: no fault
// fails, and afterwards every page of the file holds either zeroes (punched
// last) or the workload's own word for that offset, the same through the
// mapping and through read(2).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/huge/huge_file.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/process_probe.h"

namespace dt::workloads {
namespace {

enum class Fault { foreign_store };
const NameTable<Fault> kFaults("a punch_races_faults injection",
                               {{Fault::foreign_store, "foreign_store"}});

const WorkloadSpec spec = {
    .name = "punch_races_faults",
    .group = "huge",
    .summary = "hole punches racing write faults on the same DAX pages leave each page zero or "
               "its own data, with a clean kernel log",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs", "ext4"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"dd59137bfe70", "fs/dax: Fix \"don't skip locked entries when scanning entries\""}},
    .timeout = std::chrono::seconds(60),
    // foreign_store: one store writes another seed's word, as a fault that
    //   landed on a block of another file would look: the content check
    //   fails.
    .injections = kFaults,
};

constexpr uint64_t kFileSize = kPmdSize;
constexpr uint64_t kSeed = 0xDD59, kForeignSeed = 0xF0;
constexpr double kRaceSeconds = 3.0;

void scenario(Context& ctx) {
  int fd = create_pmd_aligned_file(ctx.path("race"), kFileSize, kSeed);
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, kFileSize, kPmdSize, PROT_READ | PROT_WRITE, MAP_SHARED));

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> stores{0}, punches{0};
  auto writer = [&](uint64_t first_page) {
    uint64_t n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      for (uint64_t off = first_page * kPageSize; off < kFileSize; off += 2 * kPageSize) {
        uint64_t word = pattern_word(kSeed, off);
        memcpy(map + off, &word, sizeof word);
        ++n;
      }
    }
    stores += n;
  };
  std::thread even(writer, 0), odd(writer, 1);
  double start = monotonic_seconds();
  int punch_error = 0;
  for (uint64_t i = 0; monotonic_seconds() - start < kRaceSeconds; ++i) {
    // The whole 2 MiB (the PMD entry), then 64 KiB of it (4 KiB entries in
    // a block no longer whole), at a moving place.
    uint64_t offset = i % 2 == 0 ? 0 : ((i * 64) % 31 + 1) * (64ull << 10);
    uint64_t length = i % 2 == 0 ? kFileSize : 64ull << 10;
    if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                  static_cast<off_t>(length)) != 0) {
      punch_error = errno;
      break;
    }
    ++punches;
  }
  stop = true;
  even.join();
  odd.join();
  ctx.metric("punches", static_cast<double>(punches.load()), "calls");
  ctx.metric("stores", static_cast<double>(stores.load()), "stores");
  if (punch_error) throw SetupError("fallocate(PUNCH_HOLE) during the race: " + errno_name(punch_error));
  if (ctx.injected(kFaults, Fault::foreign_store)) {
    uint64_t word = pattern_word(kForeignSeed, 3 * kPageSize);
    memcpy(map + 3 * kPageSize, &word, sizeof word);
  }
  DT_SYS(msync(map, kFileSize, MS_SYNC));

  std::vector<uint8_t> file(kFileSize);
  DT_SYS(pread(fd, file.data(), kFileSize, 0));
  uint64_t zero_pages = 0;
  for (uint64_t off = 0; off < kFileSize; off += kPageSize) {
    uint64_t word = 0;
    memcpy(&word, file.data() + off, sizeof word);
    if (word == 0) ++zero_pages;
    if (word == 0 || word == pattern_word(kSeed, off)) continue;
    DT_EXPECT(false) << "after " << punches.load() << " punches racing " << stores.load()
                     << " stores, file offset " << off << " holds "
                     << whose_data(file.data() + off, {{"this offset's word", kSeed, off},
                                                       {"another file's word", kForeignSeed, off}})
                     << ", neither zeroes nor its own word";
    break;
  }
  ctx.metric("zero_pages_after", static_cast<double>(zero_pages), "pages");
  DT_EXPECT(memcmp(map, file.data(), kFileSize) == 0)
      << "after the race the mapping and read(2) disagree about the file";
  DT_SYS(munmap(map, kFileSize));
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
