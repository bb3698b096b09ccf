// A device-dax mapping with 2 MiB alignment must be served with PMD faults:
// one fault per 2 MiB. device-dax has no fs_dax tracepoint and no 4 KiB
// fallback, so the proof is the fault count over the touch (a fault it
// cannot serve as a PMD is a SIGBUS) and the MMU page size smaps reports.
#include "core/context.h"
#include "workloads/common/dax_file.h"
#include "workloads/common/huge_devdax.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pmd_fault_devdax",
    .group = "huge",
    .summary = "a 64 MiB mapping of a 2 MiB-aligned devdax device takes 32 PMD faults",
    .needs = {.mode = NamespaceMode::devdax,
              .filesystems = {},
              .min_namespace_bytes = 128ull << 20,
              .devdax_align = kPmdSize,
              .kconfig = {"CONFIG_TRANSPARENT_HUGEPAGE"}},
    .fixes = {{"fce86ff5802b",
               "mm/huge_memory: fix vmf_insert_pfn_{pmd, pud}() crash, handle unaligned addresses"}},
    .timeout = std::chrono::seconds(60),
    .variants = {"write", "read"},
    // smaller_pages: anonymous memory served with 4 KiB pages takes the
    //   mapping's place, as a kernel that did not use PMDs would behave;
    //   the fault count must fail.
    .injections = {"smaller_pages"},
};

void scenario(Context& ctx) { prove_devdax_fault_size(ctx, kPmdSize, 64ull << 20); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
