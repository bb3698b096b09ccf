// MAP_SYNC's promise, tested by a real power cut: once a write fault on a
// MAP_SYNC mapping returns, the metadata that makes the written data
// reachable (the newly allocated blocks, the file size) is durable, with no
// fsync. The first boot extends a file, writes it through the mapping,
// flushes the CPU caches and asks the host to kill QEMU. The host boots the
// same NVDIMM backing file again; the filesystem replays its journal at
// mount and the second half reads what survived.
//
// Variant `plain` does the same through an ordinary shared mapping. Its
// contract is weaker (nothing is promised before fsync/msync), so what
// survives is reported, not judged; both variants fail if the file shows
// data that was never written to it (stale blocks of a deleted file).
//
// Under QEMU a store to the emulated NVDIMM reaches the backing file at
// once, so the data itself always survives; what the cut can lose is the
// kernel's metadata held in guest RAM, which is exactly what MAP_SYNC is for.
#include <fcntl.h>
#include <immintrin.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern_file.h"
#include "workloads/lib/process_probe.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/extent_map.h"

#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

namespace dt::workloads {
namespace {

enum class Fault { plain_mapping, stale_page };
const NameTable<Fault> kFaults("a map_sync_power_loss injection",
    {{Fault::plain_mapping, "plain_mapping"}, {Fault::stale_page, "stale_page"}});

enum class Sync { map_sync, plain };
const NameTable<Sync> kSyncs("a map_sync_power_loss variant",
    {{Sync::map_sync, "map_sync"}, {Sync::plain, "plain"}});

const WorkloadSpec spec = {
    .name = "map_sync_power_loss",
    .group = "lifecycle",
    .summary = "data written through MAP_SYNC to new blocks survives a power cut without fsync",
    .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs", "ext4"}},
    .fixes = {{"b6fb293f2497", "mm: Define MAP_SYNC and VM_SYNC flags"},
              {"caa51d26f85c", "dax, iomap: Add support for synchronous faults"}},
    .timeout = std::chrono::seconds(60),
    .variants = kSyncs,
    .in_default_set = false,  // two boots each
    // plain_mapping: map without MAP_SYNC where MAP_SYNC belongs, as a kernel
    //   that ignored the flag would; the survival checks must fail.
    // stale_page (variant plain): one page of the file gets the deleted
    //   file's data and is fsynced, as a kernel that handed out blocks
    //   without zeroing them would show; the stale-data check must fail.
    .injections = kFaults,
    .power_cut = true,
};

constexpr uint64_t kFileSize = 8ull << 20;
constexpr uint64_t kStaleSize = 32ull << 20;
constexpr uint64_t kSeed = 0x5afe'c0de;
constexpr uint64_t kStaleSeed = 0x57a1'e000;
constexpr size_t kCacheLine = 64;

bool map_sync_variant(const Context& ctx) { return ctx.variant(kSyncs) == Sync::map_sync; }

// The first boot: leave freed blocks full of another file's data, extend the
// test file, write it through the mapping, cut the power.
[[noreturn]] void before_the_cut(Context& ctx) {
  // Blocks the new file may be given hold this pattern, so data that was
  // never written to the file cannot pass for zeroes.
  int stale = create_pattern_file(ctx.path("stale"), kStaleSize, kStaleSeed);
  ctx.note("the deleted file's blocks: " + describe_extents(file_extents(stale)));
  close(stale);
  DT_SYS(unlink(ctx.path("stale").c_str()));
  int fd = DT_SYS(open(ctx.path("file").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644));
  // Everything up to here is durable: the empty file exists for sure. What
  // follows is the test, and nothing after this point syncs.
  DT_SYS(syncfs(fd));

  DT_SYS(ftruncate(fd, static_cast<off_t>(kFileSize)));
  bool sync = map_sync_variant(ctx) && !ctx.injected(kFaults, Fault::plain_mapping);
  int flags = sync ? MAP_SHARED_VALIDATE | MAP_SYNC : MAP_SHARED;
  void* mapping = mmap(nullptr, kFileSize, PROT_READ | PROT_WRITE, flags, fd, 0);
  DT_ASSERT(mapping != MAP_FAILED) << "mmap with " << (sync ? "MAP_SYNC" : "MAP_SHARED")
                                   << " of a file on " << ctx.fs() << " -o dax failed: "
                                   << errno_name(errno);
  double started = monotonic_seconds();
  uint64_t faults_before = page_faults();
  fill_pattern(mapping, kFileSize, kSeed, 0);
  // The caches too: on real pmem a store is durable only once flushed.
  auto* bytes = static_cast<char*>(mapping);
  for (uint64_t offset = 0; offset < kFileSize; offset += kCacheLine) _mm_clflush(bytes + offset);
  _mm_sfence();
  if (!map_sync_variant(ctx) && ctx.injected(kFaults, Fault::stale_page)) {
    fill_pattern(bytes, kPageSize, kStaleSeed, kPageSize);
    DT_SYS(msync(bytes, kFileSize, MS_SYNC));
  }
  ctx.note("wrote " + std::to_string(kFileSize >> 20) + " MiB to new blocks through a " +
           (sync ? "MAP_SYNC" : "plain shared") + " mapping in " +
           std::to_string(static_cast<int>((monotonic_seconds() - started) * 1000)) + " ms (" +
           std::to_string(page_faults() - faults_before) + " page faults); no fsync, no munmap");
  ctx.cut_power();
}

enum class PageContent { data, zeroes, stale, other };

PageContent classify_page(const char* page, uint64_t offset) {
  if (!find_mismatch(page, kPageSize, kSeed, offset)) return PageContent::data;
  if (!find_mismatch_byte(page, kPageSize, 0, offset)) return PageContent::zeroes;
  // The stale file's pattern at any offset of it: compare the first word.
  uint64_t word;
  memcpy(&word, page, sizeof word);
  for (uint64_t at = 0; at < kStaleSize; at += kPageSize)
    if (word == pattern_word(kStaleSeed, at)) return PageContent::stale;
  return PageContent::other;
}

// The second boot: the filesystem was mounted again (journal replayed).
void after_the_cut(Context& ctx) {
  int fd = open(ctx.path("file").c_str(), O_RDONLY);
  DT_ASSERT(fd >= 0) << "the file created and synced before the power cut is gone: "
                     << errno_name(errno);
  struct stat info {};
  DT_SYS(fstat(fd, &info));
  auto extents = file_extents(fd);
  std::vector<char> contents(kFileSize, 0);
  ssize_t got = DT_SYS(pread(fd, contents.data(), kFileSize, 0));
  (void)got;  // past EOF stays zero, which is what such a reader would see

  uint64_t counts[4] = {};
  uint64_t first_stale = kFileSize;
  for (uint64_t offset = 0; offset < kFileSize; offset += kPageSize) {
    PageContent content = classify_page(contents.data() + offset, offset);
    ++counts[static_cast<int>(content)];
    if (content == PageContent::stale && first_stale == kFileSize) first_stale = offset;
  }
  const uint64_t pages = kFileSize / kPageSize;
  ctx.note("after the power cut (" + std::string(map_sync_variant(ctx) ? "MAP_SYNC" : "plain") +
           " mapping): size " + std::to_string(info.st_size) + " of " + std::to_string(kFileSize) +
           "; of " + std::to_string(pages) + " pages " + std::to_string(counts[0]) + " hold the data, " +
           std::to_string(counts[1]) + " read zeroes, " + std::to_string(counts[2]) + " stale data, " +
           std::to_string(counts[3]) + " other; extents: " + describe_extents(extents));
  ctx.metric("surviving_size", static_cast<double>(info.st_size), "bytes");
  ctx.metric("surviving_pages", static_cast<double>(counts[0]), "pages");

  DT_EXPECT(counts[2] == 0 && counts[3] == 0)
      << "after the power cut the file shows data never written to it: " << counts[2]
      << " pages of a deleted file's data (first at offset " << first_stale << "), " << counts[3]
      << " pages of other data";
  if (!map_sync_variant(ctx)) return;  // reported above, not judged
  DT_EXPECT(info.st_size == static_cast<off_t>(kFileSize))
      << "after the power cut the file's size is " << info.st_size << ", not " << kFileSize
      << ": the size set before the MAP_SYNC write faults was not made durable by them";
  DT_EXPECT(counts[0] == pages) << "after the power cut only " << counts[0] << " of " << pages
                                << " pages written through MAP_SYNC hold their data ("
                                << counts[1] << " read zeroes); extents: " << describe_extents(extents);
  close(fd);
}

void scenario(Context& ctx) {
  if (ctx.after_power_cut()) after_the_cut(ctx);
  else before_the_cut(ctx);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
