// Zeroing part of a block of a DAX file: a truncate to a size inside a
// block, FALLOC_FL_ZERO_RANGE and FALLOC_FL_PUNCH_HOLE of ranges that start
// and end inside blocks. The whole blocks in between are freed or zeroed
// by the filesystem; the partial ones are zeroed in place by fs/dax.c
// (dax_zero_range -> dax_zero_iter -> dax_memzero, a CPU store into pmem).
// Every mapping of the file must see the same bytes as read(2): a DAX
// mapping is the pmem itself, with no page cache to invalidate. The
// coverage of the default set on 7.3 showed dax_memzero never run.
//
// Asserted, with the file mapped and read through the mapping first:
//   truncate_extend  truncate to 10 pages + 100 bytes, then back to 32
//                    pages: bytes from the short size on read zeroes (the
//                    tail of the block that held the end must not come
//                    back), the rest keeps its data;
//   zero_range       FALLOC_FL_ZERO_RANGE of [3 pages + 100, 8 pages + 100):
//                    zeroes there, data around it;
//   punch_hole       FALLOC_FL_PUNCH_HOLE | KEEP_SIZE of the same range.
// Each through read(2) and through the mapping made before the change.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/pattern_file.h"

namespace dt::workloads {
namespace {

enum class Change { truncate_extend, zero_range, punch_hole };
const NameTable<Change> kChanges("a partial_block_zeroing variant", {{Change::truncate_extend, "truncate_extend"},
                                                                     {Change::zero_range, "zero_range"},
                                                                     {Change::punch_hole, "punch_hole"}});

enum class Fault { stale_edge };
const NameTable<Fault> kFaults("a partial_block_zeroing injection", {{Fault::stale_edge, "stale_edge"}});

const WorkloadSpec spec = {
    .name = "partial_block_zeroing",
    .group = "file_io",
    .summary = "truncate, zero-range and punch-hole inside blocks of a DAX file zero exactly their "
               "bytes, as read(2) and an existing mapping both see",
    .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs", "ext4"}},
    .timeout = std::chrono::seconds(30),
    .variants = kChanges,
    // stale_edge: the first bytes that should now be zero get the old data
    //   back, as a kernel that skipped zeroing the partial block would leave
    //   them: the zeroes check fails.
    .injections = kFaults,
};

constexpr uint64_t kPages = 32, kFileSize = kPages * kPageSize;
constexpr uint64_t kSeed = 0x2E20;
constexpr uint64_t kShortSize = 10 * kPageSize + 100;
constexpr uint64_t kRangeAt = 3 * kPageSize + 100, kRangeLength = 5 * kPageSize;

// The bytes the file should hold after the change: zero in [from, to).
std::vector<uint8_t> expected_bytes(uint64_t from, uint64_t to) {
  std::vector<uint8_t> bytes(kFileSize);
  fill_pattern(bytes.data(), bytes.size(), kSeed, 0);
  memset(bytes.data() + from, 0, to - from);
  return bytes;
}

void expect_bytes(const uint8_t* seen, const std::vector<uint8_t>& expected, const std::string& what) {
  auto difference = find_difference(seen, expected.data(), expected.size(), 0);
  DT_EXPECT(!difference) << what << " differs at " << difference->describe() << ": found "
                         << whose_data(seen + (difference->first & ~7ull),
                                       {{"the file's data before the change", kSeed, 0, kFileSize, true}});
}

void scenario(Context& ctx) {
  int fd = create_pattern_file(ctx.path("file"), kFileSize, kSeed);
  auto* map = static_cast<uint8_t*>(mmap(nullptr, kFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  DT_ASSERT(map != MAP_FAILED) << "mmap: " << errno_name(errno);
  volatile uint64_t sum = 0;
  for (uint64_t off = 0; off < kFileSize; off += kPageSize) sum = sum + map[off];

  uint64_t from = kRangeAt, to = kRangeAt + kRangeLength;
  switch (ctx.variant(kChanges)) {
    case Change::truncate_extend:
      DT_SYS(ftruncate(fd, static_cast<off_t>(kShortSize)));
      DT_SYS(ftruncate(fd, static_cast<off_t>(kFileSize)));
      from = kShortSize;
      to = kFileSize;
      break;
    case Change::zero_range:
      DT_SYS(fallocate(fd, FALLOC_FL_ZERO_RANGE, static_cast<off_t>(kRangeAt), static_cast<off_t>(kRangeLength)));
      break;
    case Change::punch_hole:
      DT_SYS(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(kRangeAt),
                       static_cast<off_t>(kRangeLength)));
      break;
  }
  if (ctx.injected(kFaults, Fault::stale_edge)) {
    std::vector<uint8_t> stale(64);
    fill_pattern(stale.data(), stale.size(), kSeed, from);
    DT_SYS(pwrite(fd, stale.data(), stale.size(), static_cast<off_t>(from)));
  }

  const std::vector<uint8_t> expected = expected_bytes(from, to);
  std::vector<uint8_t> file(kFileSize);
  DT_SYS(pread(fd, file.data(), file.size(), 0));
  const std::string change = std::string(ctx.variant()) + " of [" + std::to_string(from) + ", " + std::to_string(to) + ")";
  expect_bytes(file.data(), expected, "the file after " + change + ", through read(2),");
  expect_bytes(map, expected, "the file after " + change + ", through the mapping made before it,");
  DT_SYS(munmap(map, kFileSize));
  close(fd);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
