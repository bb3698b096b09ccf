// A device-dax mapping can only be split on its alignment: munmap or
// mprotect of 4 KiB inside a 2 MiB page must be refused with EINVAL and
// leave the mapping whole and working, while the same call on a 2 MiB
// boundary must do what it says. Before the check, an unaligned munmap
// reached a BUG in the huge-page split.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "workloads/common/dax_file.h"
#include "workloads/common/huge_fault.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "devdax_split",
    .group = "huge",
    .summary = "devdax refuses munmap/mprotect inside a 2 MiB page, honours them on its boundary",
    .needs = {.mode = NamespaceMode::devdax,
              .filesystems = {},
              .min_namespace_bytes = 128ull << 20,
              .devdax_align = kPmdSize,
              .kconfig = {"CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"9702cffdbf21", "device-dax: implement ->split() to catch invalid munmap attempts"}},
    .timeout = std::chrono::seconds(60),
    .variants = {"munmap", "mprotect"},
    // aligned_split: make the call that must be refused on a 2 MiB boundary
    //   (a whole 2 MiB page) instead, as a kernel without the alignment
    //   check would accept the unaligned one;
    //   the refusal check fails.
    .injections = {"aligned_split"},
};

constexpr uint64_t kLength = 4 * kPmdSize;
constexpr uint64_t kSeed = 0xD5;
constexpr uint64_t kNewSeed = 0xD6;

int split(const std::string& how, uint8_t* at, uint64_t length) {
  return how == "munmap" ? munmap(at, length) : mprotect(at, length, PROT_READ);
}

void scenario(Context& ctx) {
  const std::string& how = ctx.variant();
  int fd = DT_SYS(open(ctx.env().dax_device.c_str(), O_RDWR | O_CLOEXEC));
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, kLength, kPmdSize, PROT_READ | PROT_WRITE, MAP_SHARED));
  TouchResult filled = touch_pages(map, kLength, true, kSeed);
  DT_ASSERT(filled.signal == 0) << "writing the devdax mapping took " << sigabbrev_np(filled.signal)
                                << " at offset " << filled.signal_offset;

  // Inside the second 2 MiB page: must be refused.
  const bool aligned = ctx.injected("aligned_split");
  uint8_t* inside = map + kPmdSize + (aligned ? 0 : kPmdSize / 2);
  const uint64_t inside_length = aligned ? kPmdSize : kPageSize;
  errno = 0;
  int rc = split(how, inside, inside_length);
  int err = errno;
  ctx.note(how + " of 4 KiB inside a 2 MiB devdax page: " + (rc == 0 ? "accepted" : errno_name(err)));
  DT_EXPECT(rc == -1 && err == EINVAL)
      << how << " of " << size_text(inside_length) << " at offset " << (inside - map)
      << " (inside a 2 MiB page unless injected) of a devdax mapping "
      << (rc == 0 ? std::string("was accepted") : "failed with " + errno_name(err))
      << "; expected EINVAL (the device maps only whole 2 MiB pages)";
  if (rc == 0) {
    // Undo what the injected (or broken) call did, so the rest still runs.
    if (how == "munmap")
      DT_SYS(mmap(inside, inside_length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
                  static_cast<off_t>(inside - map)));
    else
      DT_SYS(mprotect(inside, inside_length, PROT_READ | PROT_WRITE));
  }
  // The refused call left the mapping whole: all of it reads and writes.
  auto bad = first_bad_page(map, kLength, kSeed);
  DT_EXPECT(!bad) << "after the refused " << how << ", offset " << *bad
                  << " of the devdax mapping no longer reads its data";
  TouchResult rewrite = touch_pages(map, kLength, true, kNewSeed);
  DT_EXPECT(rewrite.signal == 0) << "after the refused " << how << ", writing offset "
                                 << rewrite.signal_offset << " took "
                                 << sigabbrev_np(rewrite.signal);

  // On the 2 MiB boundary: must work, and touch that page only.
  uint8_t* third = map + 2 * kPmdSize;
  DT_EXPECT(split(how, third, kPmdSize) == 0)
      << how << " of a whole 2 MiB page of a devdax mapping failed: " << errno_name(errno);
  TouchResult probe = touch_pages(third, kPmdSize, how == "mprotect", kSeed + 100, 2 * kPmdSize);
  DT_EXPECT(probe.signal == SIGSEGV)
      << "after " << how << " of the third 2 MiB page, " << (how == "munmap" ? "reading" : "writing")
      << " it gave " << (probe.signal ? sigabbrev_np(probe.signal) : "no signal");
  TouchResult others1 = touch_pages(map, 2 * kPmdSize, false, kNewSeed);
  TouchResult others2 = touch_pages(third + kPmdSize, kPmdSize, false, kNewSeed, 3 * kPmdSize);
  DT_ASSERT(others1.signal == 0 && others2.signal == 0)
      << "the pages next to the split one no longer read";
  auto bad1 = first_bad_page(map, 2 * kPmdSize, kNewSeed);
  auto bad2 = first_bad_page(third + kPmdSize, kPmdSize, kNewSeed, 3 * kPmdSize);
  DT_EXPECT(!bad1 && !bad2) << "the pages next to the split one lost their data";

  munmap(map, kLength);
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
