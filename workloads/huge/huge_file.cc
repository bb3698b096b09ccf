#include "workloads/huge/huge_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/errors.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/dax_trace.h"
#include "workloads/lib/extent_map.h"
#include "workloads/lib/page_touch.h"
#include "workloads/lib/pattern.h"

namespace dt::workloads {

int create_pmd_aligned_file(const std::string& path, uint64_t size,
                            std::optional<uint64_t> pattern_seed) {
  int fd = DT_SYS(open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  DT_SYS(fallocate(fd, 0, 0, static_cast<off_t>(size)));
  if (pattern_seed) {
    std::vector<uint8_t> chunk(1 << 20);
    for (uint64_t off = 0; off < size; off += chunk.size()) {
      fill_pattern(chunk.data(), chunk.size(), *pattern_seed, off);
      DT_SYS(pwrite(fd, chunk.data(), chunk.size(), static_cast<off_t>(off)));
    }
    DT_SYS(fsync(fd));
  }
  if (auto problem = misaligned_extent(file_extents(fd), kPmdSize); !problem.empty())
    throw SetupError("precondition for PMD faults not met: " + problem);
  return fd;
}

TracedTouch touch_pmd_traced(Context& ctx, uint8_t* map, uint64_t length, bool write,
                             uint64_t seed) {
  DaxTrace trace("dax_pmd_fault_done");
  TracedTouch traced;
  traced.touch = touch_pages(map, length, write, seed);
  traced.tally = trace.collect();
  trace.save(ctx.env().artifacts_dir + "/trace-dax_pmd_fault_done.txt");
  ctx.metric("page_faults", static_cast<double>(traced.touch.faults), "faults");
  ctx.metric("pmd_nopage", static_cast<double>(traced.tally.nopage), "faults");
  ctx.metric("pmd_fallback", static_cast<double>(traced.tally.fallback), "faults");
  ctx.metric("touch_time", traced.touch.seconds * 1e3, "ms");
  return traced;
}

PmdMappedFile map_pmd_pattern_file(Context& ctx, const std::string& name, uint64_t size,
                                   uint64_t seed, int prot, int flags, uint64_t misalign) {
  PmdMappedFile file;
  file.size = size;
  file.seed = seed;
  file.fd = create_pmd_aligned_file(ctx.path(name), size, seed);
  file.map = static_cast<uint8_t*>(map_aligned(file.fd, size, kPmdSize, prot, flags, 0, misalign));
  DaxTrace trace("dax_pmd_fault_done");
  TouchResult touch = touch_pages(file.map, size, false, seed);
  DaxTraceTally tally = trace.collect();
  trace.save(ctx.env().artifacts_dir + "/trace-" + name + "-first-touch.txt");
  ctx.metric("pmd_nopage", static_cast<double>(tally.nopage), "faults");
  ctx.metric("pmd_fallback", static_cast<double>(tally.fallback), "faults");
  DT_ASSERT(touch.signal == 0) << "reading the fresh mapping took " << sigabbrev_np(touch.signal)
                               << " at offset " << touch.signal_offset;
  const uint64_t expected = size / kPmdSize;
  std::string evidence = tally.fallback_lines.empty() ? "" : "; first fallback: " + tally.fallback_lines[0];
  DT_ASSERT(tally.fallback == 0 && tally.nopage == expected)
      << "the mapping to split was not PMD-mapped: " << tally.nopage << " NOPAGE and "
      << tally.fallback << " FALLBACK PMD faults over " << size_text(size) << ", expected "
      << expected << " NOPAGE" << evidence;
  return file;
}

void unmap_and_close(PmdMappedFile& file) {
  if (file.map) munmap(file.map, file.size);
  if (file.fd >= 0) close(file.fd);
  file.map = nullptr;
  file.fd = -1;
}

}  // namespace dt::workloads
