// The PUD form of devdax_split: a 1 GiB-aligned device-dax mapping (served
// with 1 GiB pages, see pud_fault_devdax) refuses munmap or mprotect of
// 4 KiB inside a 1 GiB page with EINVAL and stays whole, and honours the
// same call over a whole 1 GiB page, touching no other; and mremap,
// MADV_DONTNEED, fork and a refused MAP_PRIVATE (devdax_remap.h).
#include "core/context.h"
#include "workloads/common/dax_file.h"
#include "workloads/common/devdax_remap.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pud_split_devdax",
    .group = "huge",
    .summary = "1 GiB devdax: munmap/mprotect/mremap inside a page refused, whole pages honoured; DONTNEED, fork, no MAP_PRIVATE",
    .needs = {.mode = NamespaceMode::devdax,
              .filesystems = {},
              .min_namespace_bytes = 2 * kPudSize,
              .devdax_align = kPudSize,
              .kconfig = {"CONFIG_TRANSPARENT_HUGEPAGE", "CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD"}},
    .fixes = {{"9702cffdbf21", "device-dax: implement ->split() to catch invalid munmap attempts"},
              // mprotect of a huge devdax PUD went through the PTE-table
              // path: "bad pud" and a cleared entry (seen on Debian 6.1).
              {"cb0f01beb166", "mm/mprotect: fix dax pud handlings"}},
    .timeout = std::chrono::seconds(90),
    .variants = {"munmap", "mprotect", "mremap", "dontneed", "fork", "private"},
    // see run_devdax_split and run_devdax_remap
    .injections = {"aligned_split", "dontneed_loses_data", "child_copy", "private_accepted"},
};

void scenario(Context& ctx) { run_devdax_operation(ctx, ctx.variant(), kPudSize, 2); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
