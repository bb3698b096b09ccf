#include "workloads/huge/devdax_remap_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "core/errors.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/huge/devdax_split_ops.h"
#include "workloads/lib/page_touch.h"

namespace dt::workloads {

namespace {
constexpr uint64_t kSeed = 0xDA;
constexpr uint64_t kParentSeed = 0xDB;
constexpr uint64_t kChildSeed = 0xDC;
constexpr uint64_t kOtherSeed = 0xDD;
// Re-touching one page of the device's size after a move or a zap costs one
// fault when the kernel maps it whole again; allow one more for a racing
// read-then-write upgrade. Smaller pages would cost hundreds.
constexpr uint64_t kMaxRefaults = 2;

// One device page worth of address space at an address aligned to it,
// reserved with an inaccessible anonymous mapping of twice the size;
// `reservation` is what to munmap afterwards.
uint8_t* aligned_hole(uint64_t page, void** reservation) {
  *reservation = DT_SYS(mmap(nullptr, 2 * page, PROT_NONE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
  auto address = reinterpret_cast<uintptr_t>(*reservation);
  return reinterpret_cast<uint8_t*>((address + page - 1) & ~(page - 1));
}

// The stride touch_pages and first_bad_page use: every 4 KiB page of a
// 2 MiB device page, one per 2 MiB of a 1 GiB page.
uint64_t stride_for(uint64_t page) { return page > kPmdSize ? kPmdSize : kPageSize; }

void expect_page_intact(const uint8_t* at, uint64_t page, uint64_t seed, uint64_t offset,
                        const std::string& when) {
  auto bad = first_bad_page(at, page, seed, offset, stride_for(page));
  DT_EXPECT(!bad) << when << ": the " << size_text(page) << " page at device offset " << offset
                  << " reads other data at offset " << offset + *bad;
}

// Every page but the one acted on (page 1) still holds the first pattern.
void expect_neighbours_intact(const uint8_t* map, uint64_t page, uint64_t pages,
                              const std::string& when) {
  for (uint64_t i = 0; i < pages; ++i)
    if (i != 1) expect_page_intact(map + i * page, page, kSeed, i * page, when + " of its neighbour");
}

void expect_refault_huge(Context& ctx, uint8_t* at, uint64_t page, uint64_t seed, uint64_t offset,
                         const std::string& when) {
  TouchResult again = touch_pages(at, page, false, seed, offset, stride_for(page));
  ctx.metric("refaults_" + ctx.variant(), static_cast<double>(again.faults), "faults");
  DT_EXPECT(again.signal == 0) << when << ": reading the page again took "
                               << sigabbrev_np(again.signal);
  DT_EXPECT(again.faults <= kMaxRefaults)
      << when << ": reading the " << size_text(page) << " page again took " << again.faults
      << " faults; a page of the device's size costs at most " << kMaxRefaults
      << " (it came back in smaller pages)";
}

void run_mremap(Context& ctx, uint8_t* map, int fd, uint64_t page, uint64_t pages) {
  const bool aligned = ctx.injected(devdax_operation_faults(), DevdaxOperationFault::aligned_split);
  void* reservation = nullptr;
  uint8_t* hole = aligned_hole(page, &reservation);
  // 4 KiB out of the middle of page 1: the mapping cannot be split there.
  uint8_t* inside = map + page + (aligned ? 0 : page / 2);
  const uint64_t inside_length = aligned ? page : kPageSize;
  errno = 0;
  void* moved = mremap(inside, inside_length, inside_length, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
  int err = errno;
  DT_EXPECT(moved == MAP_FAILED && err == EINVAL)
      << "mremap of " << size_text(inside_length) << " at offset " << (inside - map)
      << " (inside a " << size_text(page) << " page unless injected) of a devdax mapping "
      << (moved != MAP_FAILED ? std::string("was accepted") : "failed with " + errno_name(err))
      << "; expected EINVAL (the device maps only whole pages)";
  if (moved != MAP_FAILED)  // undo, so the rest still runs
    DT_SYS(mremap(moved, inside_length, inside_length, MREMAP_MAYMOVE | MREMAP_FIXED, inside));
  expect_page_intact(map + page, page, kSeed, page, "after the refused mremap");

  // The whole of page 1 moves to an aligned address with its data.
  moved = mremap(map + page, page, page, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
  DT_ASSERT(moved == hole) << "mremap of a whole " << size_text(page)
                           << " devdax page to an aligned address failed: " << errno_name(errno);
  expect_page_intact(hole, page, kSeed, page, "after mremap of the whole page");
  expect_refault_huge(ctx, hole, page, kSeed, page, "after mremap of the whole page");
  TouchResult old_place = touch_pages(map + page, page, false, kSeed, page, stride_for(page));
  DT_EXPECT(old_place.signal == SIGSEGV)
      << "after mremap moved the page away, its old address gave "
      << (old_place.signal ? sigabbrev_np(old_place.signal) : "no signal");
  expect_neighbours_intact(map, page, pages, "after mremap");
  // Put it back for the common teardown.
  DT_SYS(mmap(map + page, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
              static_cast<off_t>(page)));
  munmap(reservation, 2 * page);
}

void run_dontneed(Context& ctx, uint8_t* map, uint64_t page, uint64_t pages) {
  // Inside a page, then the whole page: accepted, nothing lost.
  for (uint64_t length : {kPageSize, page}) {
    uint8_t* at = map + page + (length == page ? 0 : page / 2);
    int rc = madvise(at, length, MADV_DONTNEED);
    DT_EXPECT(rc == 0) << "MADV_DONTNEED of " << size_text(length) << " of a devdax mapping failed: "
                       << errno_name(errno);
    if (ctx.injected(devdax_operation_faults(), DevdaxOperationFault::dontneed_loses_data))
      touch_pages(map + page, page, true, kOtherSeed, page, stride_for(page));
    const std::string when = "after MADV_DONTNEED of " + size_text(length);
    expect_page_intact(map + page, page, kSeed, page, when);
    if (length == page) {
      DT_SYS(madvise(map + page, page, MADV_DONTNEED));
      expect_refault_huge(ctx, map + page, page, kSeed, page, when);
    }
    expect_neighbours_intact(map, page, pages, when);
  }
}

void run_fork(Context& ctx, uint8_t* map, int fd, uint64_t page) {
  const uint64_t stride = stride_for(page);
  int go[2];
  DT_SYS(pipe2(go, O_CLOEXEC));
  pid_t child = DT_SYS(fork());
  if (child == 0) {
    close(go[1]);
    char byte;
    if (read(go[0], &byte, 1) != 1) _exit(3);
    // The parent's write after the fork is visible here...
    if (first_bad_page(map, page, kParentSeed, 0, stride)) _exit(1);
    if (ctx.injected(devdax_operation_faults(), DevdaxOperationFault::child_copy))
      mmap(map + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    // ...and the child's reaches the device.
    if (touch_pages(map + page, page, true, kChildSeed, page, stride).signal != 0) _exit(2);
    _exit(0);
  }
  close(go[0]);
  touch_pages(map, page, true, kParentSeed, 0, stride);
  DT_SYS(write(go[1], "g", 1));
  close(go[1]);
  int status = 0;
  DT_SYS(waitpid(child, &status, 0));
  DT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) != 2 && WEXITSTATUS(status) != 3)
      << "the child could not write its mapping (status " << status << ")";
  DT_EXPECT(WEXITSTATUS(status) == 0)
      << "the child did not read what the parent wrote into the shared " << size_text(page)
      << " devdax page after the fork";
  expect_page_intact(map + page, page, kChildSeed, page,
                     "the parent, after the child wrote its inherited mapping");
  // Through a mapping made after both: the device itself holds it.
  auto* fresh = static_cast<uint8_t*>(
      map_aligned(fd, 2 * page, page, PROT_READ, MAP_SHARED));
  expect_page_intact(fresh, page, kParentSeed, 0, "a fresh mapping");
  expect_page_intact(fresh + page, page, kChildSeed, page, "a fresh mapping");
  munmap(fresh, 2 * page);
}

void run_private(Context& ctx, int fd, uint64_t page) {
  errno = 0;
  void* map = ctx.injected(devdax_operation_faults(), DevdaxOperationFault::private_accepted)
                  ? mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                  : mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  int err = errno;
  DT_EXPECT(map == MAP_FAILED && err == EINVAL)
      << "MAP_PRIVATE of a devdax device "
      << (map != MAP_FAILED ? std::string("was accepted") : "failed with " + errno_name(err))
      << "; expected EINVAL (device-dax supports shared mappings only)";
  if (map != MAP_FAILED) munmap(map, page);
}
}  // namespace

void run_devdax_remap(Context& ctx, DevdaxOperation how, uint64_t page, uint64_t pages) {
  if (pages < 2) throw SetupError("run_devdax_remap needs 2 or more pages");
  const uint64_t length = pages * page;
  int fd = DT_SYS(open(ctx.env().dax_device.c_str(), O_RDWR | O_CLOEXEC));
  if (how == DevdaxOperation::private_mapping) {
    run_private(ctx, fd, page);
    close(fd);
    return;
  }
  auto* map = static_cast<uint8_t*>(map_aligned(fd, length, page, PROT_READ | PROT_WRITE, MAP_SHARED));
  TouchResult filled = touch_pages(map, length, true, kSeed, 0, stride_for(page));
  DT_ASSERT(filled.signal == 0) << "writing the devdax mapping took " << sigabbrev_np(filled.signal)
                                << " at offset " << filled.signal_offset;
  switch (how) {
    case DevdaxOperation::mremap: run_mremap(ctx, map, fd, page, pages); break;
    case DevdaxOperation::dontneed: run_dontneed(ctx, map, page, pages); break;
    case DevdaxOperation::fork: run_fork(ctx, map, fd, page); break;
    default:
      throw SetupError(std::string("'") + devdax_operations().name(how) +
                       "' is not a devdax remap variant");
  }
  munmap(map, length);
  close(fd);
}

const NameTable<DevdaxOperation>& devdax_operations() {
  static const NameTable<DevdaxOperation> table("a devdax operation", {
      {DevdaxOperation::munmap, "munmap"},
      {DevdaxOperation::mprotect, "mprotect"},
      {DevdaxOperation::mremap, "mremap"},
      {DevdaxOperation::dontneed, "dontneed"},
      {DevdaxOperation::fork, "fork"},
      {DevdaxOperation::private_mapping, "private"},
  });
  return table;
}

const NameTable<DevdaxOperationFault>& devdax_operation_faults() {
  static const NameTable<DevdaxOperationFault> table("a devdax operation injection", {
      {DevdaxOperationFault::aligned_split, "aligned_split"},
      {DevdaxOperationFault::dontneed_loses_data, "dontneed_loses_data"},
      {DevdaxOperationFault::child_copy, "child_copy"},
      {DevdaxOperationFault::private_accepted, "private_accepted"},
  });
  return table;
}

void run_devdax_operation(Context& ctx, DevdaxOperation operation, uint64_t page, uint64_t pages) {
  if (operation == DevdaxOperation::munmap || operation == DevdaxOperation::mprotect)
    return run_devdax_split(ctx, operation, page, pages);
  run_devdax_remap(ctx, operation, page, pages);
}

}  // namespace dt::workloads
