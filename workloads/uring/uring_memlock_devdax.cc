// What io_uring promises for the memory a fixed buffer pins, on device-dax
// at each page size: the registration is charged to RLIMIT_MEMLOCK (and
// VmPin) when the ring's creator lacks CAP_IPC_LOCK (pin_accounting.h), a
// buffer in a compound page is charged the whole page, and a compound page
// stays charged as long as any registered buffer still pins it.
//
// Rows: uring_memlock_devdax_4k (4 KiB-aligned device, no compound pages),
// uring_memlock_devdax (2 MiB), uring_memlock_devdax_1g (1 GiB).
//
// Variants:
//   limit        an 8 KiB buffer at the start of page 0 is charged exactly
//                what it pins (8 KiB of small pages, or the whole compound
//                page): registered under a limit with room for it, VmPin
//                rises by that; under a limit 4 KiB short of it, refused
//                with ENOMEM.
//   shared_page  (2 MiB and 1 GiB) buffers A and B, 4 KiB each, in the same
//                compound page: charged once (one page). A is removed from
//                its slot: B still pins the page, so the page stays charged
//                and a buffer C in another compound page must be refused
//                under a limit that has room for one page only. Before
//                df0a52537c0f the charge went with the first buffer that
//                took it, so removing A uncharged a page B still pinned,
//                and C then passed (the RLIMIT_MEMLOCK bypass reported as
//                "io_uring/rsrc: fix RLIMIT_MEMLOCK bypass via compound page
//                accounting"). B removed: nothing stays charged.
//
// The per-user charge (user->locked_vm) is shared by every process of the
// guest's root; a refusal check holds whatever was charged before, an
// acceptance check leaves 64 MiB of room for what others hold.
#include <fcntl.h>
#include <liburing.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "core/workload_table.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/process_probe.h"
#include "workloads/uring/pin_accounting.h"

namespace dt::workloads {
namespace {

enum class Check { limit, shared_page };
const NameTable<Check> kChecks("a uring_memlock_devdax variant",
                               {{Check::limit, "limit"}, {Check::shared_page, "shared_page"}});
const NameTable<Check> kLimitOnly("a uring_memlock_devdax_4k variant", {{Check::limit, "limit"}});

enum class Fault { keep_ipc_lock, remove_both };
const NameTable<Fault> kFaults("a uring_memlock_devdax injection",
                               {{Fault::keep_ipc_lock, "keep_ipc_lock"},
                                {Fault::remove_both, "remove_both"}});

struct MemlockRow {
  const char* name;
  uint64_t page;  // the device's alignment, the size of its (compound) pages
  uint64_t min_namespace_bytes;
};

const std::vector<MemlockRow>& table() {
  static const std::vector<MemlockRow> rows = {
      {"uring_memlock_devdax_4k", kPageSize, 64ull << 20},
      {"uring_memlock_devdax", kPmdSize, 128ull << 20},
      {"uring_memlock_devdax_1g", kPudSize, 2 * kPudSize},
  };
  return rows;
}

constexpr uint64_t kRoom = 64ull << 20;  // for what other processes of root hold
constexpr uint64_t kSmall = 4096;

class Ring {
 public:
  explicit Ring(const Context& ctx) {
    int rc = io_uring_queue_init(4, &ring_, 0);
    if (rc == -ENOSYS || rc == -EPERM) ctx.skip("io_uring is not available: " + errno_name(-rc));
    if (rc < 0) throw SetupError("io_uring_queue_init: " + errno_name(-rc));
  }
  ~Ring() { io_uring_queue_exit(&ring_); }
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  // 0 or -errno.
  int register_buffers(std::vector<iovec> buffers) {
    return io_uring_register_buffers(&ring_, buffers.data(), static_cast<unsigned>(buffers.size()));
  }
  // Puts `buffer` into `slot` ({nullptr, 0}: empties it); 1 or -errno.
  int replace(unsigned slot, iovec buffer) {
    __u64 tag = 0;
    return io_uring_register_buffers_update_tag(&ring_, slot, &buffer, &tag, 1);
  }
  void unregister() { io_uring_unregister_buffers(&ring_); }

