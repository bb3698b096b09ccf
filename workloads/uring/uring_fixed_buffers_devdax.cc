// io_uring fixed buffers over device-dax. Registration is a long-term pin
// (FOLL_LONGTERM); device-dax memory has no filesystem blocks to free, so
// the pin is allowed there (vma_is_fsdax() exempts the character device;
// io_uring refused every file-backed buffer but shmem and hugetlbfs until
// it left the check to GUP). A refusal is a FAIL.
//
// Variants:
//   rw                   WRITE_FIXED from the devdax buffer to a block device
//                        with O_DIRECT, READ_FIXED back into another part of
//                        the buffer (ranges across a 2 MiB page boundary and
//                        at sub-page offsets); every byte is verified, the
//                        device also through an ordinary buffer.
//   unregister_inflight  a READ_FIXED from the slow device into the buffer is
//                        provably in flight (held in dm-delay) when
//                        io_uring_unregister_buffers is called. The request
//                        owns a reference to the buffer until it completes:
//                        before v6.13 the unregister waits for it
//                        (io_rsrc_ref_quiesce), since then it returns at once
//                        and the last reference, dropped with the request,
//                        unpins. Either way the read completes in full, the
//                        data lands in the devdax buffer, the pin is never
//                        released while the I/O is held, and it is released
//                        after.
//   ring_exit_inflight   the same read in flight, then io_uring_queue_exit
//                        (the ring fd closed) and munmap of the buffer. The
//                        release only queues io_ring_exit_work, which cancels
//                        what it can (io-wq work, polls, timeouts) and waits
//                        for every other request to drop its ctx reference;
//                        a bio already in the block layer cannot be
//                        cancelled. The contract checked: the pin is not
//                        released while dm-delay still holds the read; it is
//                        released (the ring freed) within the delay plus a
//                        margin; a fresh mapping of the device then holds the
//                        device's data in the whole target range and the
//                        untouched pattern around it (a cancelled read would
//                        have to leave the old pattern whole; a bio once in
//                        dm-delay is never cancelled, so only the device's
//                        data passes). A teardown that never returns ends in
//                        the instance timeout, with the stuck task's stack.
#include <fcntl.h>
#include <liburing.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/errors.h"
#include "core/name_table.h"
#include "fixtures/slow_device.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/process_probe.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/dma_pin.h"
#include "workloads/uring/pin_accounting.h"

namespace dt::workloads {
namespace {

enum class Phase { rw, unregister_inflight, ring_exit_inflight };
const NameTable<Phase>& phases() {
  static const NameTable<Phase> table("a uring_fixed_buffers_devdax variant",
      {{Phase::rw, "rw"}, {Phase::unregister_inflight, "unregister_inflight"},
       {Phase::ring_exit_inflight, "ring_exit_inflight"}});
  return table;
}

enum class Fault { register_readonly, verify_untargeted, unregister_twice, keep_ring_open };
const NameTable<Fault> kFaults("a uring_fixed_buffers_devdax injection",
    {{Fault::register_readonly, "register_readonly"}, {Fault::verify_untargeted, "verify_untargeted"},
     {Fault::unregister_twice, "unregister_twice"}, {Fault::keep_ring_open, "keep_ring_open"}});

const WorkloadSpec spec = {
    .name = "uring_fixed_buffers_devdax",
    .group = "uring",
    .summary = "io_uring fixed buffers over devdax: registered, I/O verified, unregister and "
               "ring teardown with a read in flight",
    .needs = {.mode = NamespaceMode::devdax,
              .min_namespace_bytes = 1ull << 30,
              .devdax_align = 2ull << 20,
              .slow_device = true,
              .slow_delay_ms = 2500},
    .fixes = {{"34ed8d0dcd69", "io_uring: rsrc: delegate VMA file-backed check to GUP"},
              {"2bb6d2837083", "mm: introduce get_user_pages_longterm"}},
    // Each variant takes a few seconds under TCG beyond the slow device's
    // delay; a teardown that never ends is caught here.
    .timeout = std::chrono::seconds(60),
    .variants = phases(),
    // register_readonly (variant rw only, so that one run can inject all
    //   four): map the devdax buffer read-only, so the kernel refuses the
    //   pin (a FOLL_WRITE pin of a read-only mapping), as a kernel that
    //   refused devdax would: the registration check fails.
    // verify_untargeted: look for the read's data in a part of the buffer
    //   the read never targeted: the data check fails.
    // unregister_twice: judge a second unregister (ENXIO) instead of the
    //   one made with the read in flight: the unregister check fails.
    // keep_ring_open: a dup of the ring fd keeps the ring alive past
    //   io_uring_queue_exit, as a teardown that leaked the buffer would:
    //   the release check fails.
    .injections = kFaults,
};

constexpr uint64_t kBufferSize = 2 * kPmdSize;
constexpr uint64_t kGuardSeed = 0x6A4D, kDataSeed = 0xDA7A;

// One O_DIRECT transfer between the registered buffer and a device.
struct Transfer {
  uint64_t buffer_offset, device_offset, length;
};

// rw: one write across the 2 MiB page boundary, one at a sub-page offset,
// each read back elsewhere in the buffer.
const Transfer kWrites[] = {{kPmdSize - (512 << 10), 0, 1 << 20},
                            {(64 << 10) + 512, 1 << 20, 60 << 10}};
const Transfer kReads[] = {{kPmdSize + (640 << 10) + 4096, 0, 1 << 20},
                           {(256 << 10) + 1536, 1 << 20, 60 << 10}};
// The in-flight variants: one read across the page boundary.
const Transfer kSlowRead = {kPmdSize - (256 << 10), 0, 1 << 20};

// The buffer's expected content, kept beside it: the guard pattern (named
// by buffer offset) everywhere, the device data (named by device offset)
// where a transfer put it.
class BufferModel {
 public:
  BufferModel() : bytes_(kBufferSize) { fill_pattern(bytes_.data(), kBufferSize, kGuardSeed, 0); }
  void place(const Transfer& t) {
    fill_pattern(bytes_.data() + t.buffer_offset, t.length, kDataSeed, t.device_offset);
  }
  const uint8_t* data() const { return bytes_.data(); }

