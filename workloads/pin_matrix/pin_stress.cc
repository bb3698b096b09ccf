// Stress mode of the pinned-DMA checks: for a runtime budget, several
// threads each pin a random range of their own DAX file with an O_DIRECT
// read from the slow device and apply a random layout change over it
// (truncate below it, punch a hole in it, zero it) while the pin is live;
// meanwhile a filler thread keeps writing and recycling pattern files in
// the little free space left, so freed blocks are reused at once. Checks,
// as in the matrix: no change completes while its pin is live (counted as
// busy-page waits per second when it waits), no fill file is ever
// overwritten (verified before it is deleted and at the end), and every
// file holds what its operations say; the kernel log slice is judged too.
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "fixtures/slow_device.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/pattern_file.h"
#include "workloads/lib/process_probe.h"
#include "workloads/pin_matrix/free_space.h"
#include "workloads/pin_matrix/layout_change.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/dma_pin.h"
#include "workloads/pin_matrix/pin_matrix.h"

namespace dt::workloads {
namespace {

enum class Fault { change_unpinned };
const NameTable<Fault> kFaults("a pin_stress injection", {
    {Fault::change_unpinned, "change_unpinned"},
});

// The variants: time budgets, in seconds.
const NameTable<int> kBudgets("a pin_stress budget", {{60, "60s"}});

const WorkloadSpec spec = {
    .name = "pin_stress",
    .group = "pin_stress",
    .summary = "threads race random layout changes against O_DIRECT pins for a time budget",
    .needs = pin_matrix_needs(400),
    .fixes = pin_matrix_fixes(),
    // The variant is the budget; the timeout leaves room for TCG and checks.
    .timeout = std::chrono::seconds(150),
    .variants = kBudgets,
    .in_default_set = false,
    // change_unpinned: the changes hit a twin file nobody pins, as a kernel
    //   that skipped the busy-page wait would behave; the wait check fails.
    .injections = kFaults,
};

constexpr int kWorkers = 4;
constexpr uint64_t kFileSize = 4ull << 20;
constexpr uint64_t kMaxPin = 256ull << 10;
constexpr uint64_t kDeviceSlice = 1ull << 20;  // per worker, on the slow device
constexpr uint64_t kFillFileSize = 1ull << 20;
constexpr uint64_t kSpare = 24ull << 20;
constexpr size_t kMaxLiveFills = 12;
constexpr uint64_t kDeviceSeed = 0xDE5, kFileSeedBase = 0x57E55, kFillSeedBase = 0x5F000;
// A change that returns this long before its pin dropped did not wait.
constexpr double kEarlyTolerance = 0.25;

struct Shared {
  std::atomic<bool> stop{false};
  std::mutex lock;
  std::vector<std::string> failures;   // first few, with evidence
  std::atomic<uint64_t> failure_count{0};
  std::atomic<uint64_t> changes{0}, waits{0}, pins_unproven{0};
  std::atomic<uint64_t> fill_bytes{0}, fills_verified{0};

  void fail(const std::string& what) {
    if (failure_count++ < 5) {
      std::lock_guard<std::mutex> hold(lock);
      failures.push_back(what);
    }
  }
};

// Every fill file is verified before it is recycled and at the end: a late
// DMA into a block it received would show as foreign bytes.
void filler(Context& ctx, Shared& shared) {
  std::deque<std::pair<std::string, uint64_t>> live;  // path, seed
  std::vector<uint8_t> data(kFillFileSize), back(kFillFileSize);
  auto verify_and_remove = [&](const std::string& path, uint64_t seed) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && pread(fd, back.data(), back.size(), 0) == static_cast<ssize_t>(back.size())) {
      if (auto bad = find_mismatch(back.data(), back.size(), seed, 0))
        shared.fail("fill file " + path + " was overwritten after it was written (late DMA into a "
                    "freed block): " + bad->describe());
      ++shared.fills_verified;
    }
    if (fd >= 0) close(fd);
    unlink(path.c_str());
  };
  for (uint64_t n = 0; !shared.stop; ++n) {
    if (live.size() >= kMaxLiveFills) {
      verify_and_remove(live.front().first, live.front().second);
      live.pop_front();
    }
    std::string path = ctx.path("fill-" + std::to_string(n));
    uint64_t seed = kFillSeedBase + n;
    fill_pattern(data.data(), data.size(), seed, 0);
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    ssize_t written = pwrite(fd, data.data(), data.size(), 0);
    close(fd);
    if (written != static_cast<ssize_t>(data.size())) {  // ENOSPC: make room
      unlink(path.c_str());
      if (!live.empty()) verify_and_remove(live.front().first, live.front().second), live.pop_front();
      continue;
    }
    live.emplace_back(path, seed);
    shared.fill_bytes += data.size();
  }
  for (auto& [path, seed] : live) verify_and_remove(path, seed);
}