 private:
  io_uring ring_;
};

uint64_t pinned_now() {
  auto pinned = pinned_bytes();
  if (!pinned) throw SetupError("/proc/self/status has no VmPin line");
  return *pinned;
}

// A registration that failed for another reason than the memlock limit:
// this kernel refuses long-term pins of devdax memory (Debian 6.1 does;
// uring_fixed_buffers_devdax judges that), so there is nothing to charge.
void skip_if_refused(const Context& ctx, int rc) {
  if (rc < 0 && rc != -ENOMEM)
    ctx.skip("io_uring refuses devdax memory as a fixed buffer here (" + errno_name(-rc) +
             "): no charge to judge");
}

void check_limit(Context& ctx, const MemlockRow& row, uint8_t* map) {
  const iovec buffer{map, 2 * kSmall};
  const uint64_t charge = row.page == kPageSize ? 2 * kSmall : row.page;
  Ring ring(ctx);
  const uint64_t before = pinned_now();

  set_memlock_limit(charge + kRoom);
  int rc = ring.register_buffers({buffer});
  skip_if_refused(ctx, rc);
  DT_ASSERT(rc == 0) << "an 8 KiB buffer in " << size_text(row.page)
                     << " devdax pages was refused under RLIMIT_MEMLOCK "
                     << size_text(charge + kRoom) << " (" << errno_name(-rc) << ")";
  uint64_t pinned = pinned_now() - before;
  ctx.metric("charged", static_cast<double>(pinned >> 10), "KiB");
  DT_EXPECT(pinned == charge) << "registering an 8 KiB buffer in " << size_text(row.page)
                              << " devdax pages raised VmPin by " << size_text(pinned)
                              << ", expected " << size_text(charge)
                              << (row.page == kPageSize ? " (the two small pages it spans)"
                                                        : " (the whole compound page)");
  ring.unregister();
  DT_EXPECT(pinned_now() == before) << "VmPin still counts " << size_text(pinned_now() - before)
                                    << " after the buffer was unregistered";

  set_memlock_limit(charge - kSmall);
  rc = ring.register_buffers({buffer});
  ctx.note("under RLIMIT_MEMLOCK " + size_text(charge - kSmall) + ": " +
           (rc == 0 ? "accepted" : errno_name(-rc)));
  DT_EXPECT(rc == -ENOMEM) << "an 8 KiB buffer charged " << size_text(charge)
                           << " was registered under RLIMIT_MEMLOCK " << size_text(charge - kSmall)
                           << " (" << (rc == 0 ? "accepted" : errno_name(-rc))
                           << "): the limit is not enforced";
  if (rc == 0) ring.unregister();
}

void check_shared_page(Context& ctx, const MemlockRow& row, uint8_t* map) {
  const iovec a{map, kSmall}, b{map + 16 * kSmall, kSmall}, c{map + row.page, kSmall};
  Ring ring(ctx);
  const uint64_t before = pinned_now();
  // Room for one page and not for two, whatever root held before.
  set_memlock_limit(2 * row.page - kSmall);

  int rc = ring.register_buffers({a, b});
  skip_if_refused(ctx, rc);
  DT_ASSERT(rc == 0) << "two 4 KiB buffers in one " << size_text(row.page)
                     << " devdax page were refused under RLIMIT_MEMLOCK "
                     << size_text(2 * row.page - kSmall) << " (" << errno_name(-rc) << ")";
  uint64_t pinned = pinned_now() - before;
  DT_EXPECT(pinned == row.page) << "two buffers in one " << size_text(row.page)
                                << " compound page raised VmPin by " << size_text(pinned)
                                << ", expected the page once";

  rc = ring.replace(0, {nullptr, 0});
  if (rc != 1) throw SetupError("emptying buffer slot 0: " + errno_name(-rc));
  if (ctx.injected(kFaults, Fault::remove_both)) ring.replace(1, {nullptr, 0});
  pinned = pinned_now() - before;
  ctx.metric("charged_after_removing_a", static_cast<double>(pinned >> 10), "KiB");
  DT_EXPECT(pinned == row.page) << "with buffer A removed and B still registered in the same "
                                << size_text(row.page) << " page, VmPin counts "
                                << size_text(pinned) << ", expected the page: the charge left "
                                << "with A while B still pins the page";

  rc = ring.replace(0, c);
  ctx.note("buffer C in a second page, with B's page charged: " +
           (rc == 1 ? std::string("accepted") : errno_name(-rc)));
  DT_EXPECT(rc == -ENOMEM) << "buffer C in a second " << size_text(row.page)
                           << " page was registered while B's page is still pinned, under "
                           << "RLIMIT_MEMLOCK " << size_text(2 * row.page - kSmall) << " ("
                           << (rc == 1 ? "accepted" : errno_name(-rc))
                           << "): two pages pinned against a limit with room for one";
  if (rc == 1) ring.replace(0, {nullptr, 0});

  ring.replace(1, {nullptr, 0});
  DT_EXPECT(pinned_now() == before) << "VmPin still counts " << size_text(pinned_now() - before)
                                    << " after every buffer was removed";
}

void scenario(Context& ctx, const MemlockRow& row) {
  if (!ctx.injected(kFaults, Fault::keep_ipc_lock)) account_pins_from_now_on();
  const uint64_t length = 2 * row.page;
  if (ctx.env().dax_size < length)
    throw SetupError(ctx.env().dax_device + " offers " + size_text(ctx.env().dax_size) +
                     ", the workload maps " + size_text(length));
  int fd = DT_SYS(open(ctx.env().dax_device.c_str(), O_RDWR | O_CLOEXEC));
  auto* map = static_cast<uint8_t*>(
      map_aligned(fd, length, ctx.env().dax_align, PROT_READ | PROT_WRITE, MAP_SHARED));

  if (row.page == kPageSize || ctx.variant(kChecks) == Check::limit)
    check_limit(ctx, row, map);
  else
    check_shared_page(ctx, row, map);
  DT_SYS(munmap(map, length));
  close(fd);
}

WorkloadSpec spec_of(const MemlockRow& row) {
  WorkloadSpec spec = {
      .name = row.name,
      .group = "uring",
      .summary = "io_uring charges devdax fixed buffers of " + size_text(row.page) +
                 " pages to RLIMIT_MEMLOCK and VmPin, compound pages once and while pinned",
      .needs = {.mode = NamespaceMode::devdax,
                .filesystems = {},
                .min_namespace_bytes = row.min_namespace_bytes,
                .devdax_align = row.page},
      .fixes = {{"df0a52537c0f", "io_uring/rsrc: add huge page accounting for registered buffers"}},
      .timeout = std::chrono::seconds(row.page == kPudSize ? 90 : 45),
      .variants = row.page == kPageSize ? NameList(kLimitOnly) : NameList(kChecks),
      // keep_ipc_lock: the ring is made with CAP_IPC_LOCK, so nothing is
      //   charged (7.2+) or the limit is not applied: the charge and
      //   refusal checks fail.
      // remove_both (shared_page): B is removed with A, as a kernel that
      //   uncharged the page with A would look: the still-charged and the
      //   refusal checks fail.
      .injections = kFaults,
  };
  return spec;
}

DT_WORKLOAD_FAMILY(table(), spec_of, scenario);

}  // namespace
}  // namespace dt::workloads
