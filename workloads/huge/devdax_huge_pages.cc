// Device-dax at both huge page sizes, one row per workload: the same
// engines run on a 2 MiB-aligned and on a 1 GiB-aligned device.
//
//   pmd_fault_devdax  a 64 MiB mapping of a 2 MiB-aligned device takes one
//                     fault per 2 MiB; device-dax has no fs_dax tracepoint
//                     and no 4 KiB fallback, so the proof is the fault count
//                     (a fault it cannot serve as a PMD is a SIGBUS) and the
//                     MMU page size smaps reports (devdax_fault_size.h)
//   pud_fault_devdax  the same at 1 GiB: one fault per GiB (x86 needs
//                     pdpe1gb; QEMU -cpu max has it)
//   devdax_split      munmap or mprotect of 4 KiB inside a 2 MiB page must be
//                     refused with EINVAL and leave the mapping whole, the
//                     same call over a whole page must do what it says
//                     (before the check, an unaligned munmap reached a BUG in
//                     the huge-page split); and mremap, MADV_DONTNEED, fork
//                     and a refused MAP_PRIVATE (devdax_remap_ops.h)
//   pud_split_devdax  the same at 1 GiB
#include "core/context.h"
#include "core/workload_table.h"
#include "workloads/huge/devdax_fault_size.h"
#include "workloads/huge/devdax_remap_ops.h"
#include "workloads/lib/page_sizes.h"

namespace dt::workloads {
namespace {

enum class Engine { fault_size, operations };

struct DevdaxWorkload {
  const char* name;
  const char* summary;
  Engine engine;
  uint64_t page;               // the device's alignment
  uint64_t min_namespace_bytes;
  uint64_t extent;             // fault_size: bytes mapped; operations: pages mapped
  std::vector<FixTag> fixes;
  int timeout_s;
};

const FixTag kUnalignedInsert = {
    "fce86ff5802b", "mm/huge_memory: fix vmf_insert_pfn_{pmd, pud}() crash, handle unaligned addresses"};
const FixTag kSplitCheck = {"9702cffdbf21",
                            "device-dax: implement ->split() to catch invalid munmap attempts"};

const std::vector<DevdaxWorkload>& table() {
  static const std::vector<DevdaxWorkload> rows = {
      {"pmd_fault_devdax", "a 64 MiB mapping of a 2 MiB-aligned devdax device takes 32 PMD faults",
       Engine::fault_size, kPmdSize, 128ull << 20, 64ull << 20, {kUnalignedInsert}, 60},
      {"pud_fault_devdax", "a 1 GiB mapping of a 1 GiB-aligned devdax device takes one PUD fault",
       Engine::fault_size, kPudSize, kPudSize, kPudSize, {kUnalignedInsert}, 60},
      {"devdax_split",
       "2 MiB devdax: munmap/mprotect/mremap inside a page refused, whole pages honoured; "
       "DONTNEED, fork, no MAP_PRIVATE",
       Engine::operations, kPmdSize, 128ull << 20, 4, {kSplitCheck}, 60},
      {"pud_split_devdax",
       "1 GiB devdax: munmap/mprotect/mremap inside a page refused, whole pages honoured; "
       "DONTNEED, fork, no MAP_PRIVATE",
       Engine::operations, kPudSize, 2 * kPudSize, 2,
       {kSplitCheck,
        // mprotect of a huge devdax PUD went through the PTE-table path:
        // "bad pud" and a cleared entry (seen on Debian 6.1).
        {"cb0f01beb166", "mm/mprotect: fix dax pud handlings"}},
       90},
  };
  return rows;
}

void scenario(Context& ctx, const DevdaxWorkload& row) {
  if (row.engine == Engine::fault_size) return prove_devdax_fault_size(ctx, row.page, row.extent);
  run_devdax_operation(ctx, ctx.variant(devdax_operations()), row.page, row.extent);
}

WorkloadSpec spec_of(const DevdaxWorkload& row) {
  WorkloadSpec spec = {
      .name = row.name,
      .group = "huge",
      .summary = row.summary,
      .needs = {.mode = NamespaceMode::devdax,
                .filesystems = {},
                .min_namespace_bytes = row.min_namespace_bytes,
                .devdax_align = row.page,
                .kconfig = {"CONFIG_TRANSPARENT_HUGEPAGE"}},
      .fixes = row.fixes,
      .timeout = std::chrono::seconds(row.timeout_s),
  };
  if (row.page == kPudSize)
    spec.needs.kconfig.push_back("CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD");
  if (row.engine == Engine::fault_size) {
    spec.variants = devdax_touches();
    spec.injections = devdax_fault_size_faults();  // see devdax_fault_size.h
  } else {
    spec.variants = devdax_operations();
    spec.injections = devdax_operation_faults();  // see devdax_remap_ops.h
  }
  return spec;
}

DT_WORKLOAD_FAMILY(table(), spec_of, scenario);

}  // namespace
}  // namespace dt::workloads