void run_worker(Context& ctx, Shared& shared, int index, uint64_t seed_rng) {
  std::mt19937_64 rng(seed_rng);
  const uint64_t file_seed = kFileSeedBase + index;
  const std::string path = ctx.path("f" + std::to_string(index));
  int fd = create_pattern_file(path, kFileSize, file_seed);
  int twin = -1;
  if (ctx.injected(kFaults, Fault::change_unpinned))
    twin = create_pattern_file(path + ".twin", kFileSize, file_seed);
  const fixtures::SlowDeviceAccess slow(ctx.env());
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, kFileSize, kPmdSize, PROT_READ | PROT_WRITE, MAP_SHARED));
  std::vector<bool> zeroed(kFileSize / kPageSize, false);
  std::vector<uint8_t> expect(kFileSize);

  while (!shared.stop) {
    const uint64_t pages = kFileSize / kPageSize;
    uint64_t length = (1 + rng() % (kMaxPin / kPageSize)) * kPageSize;
    uint64_t offset = (rng() % (pages - length / kPageSize)) * kPageSize;
    // Allocated, known data under the pin.
    std::vector<uint8_t> chunk(length);
    fill_pattern(chunk.data(), length, file_seed, offset);
    if (pwrite(fd, chunk.data(), length, static_cast<off_t>(offset)) != static_cast<ssize_t>(length)) {
      shared.fail("pwrite of " + std::to_string(length) + " bytes into " + path + " failed: " +
                  errno_name(errno));
      break;
    }
    for (uint64_t p = offset / kPageSize; p < (offset + length) / kPageSize; ++p) zeroed[p] = false;

    // Write-fault the range first: the read's page pinning then needs no
    // fault, so a reader seen asleep in the kernel waits for the device with
    // its pages pinned, not for a fault that the change could still race.
    for (uint64_t off = offset; off < offset + length; off += kPageSize) {
      auto* byte = reinterpret_cast<volatile uint8_t*>(map + off);
      *byte = *byte;
    }
    DmaPin pin(DmaPinKind::dio_read, slow, {.device_offset = index * kDeviceSlice});
    bool live = pin.start(map + offset, length);

    const int op = static_cast<int>(rng() % 3);
    const char* op_name = op == 0 ? "truncate" : op == 1 ? "punch_hole" : "zero_range";
    int target = twin >= 0 ? twin : fd;
    // A change still asleep 3 s after its pin dropped gets a wake-up
    // signal (layout_change.h), so a missed wake-up is a failure here, not
    // a worker stuck until the watchdog.
    LayoutChangeOutcome change = run_layout_change(
        [&] {
          return op == 0 ? ftruncate(target, static_cast<off_t>(offset))
                 : op == 1 ? fallocate(target, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                                       static_cast<off_t>(offset), static_cast<off_t>(length))
                           : fallocate(target, FALLOC_FL_ZERO_RANGE, static_cast<off_t>(offset),
                                       static_cast<off_t>(length));
        },
        pin.released_at);
    int rc = change.result, err = change.error;
    double finished = change.finished;
    pin.finish();
    const double released = pin.released_at;
    const ssize_t got = pin.result();
    const int read_error = pin.error();
    if (change.signals_sent > 0 && rc == 0)
      shared.fail(std::string(op_name) + " of " + path + " returned only after " +
                  std::to_string(change.signals_sent) + " wake-up signal(s), " +
                  std::to_string(static_cast<int>((finished - released) * 1e3)) +
                  " ms after the O_DIRECT read pinning its range completed: a missed wake-up");
    if (op == 0 && rc == 0) rc = ftruncate(target, static_cast<off_t>(kFileSize));
    ++shared.changes;
    if (rc != 0) {
      shared.fail(std::string(op_name) + " on " + path + " failed: " + errno_name(err));
      break;
    }
    if (got != static_cast<ssize_t>(length))
      shared.fail("the pinned O_DIRECT read of " + std::to_string(length) + " bytes at " +
                  std::to_string(offset) + " of " + path + " returned " + std::to_string(got) +
                  (got < 0 ? " (" + errno_name(read_error) + ")" : "") + " around " + op_name);
    if (!live) {
      ++shared.pins_unproven;  // the read finished before it could be seen pinned
    } else if (finished < released - kEarlyTolerance) {
      char text[256];
      snprintf(text, sizeof text,
               "%s of %s at %llu+%llu returned %.0f ms before the O_DIRECT read pinning that range "
               "completed: the layout change did not wait for the pin",
               op_name, path.c_str(), static_cast<unsigned long long>(offset),
               static_cast<unsigned long long>(length), (released - finished) * 1e3);
      shared.fail(text);
    } else {
      ++shared.waits;
    }
    if (twin >= 0) continue;  // F itself was not changed
    uint64_t zero_end = op == 0 ? kFileSize : offset + length;
    for (uint64_t p = offset / kPageSize; p < zero_end / kPageSize; ++p) zeroed[p] = true;
  }

  // F holds its pattern except where a change zeroed it.
  munmap(map, kFileSize);
  fill_pattern(expect.data(), kFileSize, file_seed, 0);
  for (uint64_t p = 0; p < zeroed.size(); ++p)
    if (zeroed[p]) memset(expect.data() + p * kPageSize, 0, kPageSize);
  std::vector<uint8_t> seen(kFileSize);
  if (pread(fd, seen.data(), kFileSize, 0) != static_cast<ssize_t>(kFileSize)) {
    shared.fail("reading " + path + " back failed");
  } else if (memcmp(seen.data(), expect.data(), kFileSize) != 0) {
    uint64_t i = 0;
    while (seen[i] == expect[i]) ++i;
    shared.fail(path + " is not what its operations say from offset " + std::to_string(i) +
                (zeroed[i / kPageSize] ? " (should be zeroes)" : " (should be its pattern)"));
  }
  close(fd);
  if (twin >= 0) close(twin);
}

