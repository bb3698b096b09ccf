// A 2 MiB-aligned device-dax mapping can only be split on 2 MiB boundaries:
// munmap or mprotect of 4 KiB inside a page must be refused with EINVAL and
// leave the mapping whole and working, while the same call over a whole
// 2 MiB page must do what it says. Before the check, an unaligned munmap
// reached a BUG in the huge-page split.
#include "core/context.h"
#include "workloads/common/dax_file.h"
#include "workloads/common/devdax_split.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "devdax_split",
    .group = "huge",
    .summary = "devdax refuses munmap/mprotect inside a 2 MiB page, honours them on its boundary",
    .needs = {.mode = NamespaceMode::devdax,
              .filesystems = {},
              .min_namespace_bytes = 128ull << 20,
              .devdax_align = kPmdSize,
              .kconfig = {"CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"9702cffdbf21", "device-dax: implement ->split() to catch invalid munmap attempts"}},
    .timeout = std::chrono::seconds(60),
    .variants = {"munmap", "mprotect"},
    .injections = {"aligned_split"},  // see run_devdax_split
};

void scenario(Context& ctx) { run_devdax_split(ctx, ctx.variant(), kPmdSize, 4); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
