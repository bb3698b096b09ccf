#include "workloads/pin_matrix/pin_matrix.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>

#include "core/check.h"
#include "core/command.h"
#include "core/context.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "core/name_table.h"
#include "fixtures/dax_filesystem.h"
#include "fixtures/slow_device.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/pattern_file.h"
#include "workloads/lib/process_probe.h"
#include "workloads/lib/pattern.h"
#include "workloads/pin_matrix/free_space.h"
#include "workloads/lib/dax_trace.h"
#include "workloads/lib/extent_map.h"
#include "workloads/pin_matrix/layout_change.h"
#include "workloads/lib/dma_pin.h"

namespace dt::workloads {
namespace {

// F is 8 PMDs; the change covers the third PMD, the pin the first half of it.
constexpr uint64_t kFileSize = 8 * kPmdSize;
constexpr uint64_t kChangeOffset = 2 * kPmdSize;
constexpr uint64_t kChangeLength = kPmdSize;
constexpr uint64_t kPinOffset = kChangeOffset;
constexpr uint64_t kPinLength = 1 << 20;
// Free space left beside the ballast: the freed blocks are then the most
// likely ones for the fill files to receive.
constexpr uint64_t kSpareBytes = 8ull << 20;
constexpr uint64_t kFillFileSize = kPmdSize;
constexpr int kMaxFillFiles = 24;
constexpr uint64_t kReplacementSize = 1 << 20;
constexpr uint64_t kFileSeed = 0xF17E, kDeviceSeed = 0xDE5, kFillSeed = 0xF1110,
                   kReplacementSeed = 0x2E9;

// Whose data is this? The patterns a cell writes, for its reports.
std::string recognise(const uint8_t* bytes, uint64_t offset_hint) {
  const uint64_t aligned = offset_hint & ~7ull;
  std::vector<PatternOwner> owners = {{"the slow device's data", kDeviceSeed, 0, kPinLength}};
  for (int i = 0; i < kMaxFillFiles; ++i)
    owners.push_back({"fill file data", kFillSeed + i, aligned % kFillFileSize});
  owners.push_back({"F's data", kFileSeed, aligned});
  return whose_data(bytes, owners);
}

struct FillFile {
  std::string name;
  uint64_t seed;
  uint64_t length;
};

// Writes one fill file through ordinary writes; stops early on ENOSPC.
FillFile write_fill_file(Context& ctx, int index) {
  FillFile file{"fill-" + std::to_string(index), kFillSeed + static_cast<uint64_t>(index), 0};
  int fd = DT_SYS(open(ctx.path(file.name).c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  std::vector<uint8_t> chunk(1 << 20);
  for (uint64_t off = 0; off < kFillFileSize; off += chunk.size()) {
    fill_pattern(chunk.data(), chunk.size(), file.seed, off);
    ssize_t n = pwrite(fd, chunk.data(), chunk.size(), static_cast<off_t>(off));
    if (n < 0 && errno == ENOSPC) break;
    if (n < 0) report_broken_call(__FILE__, __LINE__, "pwrite(fill file)", errno);
    file.length += static_cast<uint64_t>(n);
    if (static_cast<size_t>(n) < chunk.size()) break;
  }
  close(fd);
  return file;
}

uint64_t bytes_freed_by(LayoutChange change) {
  switch (change) {
    case LayoutChange::truncate:
    case LayoutChange::umount: return kFileSize - kChangeOffset;
    case LayoutChange::unlink:
    case LayoutChange::rename_over: return kFileSize;
    case LayoutChange::insert_range: return 0;
    default: return kChangeLength;
  }
}

// F's expected content after the pin's I/O and then the change (the change
// must wait for the I/O, so it applies to the I/O's result).
std::vector<uint8_t> expected_content(PinSource source, LayoutChange change,
                                      bool pin_in_f, uint64_t pin_length) {
  std::vector<uint8_t> model(kFileSize);
  fill_pattern(model.data(), model.size(), kFileSeed, 0);
  if (source_reads_into_dax(source) && pin_in_f) fill_pattern(model.data() + kPinOffset, pin_length, kDeviceSeed, 0);
  if (change == LayoutChange::truncate || change == LayoutChange::umount) {
    model.resize(kChangeOffset);
  } else if (change == LayoutChange::punch_hole || change == LayoutChange::zero_range) {
    std::fill(model.begin() + kChangeOffset, model.begin() + kChangeOffset + kChangeLength, 0);
  } else if (change == LayoutChange::collapse_range) {
    model.erase(model.begin() + kChangeOffset, model.begin() + kChangeOffset + kChangeLength);
  } else if (change == LayoutChange::insert_range) {
    model.insert(model.begin() + kChangeOffset, kChangeLength, 0);
  } else if (change == LayoutChange::rename_over) {
    model.resize(kReplacementSize);
    fill_pattern(model.data(), model.size(), kReplacementSeed, 0);
  } else if (change == LayoutChange::clone_over) {
    fill_pattern(model.data() + kChangeOffset, kChangeLength, kReplacementSeed, 0);
  }
  return model;
}

// Physical byte address of F's pinned range, for the evidence.
uint64_t physical_of(int fd, uint64_t logical) {
  for (const auto& extent : file_extents(fd))
    if (logical >= extent.logical && logical < extent.logical + extent.length)
      return extent.physical + (logical - extent.logical);
  return UINT64_MAX;
}

// FICLONERANGE of the whole of `source_path` over F's changed range.
int clone_range_over(const std::string& source_path, int target) {
  int source = open(source_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source < 0) return -1;
  file_clone_range range{.src_fd = source,
                         .src_offset = 0,
                         .src_length = kChangeLength,
                         .dest_offset = kChangeOffset};
  int rc = ioctl(target, FICLONERANGE, &range);
  int saved = errno;
  close(source);
  errno = saved;
  return rc;
}

// The kernel_taint injection: sets a taint flag the runner counts as a
// finding, as a WARN_ON in dax_disassociate_entry would. Only a newly set
// flag is a finding, and an earlier instance of the boot may have set WARN
// already: then BAD_PAGE is used.
void inject_new_taint() {
  constexpr uint64_t kWarn = 1ull << 9, kBadPage = 1ull << 5;
  uint64_t tainted = std::stoull(read_text_file("/proc/sys/kernel/tainted").value_or("0"));
  uint64_t flag = !(tainted & kWarn) ? kWarn : !(tainted & kBadPage) ? kBadPage : 0;
  if (flag == 0)
    throw SetupError("cannot inject kernel_taint: the kernel is tainted W and B already; "
                     "run the injection in a fresh boot");
  write_text_file("/proc/sys/kernel/tainted", std::to_string(flag));
}

// The umount cell's change: unmounts the DAX filesystem. `unpinned_twin`
// unmounts a scratch tmpfs instead, which holds no pinned page: what a
// kernel that skipped the wait would do.
int unmount_filesystem(const fixtures::DaxFilesystemAccess& filesystem, bool unpinned_twin) {
  if (!unpinned_twin) return filesystem.unmount();
  const std::string scratch = "/run/daxtorture/twin-mount";
  make_directories(scratch);
  if (mount("tmpfs", scratch.c_str(), "tmpfs", 0, "size=1m") != 0) return -1;
  return umount2(scratch.c_str(), 0);
}

}  // namespace

std::vector<FixTag> pin_matrix_fixes() {
  return {
      {"5fac7408d828", "mm, fs, dax: handle layout changes to pinned dax mappings"},
      {"cee91fa13a8e", "fs/dax: return unmapped busy pages from dax_layout_busy_page_range()"},
      {"6be3e21d25ca", "fs/dax: don't skip locked entries when scanning entries"},
      {"d5b3afea22a5", "fs/dax: create a common implementation to break DAX layouts"},
      {"bde708f1a65d", "fs/dax: always remove DAX page-cache entries when breaking layouts"},
      {"0e2f80afcfa6", "fs/dax: ensure all pages are idle prior to filesystem unmount"},
      {"38607c62b34b", "fs/dax: properly refcount fs dax pages"},
  };
}

const NameTable<PinFault>& pin_faults() {
  static const NameTable<PinFault> table("a pin matrix injection", {
      {PinFault::change_unpinned, "change_unpinned"},
      {PinFault::dma_into_fill_file, "dma_into_fill_file"},
      {PinFault::change_skipped, "change_skipped"},
      {PinFault::kernel_taint, "kernel_taint"},
  });
  return table;
}

Needs pin_matrix_needs(uint64_t slow_delay_ms) {
  return {.mode = NamespaceMode::fsdax,
          .filesystems = {"xfs", "ext4"},
          .slow_device = true,
          .slow_delay_ms = slow_delay_ms};
}

void run_pin_matrix_cell(Context& ctx, const PinCell& cell) {
  if (!cell.source) throw SetupError("pin matrix cell " + cell.name() + " names no pin source");
  const PinSource source = *cell.source;
  const std::string change_name = layout_changes().name(cell.change);
  const std::string mapping_name = mapping_states().name(cell.mapping);
  const auto& env = ctx.env();
  const bool change_unpinned = ctx.injected(pin_faults(), PinFault::change_unpinned);
  const bool dma_into_fill = ctx.injected(pin_faults(), PinFault::dma_into_fill_file);
  const bool change_skipped = ctx.injected(pin_faults(), PinFault::change_skipped);
  const bool pmd = cell.pmd();
  const uint64_t pin_length = cell.page == PinPage::pmd_subpage ? kPageSize : kPinLength;
  const std::string f_path = ctx.path("F");
  const std::string twin_path = ctx.path("F-twin");
  const std::string replacement_path = ctx.path("R");

  // The device's data, so that what a read delivers is recognisable.
  const fixtures::SlowDeviceAccess slow(env);
  const fixtures::DaxFilesystemAccess filesystem(env, ctx.fs());
  {
    std::vector<uint8_t> device_data(kPinLength);
    fill_pattern(device_data.data(), device_data.size(), kDeviceSeed, 0);
    slow.write_backing(0, device_data);
  }

  int fd = create_pattern_file(f_path, kFileSize, kFileSeed);
  int twin_fd = change_unpinned ? create_pattern_file(twin_path, kFileSize, kFileSeed) : -1;
  if (cell.change == LayoutChange::rename_over) close(create_pattern_file(replacement_path, kReplacementSize,
                                                              kReplacementSeed));
  if (cell.change == LayoutChange::clone_over)
    close(create_pattern_file(replacement_path, kChangeLength, kReplacementSeed));
  std::vector<FillFile> fills;
  int early_fill_fd = -1;
  uint8_t* early_fill_map = nullptr;
  if (dma_into_fill) {
    // The file the freed block would be handed to, written before the pin.
    fills.push_back(write_fill_file(ctx, 0));
    early_fill_fd = DT_SYS(open(ctx.path(fills[0].name).c_str(), O_RDWR | O_CLOEXEC));
    early_fill_map = static_cast<uint8_t*>(map_aligned(early_fill_fd, kFillFileSize, kPmdSize,
                                                       PROT_READ | PROT_WRITE, MAP_SHARED, 0,
                                                       pmd ? 0 : kPageSize));
    for (uint64_t off = 0; off < kFillFileSize; off += kPageSize)
      (void)*(volatile uint8_t*)(early_fill_map + off);
  }
  leave_free_space(ctx, kSpareBytes);

  // 4k: a mapping whose address is 4 KiB off the file's 2 MiB alignment
  // cannot take PMD faults; pmd: aligned, on 2 MiB-aligned extents.
  auto* map = static_cast<uint8_t*>(map_aligned(fd, kFileSize, kPmdSize, PROT_READ | PROT_WRITE,
                                                MAP_SHARED, 0, pmd ? 0 : kPageSize));
  {
    std::unique_ptr<DaxTrace> trace;
    if (pmd) trace = std::make_unique<DaxTrace>("dax_pmd_fault_done");
    for (uint64_t off = 0; off < kFileSize; off += kPageSize) (void)*(volatile uint8_t*)(map + off);
    if (pmd) {
      auto tally = trace->collect();
      ctx.metric("pmd_faults_nopage", static_cast<double>(tally.nopage), "faults");
      if (tally.nopage == 0) {
        auto misaligned = misaligned_extent(file_extents(fd), kPmdSize);
        throw SetupError("the pmd cell got no PMD fault on F (" + std::to_string(tally.fallback) +
                         " fallbacks" + (misaligned.empty() ? "" : "; " + misaligned) + ")");
      }
    }
  }
  uint64_t pinned_physical = physical_of(fd, kPinOffset);

  // Mapped only by a child: fork before any thread exists.
  pid_t child = -1;
  int child_pipe[2] = {-1, -1};
  if (cell.mapping == MappingState::child_only) {
    DT_SYS(pipe2(child_pipe, O_CLOEXEC));
    child = DT_SYS(fork());
    if (child == 0) {
      close(child_pipe[1]);
      char byte;
      while (read(child_pipe[0], &byte, 1) < 0 && errno == EINTR) {
      }
      _exit(0);
    }
    close(child_pipe[0]);
  }
  auto release_child = [&] {
    if (child <= 0) return;
    close(child_pipe[1]);
    waitpid(child, nullptr, 0);
    child = -1;
  };

  DmaPin pin(source, slow);
  uint8_t* buffer = dma_into_fill ? early_fill_map : map + kPinOffset;
  bool live = pin.start(buffer, pin_length);
  if (!live) {
    pin.finish();
    release_child();
    throw SetupError("the " + source_text(source) + " pin never became provably live; "
                     "cannot tell whether the change waited");
  }

  // The mapping state the change starts from.
  bool mapped = true;
  if (cell.mapping != MappingState::mapped) {
    munmap(map, kFileSize);
    mapped = false;
  }
  if (cell.mapping == MappingState::closed) close(fd), fd = -1;
  if (cell.change == LayoutChange::umount && early_fill_map) {
    // The injected pin lies in fill-0: it must not keep the filesystem busy.
    munmap(early_fill_map, kFillFileSize), early_fill_map = nullptr;
    close(early_fill_fd), early_fill_fd = -1;
  }

  auto drop_references = [&] {
    if (mapped) munmap(map, kFileSize), mapped = false;
    if (fd >= 0) close(fd), fd = -1;
    release_child();
  };
  bool name_dropped = false;
  bool unmounted = false;
  auto change = [&]() -> int {
    if (change_skipped) {
      while (pin.released_at == 0) usleep(1000);
      return 0;
    }
    if (cell.change == LayoutChange::umount) {
      int rc = unmount_filesystem(filesystem, change_unpinned);
      unmounted = rc == 0 && !change_unpinned;
      return rc;
    }
    const std::string& path = change_unpinned ? twin_path : f_path;
    if (cell.change == LayoutChange::unlink || cell.change == LayoutChange::rename_over) {
      if (!name_dropped) {
        int rc = cell.change == LayoutChange::unlink ? unlink(path.c_str())
                                         : rename(replacement_path.c_str(), path.c_str());
        if (rc != 0) return rc;
        name_dropped = true;
      }
      // The last reference goes: the inode is evicted here, and eviction
      // must wait for the pinned pages before the blocks are freed.
      if (change_unpinned) {
        close(twin_fd);
        twin_fd = -1;
      } else {
        drop_references();
      }
      return 0;
    }
    int target = change_unpinned ? twin_fd : fd;
    bool reopened = false;
    if (target < 0) {
      target = open(path.c_str(), O_RDWR | O_CLOEXEC);
      if (target < 0) return -1;
      reopened = true;
    }
    int rc;
    if (cell.change == LayoutChange::truncate)
      rc = ftruncate(target, static_cast<off_t>(kChangeOffset));
    else if (cell.change == LayoutChange::clone_over)
      rc = clone_range_over(replacement_path, target);
    else
      rc = fallocate(target,
                     cell.change == LayoutChange::punch_hole       ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
                     : cell.change == LayoutChange::zero_range     ? FALLOC_FL_ZERO_RANGE
                     : cell.change == LayoutChange::collapse_range ? FALLOC_FL_COLLAPSE_RANGE
                                                       : FALLOC_FL_INSERT_RANGE,
                     static_cast<off_t>(kChangeOffset), static_cast<off_t>(kChangeLength));
    int saved = errno;
    if (reopened) close(target);
    errno = saved;
    return rc;
  };
  LayoutChangeOutcome outcome = run_layout_change(change, pin.released_at);
  if (unmounted) {
    // F's new inode never had the pinned pages mapped, so nothing makes
    // this truncate wait; the blocks the pin may still cover become free.
    filesystem.mount_again();
    DT_SYS(truncate(f_path.c_str(), static_cast<off_t>(kChangeOffset)));
  }
  if (outcome.result == 0) {
    // Commit the change, so that freed blocks are allocatable at once (ext4
    // keeps them until the journal commits, xfs until the busy extent clears).
    int dir = DT_SYS(open(env.test_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    syncfs(dir);
    close(dir);
    // Reuse the freed space at once: if the change did not wait, the late
    // DMA may be about to hit these blocks.
    uint64_t target = bytes_freed_by(cell.change) + kSpareBytes, written = 0;
    for (int i = static_cast<int>(fills.size()); i < kMaxFillFiles && written < target; ++i) {
      FillFile file = write_fill_file(ctx, i);
      written += file.length;
      fills.push_back(file);
      if (file.length < kFillFileSize) break;  // ENOSPC
    }
    ctx.metric("fill_bytes", static_cast<double>(written) / (1 << 20), "MiB");
  }
  double fill_done = monotonic_seconds();
  pin.finish();
  if (ctx.injected(pin_faults(), PinFault::kernel_taint)) inject_new_taint();
  if (outcome.result != 0) {
    drop_references();
    if (outcome.error == EOPNOTSUPP && cell.change != LayoutChange::truncate)
      ctx.skip(ctx.fs() + " does not support " + change_name + " here (EOPNOTSUPP)");
    throw SetupError(change_name + " failed: " + errno_name(outcome.error));
  }

  // Check 1: the change waited for the pin, and was woken when it dropped.
  double released = pin.released_at;
  double in_flight_after_start = released - outcome.started;
  ctx.note("pin: " + source_text(source) + " of " + std::to_string(pin_length) + " bytes; live: " +
           pin.evidence());
  ctx.metric("change_wait", (outcome.finished - outcome.started) * 1e3, "ms");
  ctx.metric("pin_dropped_after_change_start", in_flight_after_start * 1e3, "ms");
  ctx.metric("release_to_change_return", (outcome.finished - released) * 1e3, "ms");
  ctx.metric("fill_done_before_pin_dropped", (released - fill_done) * 1e3, "ms");
  if (in_flight_after_start < 0.5)
    throw SetupError("the pin dropped " + std::to_string(in_flight_after_start) +
                     " s after the change started; too short to judge");
  DT_EXPECT(outcome.signals_sent == 0)
      << change_name << " was still asleep 3 s after the " << source_text(source)
      << " pin dropped and returned only after " << outcome.signals_sent
      << " signal(s) woke it: the wake-up for the released DAX pages was missed";
  // A wait must sleep. The kernel re-checks a busy page after every wake,
  // so a wrong idle test (waking while a reference is left) still waits as
  // long, but spinning: only the CPU time shows it.
  const double waited = outcome.finished - outcome.started;
  ctx.metric("change_cpu", outcome.cpu_s * 1e3, "ms");
  DT_EXPECT(waited < 1.0 || outcome.cpu_s < 0.5 * waited)
      << change_name << " (" << mapping_name << ") used " << outcome.cpu_s * 1e3 << " ms of CPU in "
      << waited * 1e3 << " ms while it waited for the " << source_text(source)
      << " pin: the wait spun instead of sleeping";
  DT_EXPECT(outcome.finished >= released - 0.25)
      << change_name << " (" << mapping_name << ") returned after "
      << (outcome.finished - outcome.started) * 1e3 << " ms, " << (released - outcome.finished) * 1e3
      << " ms before the " << source_text(source)
      << " pin dropped: the layout change did not wait for the pinned pages";

  // The I/O itself.
  if (source != PinSource::vmsplice) {
    DT_EXPECT(pin.result() == static_cast<ssize_t>(pin_length))
        << source_text(source) << " returned " << pin.result() << " ("
        << errno_name(pin.error()) << "), expected " << pin_length;
  }

  // Check 2: no freed block received the DMA, and none leaked through it.
  for (const auto& file : fills) {
    int check_fd = DT_SYS(open(ctx.path(file.name).c_str(), O_RDONLY | O_CLOEXEC));
    if (auto bad = verify_file_pattern(check_fd, 0, file.length, file.seed)) {
      std::vector<uint8_t> seen(16);
      (void)pread(check_fd, seen.data(), seen.size(), static_cast<off_t>(bad->first));
      DT_EXPECT(false) << "file " << file.name << ", written into free space after " << change_name
                       << " returned, was overwritten: " << bad->describe() << " — "
                       << recognise(seen.data(), bad->first) << " (late DMA into a freed block)";
    }
    if (pinned_physical != UINT64_MAX) {
      for (const auto& extent : file_extents(check_fd))
        if (pinned_physical >= extent.physical && pinned_physical < extent.physical + extent.length)
          ctx.note("fill file " + file.name + " took over the pinned block (physical " +
                   std::to_string(pinned_physical) + ")");
    }
    close(check_fd);
  }
  std::vector<uint8_t> source_data(pin_length);
  fill_pattern(source_data.data(), source_data.size(), kFileSeed, kPinOffset);
  if (source == PinSource::dio_write || source == PinSource::uring_write) {
    auto device = slow.read_backing(0, pin_length);
    if (auto bad = find_difference(device.data(), source_data.data(), std::min(device.size(), source_data.size()), 0)) {
      DT_EXPECT(false) << "the device received other data than F's pinned range: device "
                       << bad->describe() << " — " << recognise(device.data() + (bad->first), 0)
                       << " (DMA read a freed, reused block)";
    }
  } else if (source == PinSource::vmsplice) {
    const auto& piped = pin.captured();
    DT_EXPECT(piped.size() == pin_length) << "the pipe delivered " << piped.size() << " bytes";
    if (auto bad = find_difference(piped.data(), source_data.data(), std::min(piped.size(), source_data.size()), 0)) {
      DT_EXPECT(false) << "the pipe delivered other data than F's pinned range: pipe "
                       << bad->describe() << " — " << recognise(piped.data() + bad->first, 0)
                       << " (the spliced page was freed and reused)";
    }
  }

  // Check 3: F is what the operation says.
  struct stat info {};
  int exists = stat(f_path.c_str(), &info);
  if (!change_unpinned) {
    if (cell.change == LayoutChange::unlink) {
      DT_EXPECT(exists != 0 && errno == ENOENT) << "F still has a name after unlink";
    } else {
      DT_ASSERT(exists == 0) << "F is gone after " << change_name;
      auto expected = expected_content(source, cell.change, !dma_into_fill, pin_length);
      DT_EXPECT(static_cast<uint64_t>(info.st_size) == expected.size())
          << "F has " << info.st_size << " bytes after " << change_name << ", expected "
          << expected.size();
      int check_fd = DT_SYS(open(f_path.c_str(), O_RDONLY | O_CLOEXEC));
      std::vector<uint8_t> seen(expected.size());
      ssize_t got = DT_SYS(pread(check_fd, seen.data(), seen.size(), 0));
      close(check_fd);
      size_t compared = std::min(static_cast<size_t>(got), expected.size());
      if (auto bad = find_difference(seen.data(), expected.data(), compared, 0)) {
        DT_EXPECT(false) << "F's data after " << change_name << " is not what the operation says: "
                         << bad->describe() << " — " << recognise(seen.data() + bad->first, bad->first);
      }
    }
  }

  drop_references();
  if (twin_fd >= 0) close(twin_fd);
  if (early_fill_map) munmap(early_fill_map, kFillFileSize);
  if (early_fill_fd >= 0) close(early_fill_fd);
}

}  // namespace dt::workloads
