// Registering io_uring fixed buffers takes a long-term pin (FOLL_LONGTERM).
// On an fsdax mapping such a pin would keep the file's blocks from being
// freed indefinitely, so the kernel must refuse the registration. The same
// registration over anonymous memory must succeed first, or a refusal could
// be a memlock limit instead of the DAX rule.
#include <fcntl.h>
#include <liburing.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern_file.h"
#include "workloads/lib/map_sharing.h"

namespace dt::workloads {
namespace {

enum class Fault { register_anonymous };
const NameTable<Fault> kFaults("a uring_fixed_buffers_fsdax injection", {
    {Fault::register_anonymous, "register_anonymous"},
});

const WorkloadSpec spec = {
    .name = "uring_fixed_buffers_fsdax",
    .group = "uring",
    .summary = "io_uring refuses to register fixed buffers that live in an fsdax mapping",
    .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs", "ext4"}},
    .fixes = {{"2bb6d2837083", "mm: introduce get_user_pages_longterm"}},
    .timeout = std::chrono::seconds(30),
    .variants = map_sharings(),
    // register_anonymous: register anonymous memory where the fsdax mapping
    //   belongs, as a kernel that allowed the long-term pin would behave;
    //   the refusal check must fail.
    .injections = kFaults,
};

constexpr uint64_t kBufferSize = 2 * kPmdSize;

// Errnos kernels have used to refuse a long-term pin of fsdax memory.
const std::set<int> kRefusals = {EOPNOTSUPP, EFAULT, ENOSPC, EINVAL};

void scenario(Context& ctx) {
  io_uring ring;
  int rc = io_uring_queue_init(8, &ring, 0);
  if (rc == -ENOSYS || rc == -EPERM) ctx.skip("io_uring is not available: " + errno_name(-rc));
  if (rc < 0) throw SetupError("io_uring_queue_init: " + errno_name(-rc));

  // Control: the same registration over anonymous memory must work here.
  void* anon = DT_SYS(mmap(nullptr, kBufferSize, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0));
  iovec control{anon, kBufferSize};
  rc = io_uring_register_buffers(&ring, &control, 1);
  if (rc < 0)
    throw SetupError("registering anonymous memory already fails (" + errno_name(-rc) +
                     "): RLIMIT_MEMLOCK or io_uring limits, not DAX; cannot judge");
  rc = io_uring_unregister_buffers(&ring);
  if (rc < 0) throw SetupError("io_uring_unregister_buffers: " + errno_name(-rc));

  int fd = create_pattern_file(ctx.path("fixed"), kBufferSize, 0xF1);
  int flags = mmap_flag(ctx.variant(map_sharings()));
  void* dax = DT_SYS(mmap(nullptr, kBufferSize, PROT_READ | PROT_WRITE, flags, fd, 0));
  // One written page: shared, it is the file's pmem; private, a copy. The
  // untouched pages of a private mapping still map pmem, so the pin must be
  // refused either way.
  memset(dax, 0x5a, kPageSize);

  iovec buffer{ctx.injected(kFaults, Fault::register_anonymous) ? anon : dax, kBufferSize};
  rc = io_uring_register_buffers(&ring, &buffer, 1);
  ctx.note("io_uring_register_buffers over the " + ctx.variant() + " fsdax mapping: " +
           (rc == 0 ? "accepted" : errno_name(-rc)));
  if (rc == 0) io_uring_unregister_buffers(&ring);
  DT_EXPECT(rc != 0) << "a long-term pin over an fsdax mapping (" << ctx.variant()
                     << ") was accepted; expected a refusal";
  DT_EXPECT(rc == 0 || kRefusals.count(-rc))
      << "the refusal came as " << errno_name(-rc) << ", not one of EOPNOTSUPP, EFAULT, ENOSPC, EINVAL";

  munmap(dax, kBufferSize);
  munmap(anon, kBufferSize);
  close(fd);
  io_uring_queue_exit(&ring);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
