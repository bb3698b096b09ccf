// Shared extents of a DAX file (xfs with reflink): what FICLONE'd blocks
// promise when one owner unshares, writes a few bytes or dedupes them. On
// DAX these are CPU copies between pmem blocks written in fs/dax.c
// (dax_unshare_iter, dax_iomap_copy_around, dax_dedupe_file_range_compare),
// not the page cache's, and they had their own bugs: an unaligned unshare
// copied only the bytes asked for and left the rest of each new block as
// whatever the free block held before (50793801fc7f), zeroing code in the
// unshare path wiped data (95472274b6fe), and unsharing a hole allocated
// CoW blocks for it (b8c4076db5fd), and before v6.2 a CoW write(2) left a
// mapping on the old block (f80e1668888f). The coverage of the default set
// on 7.3 showed none of these paths reached.
//
// Free space is filled with a stale pattern first, so that a block copied
// only in part shows whose data it kept. Asserted, per variant:
//   unshare       FALLOC_FL_UNSHARE_RANGE of an unaligned range of the clone:
//                 the clone reads the original's data everywhere (read(2)
//                 and its mapping), the range is no longer shared (FIEMAP),
//                 and a store through the clone's mapping there leaves the
//                 original as it was;
//   unshare_hole  the same over a range holding a hole: data where the
//                 original had data, zeroes in the hole;
//   cow_write     a 100-byte write(2) inside a shared block of the clone: the
//                 block keeps the original's bytes around it, the original
//                 is unchanged;
//   dedupe        FIDEDUPERANGE of equal ranges reports them the same and
//                 shares them; of ranges one byte apart reports DIFFERS and
//                 changes nothing.
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/extent_map.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/pattern_file.h"

