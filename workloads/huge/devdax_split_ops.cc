#include "workloads/huge/devdax_split_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/page_touch.h"

namespace dt::workloads {

namespace {
constexpr uint64_t kSeed = 0xD5;
constexpr uint64_t kNewSeed = 0xD6;

int split(DevdaxOperation how, uint8_t* at, uint64_t length) {
  return how == DevdaxOperation::munmap ? munmap(at, length) : mprotect(at, length, PROT_READ);
}
}  // namespace

void run_devdax_split(Context& ctx, DevdaxOperation operation, uint64_t page, uint64_t pages) {
  const std::string how = devdax_operations().name(operation);
  const uint64_t length = pages * page;
  // One word per 2 MiB is enough to tell a page's data apart and keeps a
  // 1 GiB page's touch short under TCG.
  const uint64_t stride = page > kPmdSize ? kPmdSize : kPageSize;
  const std::string page_text = size_text(page);
  int fd = DT_SYS(open(ctx.env().dax_device.c_str(), O_RDWR | O_CLOEXEC));
  auto* map = static_cast<uint8_t*>(map_aligned(fd, length, page, PROT_READ | PROT_WRITE, MAP_SHARED));
  TouchResult filled = touch_pages(map, length, true, kSeed, 0, stride);
  DT_ASSERT(filled.signal == 0) << "writing the devdax mapping took " << sigabbrev_np(filled.signal)
                                << " at offset " << filled.signal_offset;

  // Inside one page: must be refused.
  const uint64_t inside_page = pages >= 3 ? 1 : 0;
  const uint64_t split_page = inside_page + 1;
  const bool aligned = ctx.injected(devdax_operation_faults(), DevdaxOperationFault::aligned_split);
  uint8_t* inside = map + inside_page * page + (aligned ? 0 : page / 2);
  const uint64_t inside_length = aligned ? page : kPageSize;
  errno = 0;
  int rc = split(operation, inside, inside_length);
  int err = errno;
  ctx.note(how + " of 4 KiB inside a " + page_text + " devdax page: " +
           (rc == 0 ? "accepted" : errno_name(err)));
  DT_EXPECT(rc == -1 && err == EINVAL)
      << how << " of " << size_text(inside_length) << " at offset " << (inside - map) << " (inside a "
      << page_text << " page unless injected) of a devdax mapping "
      << (rc == 0 ? std::string("was accepted") : "failed with " + errno_name(err))
      << "; expected EINVAL (the device maps only whole " << page_text << " pages)";
  if (rc == 0) {
    // Undo what the injected (or broken) call did, so the rest still runs.
    if (operation == DevdaxOperation::munmap)
      DT_SYS(mmap(inside, inside_length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
                  static_cast<off_t>(inside - map)));
    else
      DT_SYS(mprotect(inside, inside_length, PROT_READ | PROT_WRITE));
  }
  // The refused call left the mapping whole: all of it reads and writes.
  auto bad = first_bad_page(map, length, kSeed, 0, stride);
  DT_EXPECT(!bad) << "after the refused " << how << ", offset " << *bad
                  << " of the devdax mapping no longer reads its data";
  TouchResult rewrite = touch_pages(map, length, true, kNewSeed, 0, stride);
  DT_EXPECT(rewrite.signal == 0) << "after the refused " << how << ", writing offset "
                                 << rewrite.signal_offset << " took " << sigabbrev_np(rewrite.signal);

  // A whole page: must work, and touch that page only.
  uint8_t* whole = map + split_page * page;
  DT_EXPECT(split(operation, whole, page) == 0)
      << how << " of a whole " << page_text << " page of a devdax mapping failed: " << errno_name(errno);
  TouchResult probe = touch_pages(whole, page, operation == DevdaxOperation::mprotect, kSeed + 100,
                                  split_page * page, stride);
  DT_EXPECT(probe.signal == SIGSEGV)
      << "after " << how << " of the " << page_text << " page at offset " << split_page * page << ", "
      << (operation == DevdaxOperation::munmap ? "reading" : "writing") << " it gave "
      << (probe.signal ? sigabbrev_np(probe.signal) : "no signal");
  for (uint64_t i = 0; i < pages; ++i) {
    if (i == split_page) continue;
    TouchResult read = touch_pages(map + i * page, page, false, kNewSeed, i * page, stride);
    DT_ASSERT(read.signal == 0) << "the " << page_text << " page at offset " << i * page
                                << " next to the split one no longer reads ("
                                << sigabbrev_np(read.signal) << ")";
    auto lost = first_bad_page(map + i * page, page, kNewSeed, i * page, stride);
    DT_EXPECT(!lost) << "the " << page_text << " page at offset " << i * page
                     << " next to the split one lost its data at offset " << i * page + *lost;
  }
  munmap(map, length);
  close(fd);
}

}  // namespace dt::workloads