// A set-up call that fails inside a thread has reported itself already;
// the exception must end this worker, not the process.
void worker(Context& ctx, Shared& shared, int index, uint64_t seed_rng) {
  try {
    run_worker(ctx, shared, index, seed_rng);
  } catch (...) {
    shared.fail("worker " + std::to_string(index) + " stopped on an error (see above)");
    shared.stop = true;
  }
}

void scenario(Context& ctx) {
  const double budget = ctx.variant(kBudgets);
  // The slow device's data, so that a late read is recognisable.
  {
    std::vector<uint8_t> data(kWorkers * kDeviceSlice);
    fill_pattern(data.data(), data.size(), kDeviceSeed, 0);
    fixtures::SlowDeviceAccess(ctx.env()).write_backing(0, data);
  }
  leave_free_space(ctx, kSpare + kWorkers * kFileSize * 2);

  Shared shared;
  std::thread fill(filler, std::ref(ctx), std::ref(shared));
  std::vector<std::thread> workers;
  std::random_device entropy;
  uint64_t base_seed = (static_cast<uint64_t>(entropy()) << 32) | entropy();
  ctx.note("random seed " + std::to_string(base_seed));
  double started = monotonic_seconds();
  for (int i = 0; i < kWorkers; ++i)
    workers.emplace_back(worker, std::ref(ctx), std::ref(shared), i, base_seed + i);
  while (monotonic_seconds() - started < budget && shared.failure_count == 0) usleep(200 * 1000);
  shared.stop = true;
  for (auto& thread : workers) thread.join();
  double ran = monotonic_seconds() - started;
  fill.join();

  ctx.metric("runtime", ran, "s");
  ctx.metric("layout_changes", static_cast<double>(shared.changes), "count");
  ctx.metric("busy_page_waits", static_cast<double>(shared.waits), "count");
  ctx.metric("busy_page_waits_per_s", static_cast<double>(shared.waits) / ran, "1/s");
  ctx.metric("pins_not_proven_live", static_cast<double>(shared.pins_unproven), "count");
  ctx.metric("fill_bytes", static_cast<double>(shared.fill_bytes), "bytes");
  ctx.metric("fill_files_verified", static_cast<double>(shared.fills_verified), "count");
  for (const auto& failure : shared.failures) DT_EXPECT(false) << failure;
  DT_EXPECT(shared.failure_count == 0) << shared.failure_count << " failure(s) in all";
  DT_EXPECT(shared.waits > 0) << "no layout change waited for a live pin in " << ran
                              << " s: the stress did not exercise the busy-page wait";
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
