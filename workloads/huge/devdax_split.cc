// A 2 MiB-aligned device-dax mapping can only be split on 2 MiB boundaries:
// munmap or mprotect of 4 KiB inside a page must be refused with EINVAL and
// leave the mapping whole and working, while the same call over a whole
// 2 MiB page must do what it says. Before the check, an unaligned munmap
// reached a BUG in the huge-page split. The same mapping also goes through
// mremap, MADV_DONTNEED, fork and a refused MAP_PRIVATE (devdax_remap.h).
#include "core/context.h"
#include "workloads/common/dax_file.h"
#include "workloads/common/devdax_remap.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "devdax_split",
    .group = "huge",
    .summary = "2 MiB devdax: munmap/mprotect/mremap inside a page refused, whole pages honoured; DONTNEED, fork, no MAP_PRIVATE",
    .needs = {.mode = NamespaceMode::devdax,
              .filesystems = {},
              .min_namespace_bytes = 128ull << 20,
              .devdax_align = kPmdSize,
              .kconfig = {"CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"9702cffdbf21", "device-dax: implement ->split() to catch invalid munmap attempts"}},
    .timeout = std::chrono::seconds(60),
    .variants = {"munmap", "mprotect", "mremap", "dontneed", "fork", "private"},
    // see run_devdax_split and run_devdax_remap
    .injections = {"aligned_split", "dontneed_loses_data", "child_copy", "private_accepted"},
};

void scenario(Context& ctx) { run_devdax_operation(ctx, ctx.variant(), kPmdSize, 4); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
