// An O_DIRECT read from a slow device lands in a DAX mapping of file F while
// another thread truncates F below the pinned range. The truncate must wait
// for the pinned pages (dax_layout_busy_page, xfs_break_dax_layouts /
// ext4_break_layouts) until the read completes, so that F's freed blocks
// never receive the late DMA. A file written into the freed space right
// after the truncate returns must keep its own data.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "core/check.h"
#include "core/context.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern_file.h"
#include "workloads/lib/process_probe.h"
#include "workloads/lib/pattern.h"
#include "workloads/pin_matrix/layout_change.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "truncate_vs_pinned_dio",
    .group = "truncate_pin",
    .summary = "truncate waits for an O_DIRECT read pinning DAX pages; freed blocks get no DMA",
    .needs = {.mode = NamespaceMode::fsdax,
              .filesystems = {"xfs", "ext4"},
              .slow_device = true,
              .slow_delay_ms = 3000},
    .fixes = {{"5fac7408d828", "mm, fs, dax: handle layout changes to pinned dax mappings"},
              {"69eb5fa10eb2", "xfs: prepare xfs_break_layouts() for another layout type"}},
    // A correct run takes about 10 s under TCG; a lost wake-up never ends.
    .timeout = std::chrono::seconds(30),
    .variants = {"4k"},
    // truncate_unpinned: truncate a range the read does not pin, as a kernel
    //   that skipped the busy-page wait would; the wait check must fail.
    // dma_into_new_file: aim the late read at the file written after the
    //   truncate, as a kernel that freed the pinned blocks would; the
    //   integrity check must fail and name the offsets.
    .injections = {"truncate_unpinned", "dma_into_new_file"},
};

constexpr uint64_t kFileSize = 8 * kPmdSize;        // 16 MiB
constexpr uint64_t kPinnedOffset = 4 * kPmdSize;    // the read lands in the upper half
constexpr uint64_t kPinnedLength = 1 << 20;
constexpr uint64_t kFileSeed = 0xF17E, kDeviceSeed = 0xDE5, kNewFileSeed = 0x2E3;

