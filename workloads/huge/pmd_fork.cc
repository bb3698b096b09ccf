// fork() of a process with a PMD-mapped DAX file: with MAP_SHARED the child
// writes through its mapping and the parent sees it (in its mapping and in
// the file); with MAP_PRIVATE every write is copy-on-write, so neither the
// other process nor the file sees it, and a page the parent copied before
// the fork is the child's inherited copy, not the file's data.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/map_sharing.h"
#include "workloads/huge/huge_file.h"

namespace dt::workloads {
namespace {

enum class Fault { swap_sharing };
const NameTable<Fault> kFaults("a pmd_fork injection", {{Fault::swap_sharing, "swap_sharing"}});

const WorkloadSpec spec = {
    .name = "pmd_fork",
    .group = "huge",
    .summary = "fork with PMD-mapped DAX: MAP_SHARED writes are shared, MAP_PRIVATE ones copied",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs", "ext4"},
              .kconfig = {"CONFIG_FS_DAX_PMD", "CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"5c7fb56e5e3f", "mm, dax: dax-pmd vs thp-pmd vs hugetlbfs-pmd"}},
    .timeout = std::chrono::seconds(60),
    .variants = map_sharings(),
    // Out of the default set to keep the huge workloads within their share
    // of a TCG run (about 17 s for the four instances); run it by name.
    .in_default_set = false,
    // swap_sharing: map MAP_PRIVATE where MAP_SHARED belongs and the other
    //   way round, as a kernel that got the sharing of a huge mapping wrong
    //   across fork would behave; the checks of who sees what fail.
    .injections = kFaults,
};

constexpr uint64_t kFileSize = 2 * kPmdSize;
constexpr uint64_t kSeed = 0xF0;
constexpr uint64_t kParentSeed = 0xF1;   // parent's copy-on-write page, before fork
constexpr uint64_t kChildSeed = 0xF2;    // what the child writes

// Child exit codes.
enum : int { kChildOk = 0, kChildSignal = 10, kChildOwnWriteLost, kChildInheritedWrong };

int child(uint8_t* map) {
  // The parent's pre-fork write: a shared write reached the file, a private
  // one is a copy the child inherits.
  if (first_bad_page(map, kPageSize, kParentSeed)) return kChildInheritedWrong;
  if (first_bad_page(map + kPageSize, kPmdSize - kPageSize, kSeed, kPageSize))
    return kChildInheritedWrong;
  // The whole second huge page: a PMD write (shared) or a split and 512
  // copies (private).
  TouchResult write = touch_pages(map + kPmdSize, kPmdSize, true, kChildSeed, kPmdSize);
  if (write.signal) return kChildSignal;
  if (first_bad_page(map + kPmdSize, kPmdSize, kChildSeed, kPmdSize)) return kChildOwnWriteLost;
  return kChildOk;
}

void scenario(Context& ctx) {
  const bool shared = ctx.variant(map_sharings()) == MapSharing::shared;
  const bool swap = ctx.injected(kFaults, Fault::swap_sharing);
  const int flags = (shared != swap) ? MAP_SHARED : MAP_PRIVATE;
  PmdMappedFile file =
      map_pmd_pattern_file(ctx, "forked", kFileSize, kSeed, PROT_READ | PROT_WRITE, flags);
  uint8_t* map = file.map;

  // A write before the fork into the first huge page: shared, it goes to
  // the file through a PMD write fault; private, it splits the PMD and
  // copies one page.
  TouchResult before = touch_pages(map, kPageSize, true, kParentSeed);
  DT_ASSERT(before.signal == 0) << "writing before fork took " << sigabbrev_np(before.signal);

  pid_t pid = DT_SYS(fork());
  if (pid == 0) _exit(child(map));
  int status = 0;
  DT_SYS(waitpid(pid, &status, 0));
  DT_ASSERT(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  const char* child_problems[] = {"", "its write took a signal", "its own write did not read back",
                                  "it did not inherit the parent's data"};
  int code = WEXITSTATUS(status);
  DT_EXPECT(code == kChildOk) << "child (" << ctx.variant() << "): "
                              << (code >= kChildSignal && code <= kChildInheritedWrong
                                      ? child_problems[code - kChildSignal + 1]
                                      : "exit code " + std::to_string(code));

  // What the parent sees of the child's write, through its mapping and the
  // file: all of it when shared, none of it when private.
  const uint64_t parent_expects = shared ? kChildSeed : kSeed;
  auto in_map = first_bad_page(map + kPmdSize, kPmdSize, parent_expects, kPmdSize);
  DT_EXPECT(!in_map) << "the parent's " << ctx.variant() << " mapping at offset "
                     << kPmdSize + *in_map << " does not read "
                     << (shared ? "the child's write" : "the file's data (the child's private "
                                                        "copy leaked into it)");
  for (uint64_t off = 0; off < kFileSize; off += kPageSize) {
    uint64_t word = 0;
    DT_SYS(pread(file.fd, &word, sizeof word, static_cast<off_t>(off)));
    uint64_t seed = off < kPageSize ? (shared ? kParentSeed : kSeed)
                                    : off < kPmdSize ? kSeed : parent_expects;
    if (word == pattern_word(seed, off)) continue;
    DT_EXPECT(false) << "file offset " << off << " after fork (" << ctx.variant()
                     << ") does not hold what it should: "
                     << (shared ? "a shared write did not reach the file"
                                : "a private write reached the file");
    break;
  }
  unmap_and_close(file);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
