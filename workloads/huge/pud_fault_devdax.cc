// A device-dax mapping with 1 GiB alignment must be served with PUD faults:
// one fault per GiB (x86 needs pdpe1gb; QEMU -cpu max has it). device-dax
// has no fs_dax tracepoint and no smaller fallback, so the proof is the
// fault count over the touch (a fault it cannot serve as a PUD is a SIGBUS)
// and the MMU page size smaps reports.
#include "core/context.h"
#include "workloads/common/dax_file.h"
#include "workloads/common/huge_devdax.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pud_fault_devdax",
    .group = "huge",
    .summary = "a 1 GiB mapping of a 1 GiB-aligned devdax device takes one PUD fault",
    .needs = {.mode = NamespaceMode::devdax,
              .filesystems = {},
              .min_namespace_bytes = kPudSize,
              .devdax_align = kPudSize,
              .kconfig = {"CONFIG_TRANSPARENT_HUGEPAGE",
                          "CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD"}},
    .fixes = {{"fce86ff5802b",
               "mm/huge_memory: fix vmf_insert_pfn_{pmd, pud}() crash, handle unaligned addresses"}},
    .timeout = std::chrono::seconds(60),
    .variants = {"write", "read"},
    // smaller_pages: anonymous memory served with at most 2 MiB pages (THP
    //   zero pages) takes the mapping's place, as a kernel that fell back
    //   from PUDs would behave; the fault count must fail.
    .injections = {"smaller_pages"},
};

void scenario(Context& ctx) { prove_devdax_fault_size(ctx, kPudSize, kPudSize); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