namespace dt::workloads {
namespace {

enum class Case { unshare, unshare_hole, cow_write, dedupe };
const NameTable<Case> kCases("a reflink_unshare_dax variant", {{Case::unshare, "unshare"},
                                                               {Case::unshare_hole, "unshare_hole"},
                                                               {Case::cow_write, "cow_write"},
                                                               {Case::dedupe, "dedupe"}});

enum class Fault { stale_head };
const NameTable<Fault> kFaults("a reflink_unshare_dax injection", {{Fault::stale_head, "stale_head"}});

const WorkloadSpec spec = {
    .name = "reflink_unshare_dax",
    .group = "file_io",
    .summary = "unshare, small writes and dedupe of a DAX file's shared extents keep every byte "
               "where it belongs",
    .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs-reflink"}},
    .fixes = {{"f80e1668888f", "fsdax: invalidate pages when CoW"},
              {"50793801fc7f", "fsdax: dax_unshare_iter needs to copy entire blocks"},
              {"95472274b6fe", "fsdax: remove zeroing code from dax_unshare_iter"},
              {"b8c4076db5fd", "xfs: don't allocate COW extents when unsharing a hole"}},
    .timeout = std::chrono::seconds(60),
    .variants = kCases,
    // stale_head: the first bytes of the first block the operation copies
    //   get the stale pattern, as a kernel that copied only the bytes asked
    //   for would leave them: the clone's data check fails.
    .injections = kFaults,
};

constexpr uint64_t kPages = 64, kFileSize = kPages * kPageSize;
constexpr uint64_t kSeed = 0x5EF1, kStaleSeed = 0x57A1, kStoreSeed = 0x5707;
constexpr uint64_t kStaleSize = 16ull << 20;  // freed before the clone: what a free block holds
// unshare: from 100 bytes into page 3, five pages long (unaligned both ends).
constexpr uint64_t kUnshareAt = 3 * kPageSize + 100, kUnshareLength = 5 * kPageSize;
// unshare_hole: the original has a hole at pages [8, 24).
constexpr uint64_t kHoleFrom = 8 * kPageSize, kHoleTo = 24 * kPageSize;
// cow_write: 100 bytes in the middle of page 5.
constexpr uint64_t kWriteAt = 5 * kPageSize + 1000, kWriteLength = 100;

std::vector<PatternOwner> owners() {
  return {{"the original's data", kSeed, 0, kFileSize, true},
          {"stale data of a freed file", kStaleSeed, 0, kStaleSize, true},
          {"the clone's own store", kStoreSeed, 0, kFileSize, true}};
}

std::vector<uint8_t> read_all(int fd) {
  std::vector<uint8_t> bytes(kFileSize);
  DT_SYS(pread(fd, bytes.data(), bytes.size(), 0));
  return bytes;
}

// What the file should hold: the original's pattern, or zeroes in its hole.
std::vector<uint8_t> original_bytes(bool with_hole) {
  std::vector<uint8_t> bytes(kFileSize);
  fill_pattern(bytes.data(), bytes.size(), kSeed, 0);
  if (with_hole) memset(bytes.data() + kHoleFrom, 0, kHoleTo - kHoleFrom);
  return bytes;
}

void expect_bytes(const std::vector<uint8_t>& seen, const std::vector<uint8_t>& expected, const std::string& what) {
  auto difference = find_difference(seen.data(), expected.data(), seen.size(), 0);
  DT_EXPECT(!difference) << what << " differs at " << difference->describe() << ": found "
                         << whose_data(seen.data() + (difference->first & ~7ull), owners());
}

// Fills free space with a pattern nobody should read again.
void leave_stale_blocks(Context& ctx) {
  std::string stale = ctx.path("stale");
  close(create_pattern_file(stale, kStaleSize, kStaleSeed));
  DT_SYS(unlink(stale.c_str()));
}

int make_original(Context& ctx, bool with_hole) {
  std::string path = ctx.path("original");
  int fd = create_pattern_file(path, kFileSize, kSeed);
  if (with_hole) DT_SYS(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, kHoleFrom, kHoleTo - kHoleFrom));
  DT_SYS(fsync(fd));
  return fd;
}

int make_clone(Context& ctx, int original) {
  int fd = DT_SYS(open(ctx.path("clone").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  DT_SYS(ioctl(fd, FICLONE, original));
  return fd;
}

// What a copy of only the bytes asked for leaves: the block's head stale.
void inject_stale_head(Context& ctx, int fd, uint64_t at) {
  if (!ctx.injected(kFaults, Fault::stale_head)) return;
  uint64_t block = at & ~(kPageSize - 1);
  std::vector<uint8_t> stale(at - block);
  fill_pattern(stale.data(), stale.size(), kStaleSeed, block);
  DT_SYS(pwrite(fd, stale.data(), stale.size(), static_cast<off_t>(block)));
}

bool range_shared(int fd, uint64_t from, uint64_t to) {
  for (const Extent& extent : file_extents(fd))
    if (extent.logical < to && extent.logical + extent.length > from && (extent.flags & FIEMAP_EXTENT_SHARED))
      return true;
  return false;
}

// The clone's mapping, read whole (shared DAX entries for every page).
uint8_t* map_and_read(int fd) {
  auto* map = static_cast<uint8_t*>(mmap(nullptr, kFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  DT_ASSERT(map != MAP_FAILED) << "mmap of the clone: " << errno_name(errno);
  volatile uint64_t sum = 0;
  for (uint64_t off = 0; off < kFileSize; off += kPageSize) sum = sum + map[off];
  return map;
}

void unshare(Context& ctx, bool with_hole) {
  leave_stale_blocks(ctx);
  int original = make_original(ctx, with_hole);
  int clone = make_clone(ctx, original);
  uint8_t* map = map_and_read(clone);
  const uint64_t at = with_hole ? 4 * kPageSize + 100 : kUnshareAt;
  const uint64_t length = with_hole ? kHoleTo - at : kUnshareLength;
  DT_SYS(fallocate(clone, FALLOC_FL_UNSHARE_RANGE, static_cast<off_t>(at), static_cast<off_t>(length)));
  inject_stale_head(ctx, clone, at);
  ctx.note("clone after the unshare: " + describe_extents(file_extents(clone)));

  const std::vector<uint8_t> expected = original_bytes(with_hole);
  expect_bytes(read_all(clone), expected, "the clone after FALLOC_FL_UNSHARE_RANGE, through read(2),");
  std::vector<uint8_t> mapped(map, map + kFileSize);
  expect_bytes(mapped, expected, "the clone after FALLOC_FL_UNSHARE_RANGE, through its mapping,");
  const uint64_t data_to = with_hole ? kHoleFrom : at + length;
  DT_EXPECT(!range_shared(clone, at, data_to))
      << "FALLOC_FL_UNSHARE_RANGE of [" << at << ", " << at + length << ") left data of it shared: "
      << describe_extents(file_extents(clone));

  // The unshared pages are the clone's own: a store there stays there.
  const uint64_t first_page = at & ~(kPageSize - 1);
  fill_pattern(map + first_page, data_to - first_page, kStoreSeed, first_page);
  DT_SYS(msync(map, kFileSize, MS_SYNC));
  expect_bytes(read_all(original), expected, "the original, after stores through the clone's mapping,");
  DT_SYS(munmap(map, kFileSize));
  close(clone);
  close(original);
}

void cow_write(Context& ctx) {
  leave_stale_blocks(ctx);
  int original = make_original(ctx, false);
  int clone = make_clone(ctx, original);
  uint8_t* map = map_and_read(clone);
  std::vector<uint8_t> bytes(kWriteLength);
  fill_pattern(bytes.data(), bytes.size(), kStoreSeed, kWriteAt);
  DT_SYS(pwrite(clone, bytes.data(), bytes.size(), static_cast<off_t>(kWriteAt)));
  inject_stale_head(ctx, clone, kWriteAt);

  std::vector<uint8_t> expected = original_bytes(false);
  memcpy(expected.data() + kWriteAt, bytes.data(), bytes.size());
  expect_bytes(read_all(clone), expected, "the clone after a 100-byte write into a shared block, through read(2),");
  std::vector<uint8_t> mapped(map, map + kFileSize);
  expect_bytes(mapped, expected, "the clone after a 100-byte write into a shared block, through its mapping,");
  expect_bytes(read_all(original), original_bytes(false), "the original, after the clone's write,");
  DT_SYS(munmap(map, kFileSize));
  close(clone);
  close(original);
}

// One FIDEDUPERANGE of [0, length) of `source` onto `dest`.
file_dedupe_range_info dedupe_range(int source, int dest, uint64_t length) {
  std::unique_ptr<file_dedupe_range, decltype(&free)> range(
      static_cast<file_dedupe_range*>(calloc(1, sizeof(file_dedupe_range) + sizeof(file_dedupe_range_info))), &free);
  range->src_offset = 0;
  range->src_length = length;
  range->dest_count = 1;
  range->info[0].dest_fd = dest;
  range->info[0].dest_offset = 0;
  DT_SYS(ioctl(source, FIDEDUPERANGE, range.get()));
  return range->info[0];
}

void dedupe(Context& ctx) {
  leave_stale_blocks(ctx);
  int original = make_original(ctx, false);
  int copy = create_pattern_file(ctx.path("copy"), kFileSize, kSeed);
  int other = create_pattern_file(ctx.path("other"), kFileSize, kSeed);
  // One byte apart in page 9 (the injection leaves the copy so instead).
  const uint64_t flip_at = 9 * kPageSize + 7;
  int flipped = ctx.injected(kFaults, Fault::stale_head) ? copy : other;
  uint8_t byte = 0;
  DT_SYS(pread(flipped, &byte, 1, flip_at));
  byte ^= 0xff;
  DT_SYS(pwrite(flipped, &byte, 1, flip_at));

  file_dedupe_range_info same = dedupe_range(original, copy, kFileSize);
  ctx.note("FIDEDUPERANGE of equal files: status " + std::to_string(same.status) + ", " +
           std::to_string(same.bytes_deduped) + " bytes deduped");
  DT_EXPECT(same.status == FILE_DEDUPE_RANGE_SAME && same.bytes_deduped == kFileSize)
      << "FIDEDUPERANGE of two equal " << kFileSize << "-byte ranges reported status " << same.status
      << " with " << same.bytes_deduped << " bytes deduped, expected FILE_DEDUPE_RANGE_SAME for all of them";
  DT_EXPECT(range_shared(copy, 0, kFileSize))
      << "after FIDEDUPERANGE of equal ranges the copy shares nothing: " << describe_extents(file_extents(copy));
  expect_bytes(read_all(copy), original_bytes(false), "the copy after FIDEDUPERANGE");

  file_dedupe_range_info differs = dedupe_range(original, other, kFileSize);
  ctx.note("FIDEDUPERANGE of files one byte apart: status " + std::to_string(differs.status));
  DT_EXPECT(differs.status == FILE_DEDUPE_RANGE_DIFFERS)
      << "FIDEDUPERANGE of ranges that differ in byte " << flip_at << " reported status " << differs.status
      << ", expected FILE_DEDUPE_RANGE_DIFFERS (" << FILE_DEDUPE_RANGE_DIFFERS << ")";
  std::vector<uint8_t> expected = original_bytes(false);
  expected[flip_at] ^= 0xff;
  expect_bytes(read_all(other), expected, "the file FIDEDUPERANGE found different");
  close(other);
  close(copy);
  close(original);
}

void scenario(Context& ctx) {
  switch (ctx.variant(kCases)) {
    case Case::unshare: return unshare(ctx, false);
    case Case::unshare_hole: return unshare(ctx, true);
    case Case::cow_write: return cow_write(ctx);
    case Case::dedupe: return dedupe(ctx);
  }
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