void scenario(Context& ctx) {
  const auto& env = ctx.env();
  // The device's data, so that what the read delivers is recognisable.
  {
    int dev = DT_SYS(open(env.slow_device.c_str(), O_WRONLY | O_CLOEXEC));
    std::vector<uint8_t> data(kPinnedLength);
    fill_pattern(data.data(), data.size(), kDeviceSeed, 0);
    DT_SYS(pwrite(dev, data.data(), data.size(), 0));
    DT_SYS(fsync(dev));
    close(dev);
  }
  int fd = create_pattern_file(ctx.path("F"), kFileSize, kFileSeed);
  auto* map = static_cast<uint8_t*>(
      DT_SYS(mmap(nullptr, kFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
  // Fault the pages in so the read pins DAX pages, not pages it must fault.
  for (uint64_t off = 0; off < kFileSize; off += kPageSize) (void)*(volatile uint8_t*)(map + off);

  int new_fd = -1;
  uint8_t* new_map = nullptr;
  uint8_t* target = map + kPinnedOffset;
  if (ctx.injected("dma_into_new_file")) {
    // Prepare the file the freed space would be handed to, and aim the
    // read at it: the outcome of a kernel that let the DMA land in freed blocks.
    new_fd = create_pattern_file(ctx.path("G"), kPinnedLength, kNewFileSeed);
    new_map = static_cast<uint8_t*>(
        DT_SYS(mmap(nullptr, kPinnedLength, PROT_READ | PROT_WRITE, MAP_SHARED, new_fd, 0)));
    target = new_map;
  }

  int dev = DT_SYS(open(env.slow_device.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC));
  std::atomic<double> read_done_at{0};
  std::atomic<ssize_t> read_result{0};
  std::atomic<int> read_errno{0};
  std::atomic<pid_t> reader_tid{0};
  std::thread reader([&] {
    reader_tid = gettid();
    ssize_t n = pread(dev, target, kPinnedLength, 0);
    read_errno = errno;
    read_result = n;
    read_done_at = monotonic_seconds();
  });

  // The pages are pinned before the bio is submitted; once the reader sleeps
  // uninterruptibly waiting for it, the pin is live.
  while (reader_tid == 0) usleep(100);
  bool pinned = wait_until_blocked_in_kernel(reader_tid, 5.0) && read_done_at == 0;

  uint64_t new_size = ctx.injected("truncate_unpinned") ? kFileSize - kPmdSize : kPinnedOffset;
  int truncate_fd = fd;
  if (ctx.injected("truncate_unpinned")) {
    // A second file with the same shape, not pinned: its truncate cannot wait.
    truncate_fd = create_pattern_file(ctx.path("F2"), kFileSize, kFileSeed);
  }
  LayoutChangeOutcome truncate = run_layout_change(
      [&] { return ftruncate(truncate_fd, static_cast<off_t>(new_size)); }, read_done_at);
  if (truncate.result != 0) throw SetupError("ftruncate failed: " + errno_name(truncate.error));
  double truncate_started = truncate.started, truncate_done = truncate.finished;

  // Reuse the freed space at once: if the truncate did not wait, these new
  // blocks may be the ones the late DMA is about to hit.
  if (new_fd < 0) new_fd = create_pattern_file(ctx.path("G"), kPinnedLength, kNewFileSeed);

  reader.join();
  close(dev);
  if (!pinned) throw SetupError("the O_DIRECT read from " + env.slow_device +
                                " never blocked in the kernel; cannot tell whether truncate waited");
  DT_ASSERT(read_result == static_cast<ssize_t>(kPinnedLength))
      << "O_DIRECT read into the DAX mapping returned " << read_result.load() << " (errno "
      << errno_name(read_errno) << "), expected " << kPinnedLength;

  double in_flight_after_truncate_start = read_done_at - truncate_started;
  double truncate_wait = truncate_done - truncate_started;
  ctx.metric("truncate_wait", truncate_wait * 1e3, "ms");
  ctx.metric("read_completed_after_truncate_start", in_flight_after_truncate_start * 1e3, "ms");
  ctx.metric("release_to_truncate_return", (truncate_done - read_done_at) * 1e3, "ms");
  if (in_flight_after_truncate_start < 0.5)
    throw SetupError("the read completed " + std::to_string(in_flight_after_truncate_start) +
                     " s after the truncate started; the pin was too short to judge");
  DT_EXPECT(truncate.signals_sent == 0)
      << "truncate was still asleep 3 s after the pinned read completed and returned only after "
      << truncate.signals_sent << " signal(s) woke it (" << truncate.interrupted
      << " EINTR retries): the wake-up for the released DAX pages was missed";
  // The reader stamps its time after pread returns, a little after the pin
  // dropped and woke the truncate: allow that much ahead.
  DT_EXPECT(truncate_done >= read_done_at - 0.25)
      << "truncate returned after " << truncate_wait * 1e3 << " ms, "
      << (read_done_at - truncate_done) * 1e3
      << " ms before the pinned O_DIRECT read completed: the layout change did not wait for the pin";

  if (auto bad = verify_file_pattern(new_fd, 0, kPinnedLength, kNewFileSeed)) {
    DT_EXPECT(false) << "file G, written into the space truncate freed, was overwritten: "
                     << bad->describe() << " (late DMA into freed blocks)";
  }
  struct stat info {};
  DT_SYS(fstat(fd, &info));
  DT_EXPECT(static_cast<uint64_t>(info.st_size) == kPinnedOffset || ctx.injected("truncate_unpinned"))
      << "F has " << info.st_size << " bytes after truncate to " << kPinnedOffset;
  if (auto bad = verify_file_pattern(fd, 0, kPinnedOffset, kFileSeed)) {
    DT_EXPECT(false) << "F's data below the truncation point changed: " << bad->describe();
  }

  munmap(map, kFileSize);
  if (new_map) munmap(new_map, kPinnedLength);
  close(new_fd);
  close(fd);
  if (truncate_fd != fd) close(truncate_fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
