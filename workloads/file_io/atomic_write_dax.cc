// Atomic writes (RWF_ATOMIC, v6.11) are the block layer's promise: the
// filesystem hands the whole write to the device in one command, or swaps
// in a copy written out of place (xfs with reflink, v6.16). A DAX write is a
// memcpy into pmem and is atomic at no size, so a DAX inode must not
// advertise it and must refuse it. xfs did both until "xfs: disallow atomic
// writes on DAX" (statx reported a unit of one block, and the write took the
// DAX path as a plain, tearable copy); "fs/dax: Reject IOCB_ATOMIC in
// dax_iomap_rw()" makes any such write that still gets there fail loudly.
//
// Asserted on a DAX file: statx(STATX_WRITE_ATOMIC) reports no atomic write
// unit and no STATX_ATTR_WRITE_ATOMIC; a one-block pwritev2(RWF_ATOMIC)
// through O_DIRECT (what atomic writes require) is refused with EOPNOTSUPP
// (kernels before v6.11 do not know the flag and say the same) or EINVAL,
// and the file keeps its data. xfs-reflink is the instance where the bug
// showed: plain xfs on pmem has no device atomic unit to offer.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/pattern_file.h"

namespace dt::workloads {
namespace {

enum class Fault { plain_write };
const NameTable<Fault> kFaults("an atomic_write_dax injection", {{Fault::plain_write, "plain_write"}});

const WorkloadSpec spec = {
    .name = "atomic_write_dax",
    .group = "file_io",
    .summary = "a DAX file advertises no atomic write unit in statx and refuses RWF_ATOMIC",
    .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs", "xfs-reflink", "ext4"}},
    .fixes = {{"68456d05eb57", "xfs: disallow atomic writes on DAX"},
              {"e7fb9b71326f", "fs/dax: Reject IOCB_ATOMIC in dax_iomap_rw()"}},
    .timeout = std::chrono::seconds(30),
    // plain_write: the write goes without RWF_ATOMIC, as a kernel that
    //   accepted the flag would answer: the refusal check fails.
    .injections = kFaults,
};

// The kernel's struct statx, read by offset: the build host's headers may
// predate the atomic write fields (v6.11).
constexpr unsigned kStatxWriteAtomic = 0x00010000;      // STATX_WRITE_ATOMIC
constexpr uint64_t kAttrWriteAtomic = 0x00400000;       // STATX_ATTR_WRITE_ATOMIC
constexpr size_t kMaskAt = 0x00, kAttributesAt = 0x08, kUnitMinAt = 0xa8, kUnitMaxAt = 0xac;
constexpr int kRwfAtomic = 0x00000040;                  // RWF_ATOMIC

template <typename T>
T field(const uint8_t* statx, size_t at) {
  T value;
  memcpy(&value, statx + at, sizeof value);
  return value;
}

constexpr uint64_t kFileSize = 64 * kPageSize;
constexpr uint64_t kSeed = 0xA70, kNewSeed = 0xA71;

void scenario(Context& ctx) {
  const std::string path = ctx.path("atomic");
  close(create_pattern_file(path, kFileSize, kSeed));

  alignas(8) uint8_t statx[256] = {};
  DT_SYS(syscall(SYS_statx, AT_FDCWD, path.c_str(), 0, kStatxWriteAtomic, statx));
  const auto mask = field<uint32_t>(statx, kMaskAt);
  const auto attributes = field<uint64_t>(statx, kAttributesAt);
  const bool reported = mask & kStatxWriteAtomic;
  const uint32_t unit_min = reported ? field<uint32_t>(statx, kUnitMinAt) : 0;
  const uint32_t unit_max = reported ? field<uint32_t>(statx, kUnitMaxAt) : 0;
  ctx.note("statx(STATX_WRITE_ATOMIC) of a DAX file: " +
           (reported ? "unit min " + std::to_string(unit_min) + ", max " + std::to_string(unit_max)
                     : std::string("not reported")));
  DT_EXPECT(unit_min == 0 && unit_max == 0 && !(attributes & kAttrWriteAtomic))
      << "statx says a DAX file takes atomic writes of " << unit_min << " to " << unit_max
      << " bytes" << (attributes & kAttrWriteAtomic ? " (STATX_ATTR_WRITE_ATOMIC set)" : "")
      << ": a DAX write is a CPU copy, atomic at no size";

  int fd = DT_SYS(open(path.c_str(), O_RDWR | O_DIRECT | O_CLOEXEC));
  std::unique_ptr<void, decltype(&free)> block(aligned_alloc(kPageSize, kPageSize), &free);
  fill_pattern(block.get(), kPageSize, kNewSeed, 0);
  iovec iov{block.get(), kPageSize};
  const int flags = ctx.injected(kFaults, Fault::plain_write) ? 0 : kRwfAtomic;
  ssize_t rc = pwritev2(fd, &iov, 1, 0, flags);
  int error = rc < 0 ? errno : 0;
  ctx.note("pwritev2(RWF_ATOMIC) of one block: " +
           (rc < 0 ? errno_name(error) : std::to_string(rc) + " bytes written"));
  DT_EXPECT(rc < 0 && (error == EOPNOTSUPP || error == EINVAL))
      << "pwritev2(RWF_ATOMIC) of one block of a DAX file "
      << (rc >= 0 ? "wrote " + std::to_string(rc) + " bytes" : "failed with " + errno_name(error))
      << ", expected EOPNOTSUPP: DAX cannot make a write atomic";
  close(fd);
  if (rc >= 0) return;  // the write went through, as reported above
  int plain = DT_SYS(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  auto damage = verify_file_pattern(plain, 0, kFileSize, kSeed);
  DT_EXPECT(!damage) << "the refused atomic write changed the file: " << damage->describe();
  close(plain);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