  // First differing byte of `seen` (the whole buffer), described.
  std::optional<std::string> difference(const uint8_t* seen) const {
    if (memcmp(seen, bytes_.data(), kBufferSize) == 0) return std::nullopt;
    uint64_t at = 0;
    while (seen[at] == bytes_[at]) ++at;
    uint64_t end = at;
    while (end < kBufferSize && seen[end] != bytes_[end]) ++end;
    return "buffer offset " + std::to_string(at) + " (" + std::to_string(end - at) +
           " differing bytes from there): holds " + describe_owner(seen, at) + ", expected " +
           describe_owner(bytes_.data(), at);
  }

 private:
  // Whose pattern is at `at` (guard or device data, by their offsets).
  static std::string describe_owner(const uint8_t* bytes, uint64_t at) {
    uint64_t word_at = at & ~7ull;
    return whose_data(bytes + word_at,
                      {{"the guard pattern", kGuardSeed, word_at},
                       {"the device's data of device", kDataSeed, 0, 2 << 20, true}});
  }
  std::vector<uint8_t> bytes_;
};

struct DevdaxBuffer {
  int fd = -1;
  uint8_t* map = nullptr;
};

DevdaxBuffer map_buffer(const InstanceEnvironment& env, int prot) {
  if (env.dax_size < kBufferSize)
    throw SetupError(env.dax_device + " offers " + size_text(env.dax_size) + ", the workload maps " +
                     size_text(kBufferSize));
  DevdaxBuffer buffer;
  buffer.fd = DT_SYS(open(env.dax_device.c_str(), O_RDWR | O_CLOEXEC));
  buffer.map = static_cast<uint8_t*>(
      map_aligned(buffer.fd, kBufferSize, env.dax_align, prot, MAP_SHARED));
  return buffer;
}

void unmap_buffer(DevdaxBuffer& buffer) {
  if (buffer.map) DT_SYS(munmap(buffer.map, kBufferSize));
  if (buffer.fd >= 0) close(buffer.fd);
  buffer = {};
}

uint64_t current_pinned() {
  auto pinned = pinned_bytes();
  if (!pinned) throw SetupError("/proc/self/status has no VmPin line: the pin cannot be observed");
  return *pinned;
}

// Sets up the ring and registers the devdax buffer; the registration check.
// The ring is made without CAP_IPC_LOCK and with no memlock limit, so the
// kernel charges the pin to VmPin on every release (pin_accounting.h).
void register_buffer(Context& ctx, io_uring& ring, DevdaxBuffer& buffer, uint64_t& pinned_before) {
  account_pins_from_now_on();
  set_memlock_limit(UINT64_MAX);
  int rc = io_uring_queue_init(8, &ring, 0);
  if (rc == -ENOSYS || rc == -EPERM) ctx.skip("io_uring is not available: " + errno_name(-rc));
  if (rc < 0) throw SetupError("io_uring_queue_init: " + errno_name(-rc));
  pinned_before = current_pinned();

  if (ctx.injected(kFaults, Fault::register_readonly) && ctx.variant(phases()) == Phase::rw) {
    unmap_buffer(buffer);
    buffer = map_buffer(ctx.env(), PROT_READ);
  }
  iovec iov{buffer.map, kBufferSize};
  rc = io_uring_register_buffers(&ring, &iov, 1);
  ctx.note("io_uring_register_buffers over " + size_text(kBufferSize) + " of " +
           ctx.env().dax_device + ": " + (rc == 0 ? "accepted" : errno_name(-rc)));
  DT_ASSERT(rc == 0) << "registering " << size_text(kBufferSize) << " of the devdax mapping of "
                     << ctx.env().dax_device << " as an io_uring fixed buffer was refused with "
                     << errno_name(-rc) << "; device-dax memory may be pinned long-term";
  uint64_t pinned = current_pinned() - pinned_before;
  ctx.metric("pinned_after_register", static_cast<double>(pinned >> 10), "KiB");
  if (pinned < kBufferSize)
    throw SetupError("VmPin rose by " + size_text(pinned) + " at the registration of " +
                     size_text(kBufferSize) + ": the pin cannot be observed through it");
}

void submit(io_uring& ring, bool write, int fd, uint8_t* buffer, const Transfer& t) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  if (!sqe) throw SetupError("the submission queue is full");
  if (write)
    io_uring_prep_write_fixed(sqe, fd, buffer + t.buffer_offset, static_cast<unsigned>(t.length),
                              t.device_offset, 0);
  else
    io_uring_prep_read_fixed(sqe, fd, buffer + t.buffer_offset, static_cast<unsigned>(t.length),
                             t.device_offset, 0);
  int rc = io_uring_submit(&ring);
  if (rc != 1) throw SetupError("io_uring_submit: " + errno_name(-rc));
}

// Waits for one completion; its result, or nullopt after `seconds`.
std::optional<int> reap(io_uring& ring, double seconds) {
  __kernel_timespec timeout{static_cast<long long>(seconds),
                            static_cast<long long>((seconds - static_cast<long long>(seconds)) * 1e9)};
  io_uring_cqe* cqe = nullptr;
  int rc = io_uring_wait_cqe_timeout(&ring, &cqe, &timeout);
  if (rc == -ETIME) return std::nullopt;
  if (rc < 0) throw SetupError("io_uring_wait_cqe_timeout: " + errno_name(-rc));
  int res = cqe->res;
  io_uring_cqe_seen(&ring, cqe);
  return res;
}

// The buffer against the model; with verify_untargeted, the read's data is
// looked for in a range it never reached.
void verify_buffer(Context& ctx, const uint8_t* seen, BufferModel model, const Transfer& landed,
                   const std::string& how) {
  if (ctx.injected(kFaults, Fault::verify_untargeted)) {
    // Below the real target when there is room, else above it.
    Transfer elsewhere = landed;
    elsewhere.buffer_offset =
        landed.buffer_offset >= landed.length ? 0 : kBufferSize - landed.length;
    model.place(elsewhere);
  }
  auto difference = model.difference(seen);
  DT_EXPECT(!difference) << how << ": " << *difference;
}

void run_rw(Context& ctx, io_uring& ring, DevdaxBuffer& buffer) {
  BufferModel model;
  for (const auto& w : kWrites) model.place(w);
  memcpy(buffer.map, model.data(), kBufferSize);
  const fixtures::SlowDeviceAccess slow(ctx.env());
  int dev = DT_SYS(open(slow.undelayed_path().c_str(), O_RDWR | O_DIRECT | O_CLOEXEC));

  // One transfer at a time, each completed in full before the next.
  auto transfer = [&](bool write, const Transfer& t) {
    submit(ring, write, dev, buffer.map, t);
    auto res = reap(ring, 30);
    DT_ASSERT(res && *res == static_cast<int>(t.length))
        << (write ? "WRITE_FIXED" : "READ_FIXED") << " of " << t.length << " bytes at buffer offset "
        << t.buffer_offset << " returned "
        << (res ? (*res < 0 ? errno_name(-*res) : std::to_string(*res)) : "nothing");
  };
  double start = monotonic_seconds();
  for (const auto& w : kWrites) transfer(true, w);
  for (const auto& r : kReads) {
    transfer(false, r);
    model.place(r);
  }
  ctx.metric("io_time", (monotonic_seconds() - start) * 1e3, "ms");
  close(dev);

  // The device through an ordinary buffer holds what WRITE_FIXED sent.
  for (const auto& w : kWrites) {
    auto device = fixtures::SlowDeviceAccess(ctx.env()).read_backing(w.device_offset, w.length);
    auto bad = find_mismatch(device.data(), device.size(), kDataSeed, w.device_offset);
    DT_EXPECT(!bad) << "the device, read through an ordinary buffer, does not hold what "
                    << "WRITE_FIXED sent from buffer offset " << w.buffer_offset << ": "
                    << bad->describe();
  }
  verify_buffer(ctx, buffer.map, model, kReads[0],
                "the devdax buffer after WRITE_FIXED and READ_FIXED");
}

// Submits the slow read and returns once dm-delay provably holds it.
void start_slow_read(Context& ctx, io_uring& ring, int dev, uint8_t* buffer) {
  submit(ring, false, dev, buffer, kSlowRead);
  const fixtures::SlowDeviceAccess slow(ctx.env());
  io_uring_cqe* cqe = nullptr;
  auto completed = [&] { return io_uring_peek_cqe(&ring, &cqe) == 0; };
  if (wait_until_device_holds(slow, 5.0 + slow.delay_ms() / 1000.0, completed)) return;
  if (completed())
    throw SetupError("the slow read completed before it was seen in dm-delay (res " +
                     std::to_string(cqe->res) + ")");
  throw SetupError("the READ_FIXED never showed up in dm-delay");
}

// The pin check while the read is held: VmPin is read first, dm-delay's
// count after, so a buffer unpinned while the count still shows the read
// was unpinned with the I/O in flight.
void expect_pinned_while_held(Context& ctx, uint64_t pinned_before, const std::string& after) {
  uint64_t pinned = current_pinned() - pinned_before;
  uint64_t held = fixtures::SlowDeviceAccess(ctx.env()).held_ios();
  ctx.metric("pinned_after_" + after, static_cast<double>(pinned >> 10), "KiB");
  DT_EXPECT(!(held > 0 && pinned < kBufferSize))
      << "after " << after << " VmPin counts " << size_text(pinned) << " of the "
      << size_text(kBufferSize) << " buffer while dm-delay still holds the READ_FIXED into it: "
      << "the buffer was unpinned with the I/O in flight";
}

// Polls until VmPin is back where it was before the registration; seconds
// it took, or nullopt. Checks on the way that it never drops while the
// read is held.
std::optional<double> wait_for_release(const Context& ctx, uint64_t pinned_before, double limit) {
  const fixtures::SlowDeviceAccess slow(ctx.env());
  double start = monotonic_seconds();
  while (monotonic_seconds() - start < limit) {
    uint64_t pinned = current_pinned();
    if (pinned <= pinned_before) {
      double took = monotonic_seconds() - start;
      DT_EXPECT(slow.held_ios() == 0) << "the buffer's pin was released while dm-delay still "
                                    << "holds the READ_FIXED into it";
      return took;
    }
    usleep(20000);
  }
  return std::nullopt;
}

// The guard pattern into the buffer, the device's data onto the device,
// then the slow read, provably held in dm-delay. Returns the device's fd.
int begin_slow_read(Context& ctx, io_uring& ring, DevdaxBuffer& buffer, const BufferModel& model) {
  memcpy(buffer.map, model.data(), kBufferSize);
  std::vector<uint8_t> data(kSlowRead.length);
  fill_pattern(data.data(), data.size(), kDataSeed, kSlowRead.device_offset);
  fixtures::SlowDeviceAccess(ctx.env()).write_backing(kSlowRead.device_offset, data);
  int dev = DT_SYS(open(ctx.env().slow_device.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC));
  start_slow_read(ctx, ring, dev, buffer.map);
  return dev;
}

void run_unregister_inflight(Context& ctx, io_uring& ring, DevdaxBuffer& buffer,
                             uint64_t pinned_before) {
  BufferModel model;
  int dev = begin_slow_read(ctx, ring, buffer, model);

  double start = monotonic_seconds();
  int rc = io_uring_unregister_buffers(&ring);
  double took = monotonic_seconds() - start;
  if (ctx.injected(kFaults, Fault::unregister_twice)) rc = io_uring_unregister_buffers(&ring);
  io_uring_cqe* cqe = nullptr;
  bool completed = io_uring_peek_cqe(&ring, &cqe) == 0;
  ctx.metric("unregister_time", took * 1e3, "ms");
  ctx.note("io_uring_unregister_buffers with the READ_FIXED in flight returned " +
           (rc == 0 ? std::string("0") : errno_name(-rc)) + " after " +
           std::to_string(static_cast<int>(took * 1e3)) + " ms; the read had " +
           (completed ? "completed (the unregister waited for it)" : "not completed yet"));
  expect_pinned_while_held(ctx, pinned_before, "unregister");
  DT_EXPECT(rc == 0) << "io_uring_unregister_buffers with a READ_FIXED in flight returned "
                     << errno_name(-rc);

  auto res = reap(ring, ctx.env().slow_delay_ms / 1000.0 + 15);
  DT_ASSERT(res) << "the READ_FIXED did not complete within " << ctx.env().slow_delay_ms / 1000.0 + 15
                 << " s after the buffers were unregistered";
  DT_EXPECT(*res == static_cast<int>(kSlowRead.length))
      << "the READ_FIXED in flight over the unregister returned "
      << (*res < 0 ? errno_name(-*res) : std::to_string(*res)) << ", expected " << kSlowRead.length;
  close(dev);
  auto released = wait_for_release(ctx, pinned_before, 5);
  DT_EXPECT(released) << "VmPin still counts the buffer 5 s after the read into it completed: "
                      << "the unregistered buffer stays pinned";
  model.place(kSlowRead);
  verify_buffer(ctx, buffer.map, model, kSlowRead,
                "the devdax buffer after a READ_FIXED that outlived the unregister");
}

void run_ring_exit_inflight(Context& ctx, io_uring& ring, DevdaxBuffer& buffer,
                            uint64_t pinned_before) {
  BufferModel model;
  int dev = begin_slow_read(ctx, ring, buffer, model);

  int kept = ctx.injected(kFaults, Fault::keep_ring_open) ? DT_SYS(dup(ring.ring_fd)) : -1;
  double start = monotonic_seconds();
  io_uring_queue_exit(&ring);
  double exit_took = monotonic_seconds() - start;
  unmap_buffer(buffer);
  close(dev);
  ctx.metric("queue_exit_time", exit_took * 1e3, "ms");
  expect_pinned_while_held(ctx, pinned_before, "queue_exit");

  double limit = ctx.env().slow_delay_ms / 1000.0 + 10;
  auto released = wait_for_release(ctx, pinned_before, limit);
  if (released) ctx.metric("release_after_exit", (exit_took + *released) * 1e3, "ms");
  ctx.note("io_uring_queue_exit with the READ_FIXED in flight returned after " +
           std::to_string(static_cast<int>(exit_took * 1e3)) + " ms; the buffer's pin was " +
           (released ? "released " + std::to_string(static_cast<int>((exit_took + *released) * 1e3)) +
                           " ms after the exit began"
                     : "not released"));
  DT_EXPECT(released) << "VmPin still counts the buffer " << limit
                      << " s after io_uring_queue_exit with a READ_FIXED in flight: the ring's "
                      << "teardown did not release the registered buffer";
  // Whether or not the ring is gone, the read has finished by now or never
  // will; wait for dm-delay to let it go before looking at the device.
  const fixtures::SlowDeviceAccess slow(ctx.env());
  for (int i = 0; i < 500 && slow.held_ios() > 0; ++i) usleep(20000);
  if (kept >= 0) close(kept);

  buffer = map_buffer(ctx.env(), PROT_READ);
  model.place(kSlowRead);
  verify_buffer(ctx, buffer.map, model, kSlowRead,
                "the devdax device, mapped again after the ring was torn down with a READ_FIXED "
                "into it in flight");
}

void scenario(Context& ctx) {
  DevdaxBuffer buffer = map_buffer(ctx.env(), PROT_READ | PROT_WRITE);
  io_uring ring;
  uint64_t pinned_before = 0;
  register_buffer(ctx, ring, buffer, pinned_before);

  switch (ctx.variant(phases())) {
    case Phase::rw:
      run_rw(ctx, ring, buffer);
      break;
    case Phase::unregister_inflight:
      run_unregister_inflight(ctx, ring, buffer, pinned_before);
      break;
    case Phase::ring_exit_inflight:
      run_ring_exit_inflight(ctx, ring, buffer, pinned_before);
      unmap_buffer(buffer);
      return;
  }
  io_uring_queue_exit(&ring);
  unmap_buffer(buffer);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
