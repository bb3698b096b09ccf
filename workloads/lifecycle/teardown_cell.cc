#include "workloads/lifecycle/teardown_cell.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <map>
#include <thread>

#include "core/check.h"
#include "core/context.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/pattern_file.h"
#include "workloads/lib/process_probe.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/dma_pin.h"

namespace dt::workloads {
namespace {

constexpr uint64_t kMapLength = 2 * kPmdSize;
constexpr uint64_t kHeldLength = 1 << 20;  // the held (pinned, verified) range, at offset 0
constexpr uint64_t kFileSeed = 0x7EA4, kDeviceSeed = 0xDE5, kFillSeed = 0xF111;
constexpr double kMappedHoldSeconds = 5.0;
constexpr double kHangSeconds = 20.0;
constexpr double kEarlySlack = 0.25;

enum class Outcome { refused, waited, revoked, stale_mapping, early };

std::string outcome_text(Outcome outcome, int error, double wait_ms) {
  switch (outcome) {
    case Outcome::refused: return "refused " + errno_name(error);
    case Outcome::waited: return "waited " + std::to_string(static_cast<long>(wait_ms)) + " ms";
    case Outcome::revoked: return "revoked (SIGBUS on the next access)";
    case Outcome::stale_mapping: return "returned early; the mapping still reads the memory";
    case Outcome::early: return "returned early without wait";
  }
  return "?";
}

// The kernel stack of a thread of this process, for a teardown that hangs.
std::string kernel_stack(pid_t tid) {
  return read_text_file("/proc/self/task/" + std::to_string(tid) + "/stack")
      .value_or("(no /proc/self/task/" + std::to_string(tid) + "/stack)");
}

// Physical frame of each page of [buffer, buffer + length), 0 when unknown.
std::vector<uint64_t> frames_of(const void* buffer, size_t length) {
  std::vector<uint64_t> frames(length / kPageSize, 0);
  int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return frames;
  uint64_t first = reinterpret_cast<uintptr_t>(buffer) / kPageSize;
  std::vector<uint64_t> entries(frames.size());
  ssize_t n = pread(fd, entries.data(), entries.size() * 8, static_cast<off_t>(first * 8));
  close(fd);
  for (size_t i = 0; n > 0 && i < static_cast<size_t>(n) / 8; ++i)
    if (entries[i] >> 63) frames[i] = entries[i] & ((1ull << 55) - 1);
  return frames;
}

// Anonymous pages the page allocator handed out from the range of the
// pinned frames after devdax gave it to kmem: where a late DMA lands.
struct CaughtPages {
  std::map<uint64_t, uint8_t*> page_of_frame;  // pinned frame -> our page
  std::vector<std::pair<void*, size_t>> chunks;
  ~CaughtPages() {
    for (auto& [address, length] : chunks) munmap(address, length);
  }
};

void catch_frames(CaughtPages& caught, uint64_t first_frame, uint64_t frames, uint64_t budget) {
  constexpr size_t kChunk = 16ull << 20;
  for (uint64_t taken = 0; taken < budget && caught.page_of_frame.size() < frames; taken += kChunk) {
    auto* chunk = static_cast<uint8_t*>(mmap(nullptr, kChunk, PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0));
    if (chunk == MAP_FAILED) break;
    caught.chunks.push_back({chunk, kChunk});
    auto chunk_frames = frames_of(chunk, kChunk);
    for (size_t i = 0; i < chunk_frames.size(); ++i) {
      uint64_t frame = chunk_frames[i];
      if (frame < first_frame || frame >= first_frame + frames) continue;
      uint8_t* page = chunk + i * kPageSize;
      fill_pattern(page, kPageSize, kFillSeed, (frame - first_frame) * kPageSize);
      caught.page_of_frame[frame] = page;
    }
  }
}

// The held range as the restored device shows it.
std::vector<uint8_t> read_back(Context& ctx, const TeardownTarget& target, uint64_t dax_offset) {
  std::vector<uint8_t> seen(kHeldLength);
  if (ctx.env().dax_device.empty()) {
    int fd = open(ctx.path("F").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw SetupError("F is gone after the filesystem came back: " + errno_name(errno));
    ssize_t n = DT_SYS(pread(fd, seen.data(), seen.size(), 0));
    close(fd);
    seen.resize(static_cast<size_t>(n));
    return seen;
  }
  int fd = DT_SYS(open(target.dax_device().c_str(), O_RDWR | O_CLOEXEC));
  auto* map = static_cast<uint8_t*>(map_aligned(fd, kMapLength, kPmdSize, PROT_READ | PROT_WRITE,
                                                MAP_SHARED, dax_offset));
  memcpy(seen.data(), map, seen.size());
  munmap(map, kMapLength);
  close(fd);
  return seen;
}

// The data_lost injection: the held range gets F's old data back through
// the restored device, as if what the hold wrote had gone elsewhere.
void overwrite_held_range(Context& ctx, const TeardownTarget& target, uint64_t dax_offset) {
  std::vector<uint8_t> old(kHeldLength);
  fill_pattern(old.data(), old.size(), kFileSeed, 0);
  if (ctx.env().dax_device.empty()) {
    int fd = DT_SYS(open(ctx.path("F").c_str(), O_RDWR | O_CLOEXEC));
    DT_SYS(pwrite(fd, old.data(), old.size(), 0));
    close(fd);
    return;
  }
  int fd = DT_SYS(open(target.dax_device().c_str(), O_RDWR | O_CLOEXEC));
  auto* map = static_cast<uint8_t*>(map_aligned(fd, kMapLength, kPmdSize, PROT_READ | PROT_WRITE,
                                                MAP_SHARED, dax_offset));
  memcpy(map, old.data(), old.size());
  munmap(map, kMapLength);
  close(fd);
}

// Whose data a page or range holds, by the seed it was written with.
enum class Content { device_data, old_data, zeroes, unknown };

Content whose(const uint8_t* bytes, size_t length) {
  if (!find_mismatch(bytes, length, kDeviceSeed, 0)) return Content::device_data;
  if (!find_mismatch(bytes, length, kFileSeed, 0)) return Content::old_data;
  if (!find_mismatch_byte(bytes, length, 0, 0)) return Content::zeroes;
  return Content::unknown;
}

const char* content_text(Content content) {
  switch (content) {
    case Content::device_data: return "the slow device's data";
    case Content::old_data: return "the old data";
    case Content::zeroes: return "zeroes";
    case Content::unknown: break;
  }
  return "mixed or unrecognised data";
}

// devdax: where to map, so that the held range lies in a memory block that
// kmem adds whole (kmem trims the range to memory-block boundaries).
uint64_t devdax_map_offset(const TeardownTarget& target, const InstanceEnvironment& env) {
  uint64_t block = std::stoull(
      read_first_line("/sys/devices/system/memory/block_size_bytes").value_or("8000000"), nullptr, 16);
  uint64_t start = target.dax_physical_start();
  uint64_t first_block = (start + block - 1) / block * block;
  uint64_t offset = first_block - start;
  if (offset + block > env.dax_size)
    throw SetupError(env.dax_device + " (" + size_text(env.dax_size) + " at physical " +
                     std::to_string(start) + ") holds no whole " + size_text(block) +
                     " memory block");
  return offset;
}

}  // namespace

const NameTable<TeardownHold>& teardown_holds() {
  static const NameTable<TeardownHold> table("a teardown hold", {
      {TeardownHold::mapped, "mapped"},
      {TeardownHold::pinned, "pinned"},
  });
  return table;
}

const NameTable<TeardownFault>& teardown_faults() {
  static const NameTable<TeardownFault> table("a teardown injection", {
      {TeardownFault::hold_elsewhere, "hold_elsewhere"},
      {TeardownFault::data_lost, "data_lost"},
  });
  return table;
}

Needs teardown_needs(NamespaceMode mode, uint64_t slow_delay_ms) {
  Needs needs;
  needs.mode = mode;
  needs.filesystems = mode == NamespaceMode::fsdax ? std::vector<std::string>{"xfs", "ext4"}
                                                   : std::vector<std::string>{};
  needs.min_namespace_bytes = mode == NamespaceMode::devdax ? 512ull << 20 : 1ull << 30;
  needs.devdax_align = kPmdSize;
  needs.slow_device = true;
  needs.slow_delay_ms = slow_delay_ms;
  return needs;
}

void run_teardown_cell(Context& ctx, TeardownOp op) {
  const auto& env = ctx.env();
  const bool devdax = !env.dax_device.empty();
  const bool pinned = teardown_holds().parse_or_throw(ctx.variant()) == TeardownHold::pinned;
  const bool elsewhere = ctx.injected(teardown_faults(), TeardownFault::hold_elsewhere);
  // The working directory is the test directory: it would keep the mount busy.
  DT_SYS(chdir("/"));
  TeardownTarget target(ctx);
  ctx.note("target: " + target.describe());
  const uint64_t dax_offset = devdax ? devdax_map_offset(target, env) : 0;
  const fixtures::SlowDeviceAccess slow(env);
  {
    std::vector<uint8_t> device_data(kHeldLength);
    fill_pattern(device_data.data(), device_data.size(), kDeviceSeed, 0);
    slow.write_backing(0, device_data);
  }

  // The page and its data: F's pattern, the held range already holding
  // what the slow device delivers, so that every correct outcome leaves the
  // same bytes on the device.
  int fd = devdax ? DT_SYS(open(env.dax_device.c_str(), O_RDWR | O_CLOEXEC))
                  : create_pattern_file(ctx.path("F"), kMapLength, kFileSeed);
  auto* map = static_cast<uint8_t*>(map_aligned(fd, kMapLength, kPmdSize, PROT_READ | PROT_WRITE,
                                                MAP_SHARED, dax_offset));
  fill_pattern(map, kMapLength, kFileSeed, 0);
  if (!pinned) fill_pattern(map, kHeldLength, kDeviceSeed, 0);
  const uint64_t held_frame = devdax ? (target.dax_physical_start() + dax_offset) / kPageSize : 0;

  // hold_elsewhere: the hold sits on anonymous memory; the DAX page is let go.
  uint8_t* held = map;
  if (elsewhere) {
    held = static_cast<uint8_t*>(DT_SYS(mmap(nullptr, kMapLength, PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)));
    if (!pinned) fill_pattern(held, kHeldLength, kDeviceSeed, 0);
  }

  // The read must be seen held in dm-delay: the teardown decides on the
  // pin, not on a read still faulting its pages in.
  DmaPin pin(DmaPinKind::dio_read, slow, {.confirm_held_by_device = true});
  std::atomic<double> hold_released{0};
  bool map_present = true;
  auto drop_map = [&] {
    if (map_present) munmap(map, kMapLength), map_present = false;
  };
  if (pinned) {
    if (!pin.start(held, kHeldLength)) {
      pin.finish();
      throw SetupError("the O_DIRECT read from " + env.slow_device +
                       " never became provably in flight; cannot tell whether the teardown waited");
    }
    drop_map();
    if (elsewhere) munmap(held, kMapLength);  // the buffer stays pinned until the read ends
  } else if (elsewhere) {
    drop_map();
  }
  close(fd);
  fd = -1;

  // The teardown, on a thread: it may block for as long as the kernel waits.
  std::atomic<bool> done{false};
  std::atomic<pid_t> op_tid{0};
  int rc = 0, error = 0;
  double started = monotonic_seconds(), finished = 0;
  std::thread op_thread([&] {
    op_tid = static_cast<pid_t>(syscall(SYS_gettid));
    rc = target.apply(op);
    error = rc == -1 ? errno : 0;
    finished = monotonic_seconds();
    done = true;
  });
  bool hang_reported = false;
  while (!done) {
    double now = monotonic_seconds();
    if (!pinned && hold_released == 0 && now - started > kMappedHoldSeconds) {
      // The teardown waits for the mapping: a correct outcome, which must
      // end when the mapping does.
      if (elsewhere) munmap(held, kMapLength);
      else drop_map();
      hold_released = monotonic_seconds();
    }
    double released = pinned ? pin.released_at.load() : hold_released.load();
    if (released != 0 && now - released > kHangSeconds && !hang_reported) {
      std::string stack = kernel_stack(op_tid);
      write_text_file(env.artifacts_dir + "/teardown-stack.txt", stack);
      ctx.note(op_name(op) + " still blocked " + std::to_string(static_cast<int>(now - released)) +
               " s after the hold ended; its kernel stack:\n" + stack);
      DT_EXPECT(false) << op_name(op) << " hangs: still blocked " << kHangSeconds
                       << " s after the " << ctx.variant()
                       << " hold ended (kernel stack in teardown-stack.txt)";
      hang_reported = true;  // the runner's timeout takes it from here
    }
    usleep(10000);
  }
  op_thread.join();
  double released = pinned ? pin.released_at.load() : hold_released.load();
  bool returned_under_hold = rc == 0 && (released == 0 || finished < released - kEarlySlack);

  // Classify.
  Outcome outcome = rc == -1 ? Outcome::refused
                             : !returned_under_hold ? Outcome::waited
                                                    : pinned ? Outcome::early : Outcome::stale_mapping;
  if (outcome == Outcome::stale_mapping) {
    TouchResult touch = touch_pages(elsewhere ? held : map, kMapLength, false, 0);
    if (touch.signal == SIGBUS) outcome = Outcome::revoked;
  }
  double wait_ms = (finished - started) * 1e3;
  ctx.metric("teardown_wait", wait_ms, "ms");
  if (pinned && pin.released_at != 0)
    ctx.metric("pin_dropped_after_teardown_start", (pin.released_at - started) * 1e3, "ms");
  ctx.note("outcome: " + op_name(op) + " " + outcome_text(outcome, error, wait_ms));

  // devdax gone to system-ram under the pin: take the pinned frames from
  // the page allocator before the DMA lands.
  CaughtPages caught;
  if (op == TeardownOp::daxctl_reconfigure && rc == 0 && pinned && pin.released_at == 0) {
    int onlined = target.online_memory_for(held_frame * kPageSize, kHeldLength);
    catch_frames(caught, held_frame, kHeldLength / kPageSize, 256ull << 20);
    ctx.note("system-ram: onlined " + std::to_string(onlined) + " memory block(s); the allocator "
             "handed this process " + std::to_string(caught.page_of_frame.size()) + " of the " +
             std::to_string(kHeldLength / kPageSize) + " pinned frames" +
             (pin.released_at == 0 ? " before the DMA landed" : " (the DMA had landed already)"));
  }
  pin.finish();
  if (elsewhere && !pinned && hold_released == 0) munmap(held, kMapLength);
  drop_map();
  if (pinned) released = pin.released_at;

  // Check 1: wait, clean refusal or revocation, never an early return.
  DT_EXPECT(outcome != Outcome::early)
      << op_name(op) << " returned " << (released - finished) * 1e3
      << " ms before the O_DIRECT read pinning the " << (devdax ? "devdax" : "fsdax")
      << " page ended: the pages were released under in-flight DMA";
  DT_EXPECT(outcome != Outcome::stale_mapping)
      << op_name(op) << " returned while the page was mapped, and the mapping still reads "
      << "memory of the torn-down device (no SIGBUS): the mapping was not revoked";
  if (pinned) {
    DT_EXPECT(outcome == Outcome::early || pin.result() == static_cast<ssize_t>(kHeldLength))
        << "the O_DIRECT read returned " << pin.result() << " (" << errno_name(pin.error())
        << "), expected " << kHeldLength;
  }

  // Where the late DMA went, when it came late.
  for (const auto& [frame, page] : caught.page_of_frame) {
    uint64_t offset = (frame - held_frame) * kPageSize;
    if (find_mismatch(page, kPageSize, kFillSeed, offset)) {
      DT_EXPECT(false) << "frame " << frame << " (offset " << offset << " of the pinned range), "
                       << "handed by the page allocator to this process after " << op_name(op)
                       << ", was overwritten with " << content_text(whose(page, kPageSize))
                       << ": the late DMA landed in reallocated memory";
      break;
    }
  }
  caught.page_of_frame.clear();

  // Put the device back as it was, then check the held range's data.
  if (rc == 0) target.restore(op);
  if (ctx.injected(teardown_faults(), TeardownFault::data_lost)) overwrite_held_range(ctx, target, dax_offset);
  std::vector<uint8_t> seen = read_back(ctx, target, dax_offset);
  const Content content = whose(seen.data(), seen.size());
  const std::string found = content_text(content);
  ctx.note("held range after the device came back: " + found);
  if (outcome == Outcome::early) {
    ctx.note(content == Content::device_data
                 ? "the late DMA reached the pmem after the teardown released it"
                 : "the late DMA's data is not on the device: it went to released memory");
  } else if (!elsewhere || !pinned) {
    auto bad = find_mismatch(seen.data(), seen.size(), kDeviceSeed, 0);
    DT_EXPECT(seen.size() == kHeldLength && !bad)
        << "after " << op_name(op) << " (" << outcome_text(outcome, error, wait_ms)
        << ") and the device's return, the held range holds " << found
        << (bad ? " (" + bad->describe() + ")" : std::string())
        << ", expected the data written through the " << (pinned ? "DMA" : "mapping")
        << ": it went to a released page instead of the device";
  }
}

}  // namespace dt::workloads
