// Concurrent faults on one 2 MiB range of a MAP_PRIVATE DAX mapping (the
// class of xfstests generic/437): read faults there may be served with a
// PMD, write faults must COW into 4 KiB PTEs, and two threads mixing them
// with MADV_DONTNEED make the kernel install PMDs and PTEs over the same
// range at once. Kernels that lost that race corrupted page tables ("bad
// pmd", "Bad rss-counter state", nr_ptes BUGs: the kernel verdict) or
// handed a thread the wrong page. Checks: every word a thread reads is the
// file's or its own last write; the file itself never changes; and the
// private read faults were served with PMDs (else the race was not run).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/pattern_file.h"
#include "workloads/lib/dax_trace.h"
#include "workloads/lib/extent_map.h"
#include "workloads/lib/pattern.h"

namespace dt::workloads {
namespace {

enum class Fault { foreign_write };
const NameTable<Fault> kFaults("a pmd_private_cow_race injection", {
    {Fault::foreign_write, "foreign_write"},
});

const WorkloadSpec spec = {
    .name = "pmd_private_cow_race",
    .group = "huge",
    .summary = "two threads race read, COW-write and DONTNEED faults on one private DAX PMD",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs", "ext4"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    // The 2017 fixes this class was found with ("mm: avoid spurious 'bad
    // pmd' warning messages", "dax: Fix race between colliding PMD & PTE
    // entries") predate every kernel worth testing; this guards the PMD/PTE
    // conflict handling that replaced them.
    .fixes = {{"6370740e5f8e", "fs/dax: Fix pmd vs pte conflict detection"}},
    .timeout = std::chrono::seconds(120),
    .variants = {"default"},
    // foreign_write: once, a word neither the file nor thread 0 stored is
    //   put where thread 0 reads first, as a kernel that mapped another
    //   page would show it; the read check must fail.
    .injections = kFaults,
};

constexpr uint64_t kSeed = 0x437;
constexpr int kThreads = 2;
constexpr int kRounds = 150;
constexpr int kIterations = 10;

struct RaceState {
  uint8_t* map = nullptr;
  bool inject = false;       // foreign_write
  std::mutex lock;
  std::string first_bad;     // the first wrong word seen, described
  std::atomic<uint64_t> bad_reads{0};
};

// Thread t works on page t of the 2 MiB: reads it (a PMD read fault when
// the range is unmapped), stores its own marker (a COW write fault), then
// drops the whole range. The other thread's DONTNEED may drop this thread's
// COW page at any time, so a read sees the file's word or its own marker.
void racer(RaceState& state, int thread, int round) {
  const uint64_t offset = static_cast<uint64_t>(thread) * kPageSize;
  auto* word = reinterpret_cast<volatile uint64_t*>(state.map + offset);
  const uint64_t file_word = pattern_word(kSeed, offset);
  uint64_t mine = 0;
  for (int i = 0; i < kIterations; ++i) {
    uint64_t seen = *word;
    if (seen != file_word && seen != mine) {
      if (state.bad_reads++ == 0) {
        std::lock_guard<std::mutex> hold(state.lock);
        char text[200];
        snprintf(text, sizeof text,
                 "round %d, thread %d read 0x%016llx at offset %llu: neither the file's word "
                 "0x%016llx nor its own last store 0x%016llx",
                 round, thread, static_cast<unsigned long long>(seen),
                 static_cast<unsigned long long>(offset), static_cast<unsigned long long>(file_word),
                 static_cast<unsigned long long>(mine));
        state.first_bad = text;
      }
    }
    mine = 0xC0E0000000000000ull | (static_cast<uint64_t>(round) << 24) |
           (static_cast<uint64_t>(thread) << 16) | static_cast<uint64_t>(i);
    *word = mine;
    madvise(state.map, kPmdSize, MADV_DONTNEED);
    usleep(static_cast<useconds_t>((round * 7 + i * 13 + thread * 29) % 97));
  }
}

void scenario(Context& ctx) {
  int fd = create_pattern_file(ctx.path("cow"), kPmdSize, kSeed);
  if (auto problem = misaligned_extent(file_extents(fd), kPmdSize); !problem.empty())
    throw SetupError("precondition for PMD faults not met: " + problem);

  RaceState state;
  state.inject = ctx.injected(kFaults, Fault::foreign_write);
  struct stat file {};
  DT_SYS(fstat(fd, &file));
  DaxTrace trace("dax_pmd_fault_done", file.st_ino);  // the racers are threads
  for (int round = 0; round < kRounds && state.bad_reads == 0; ++round) {
    state.map = static_cast<uint8_t*>(
        map_aligned(fd, kPmdSize, kPmdSize, PROT_READ | PROT_WRITE, MAP_PRIVATE));
    if (state.inject && round == kRounds / 2) {
      // A word neither the file nor thread 0 put there, where thread 0
      // reads first: what a kernel that mapped another page would show.
      *reinterpret_cast<volatile uint64_t*>(state.map) = 0xBADC0FFEE0DDF00Dull;
      racer(state, 0, round);
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) threads.emplace_back(racer, std::ref(state), t, round);
    for (auto& thread : threads) thread.join();
    munmap(state.map, kPmdSize);
  }
  DaxTraceTally tally = trace.collect();
  trace.save(ctx.env().artifacts_dir + "/trace-dax_pmd_fault_done.txt");
  ctx.metric("pmd_nopage", static_cast<double>(tally.nopage), "faults");
  ctx.metric("pmd_fallback", static_cast<double>(tally.fallback), "faults");

  DT_EXPECT(state.bad_reads == 0) << state.bad_reads << " read(s) through the private mapping saw a "
                                  << "wrong word; first: " << state.first_bad;
  // Private write faults fall back to PTEs by design; the reads are the
  // PMD half of the race.
  DT_EXPECT(tally.nopage > 0) << "none of the " << tally.events << " PMD faults over " << kRounds
                              << " rounds was served huge (NOPAGE): private read faults of an "
                              << "aligned mapping fell back, and the PMD/PTE race was not run";
  auto changed = verify_file_pattern(fd, 0, kPmdSize, kSeed);
  DT_EXPECT(!changed) << "stores through MAP_PRIVATE mappings reached the file: " << changed->describe();
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
