// Every teardown workload, one row each: the six differ only in their spec
// and in the operation teardown_cell.h runs under a mapped or DMA-pinned
// DAX page (the cell, its outcomes and its checks are described there).
//
//   teardown_umount             umount2 (no MNT_DETACH) of the instance's
//                               DAX filesystem: a mapping keeps it busy
//                               (EBUSY); a pin alone must make umount wait,
//                               which only the v6.15 rework does
//   teardown_ns_disable_fsdax   libndctl disables the fsdax namespace under
//                               the mounted filesystem: the kernel cannot
//                               refuse; it must revoke the mapping (xfs:
//                               MF_MEM_PRE_REMOVE over the dax holder; ext4
//                               registers no holder) and wait for the pin
//   teardown_unbind_fsdax       the pfn device is unbound from nd_pmem
//                               through sysfs: the same kernel path without
//                               libndctl
//   teardown_ns_disable_devdax  libndctl disables the devdax namespace:
//                               device-dax revokes mappings on removal
//                               (unmap_mapping_range in kill_dev_dax);
//                               nothing waits for a DMA pin
//   teardown_unbind_devdax      the device-dax instance is unbound from
//                               device_dax through sysfs
//   teardown_reconfigure_devdax libdaxctl reconfigures the instance to
//                               system-ram (disable, then kmem): under a pin
//                               this hands pinned pages to the page
//                               allocator; the cell takes the pinned frames
//                               itself before the DMA lands and checks they
//                               are not overwritten
// No fix commit is known for the devdax pins: their fixes are left empty.
#include "core/context.h"
#include "core/workload_table.h"
#include "workloads/lifecycle/teardown_cell.h"

namespace dt::workloads {
namespace {

const FixTag kPreRemove = {"fa422b353d21", "mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for unbind"};
const FixTag kHolder = {"8012b8660855", "dax: introduce holder for dax_device"};

struct TeardownWorkload {
  const char* name;
  const char* summary;
  TeardownOp op;
  NamespaceMode mode;
  std::vector<FixTag> fixes;
  int timeout_s;
  // reconfigure: kmem takes the range; the pin lasts long enough for kmem
  // to add it and this process to be handed the pinned frames before the
  // DMA lands.
  uint64_t slow_delay_ms = 3000;
  std::vector<std::string> modules = {};
};

const std::vector<TeardownWorkload>& table() {
  static const std::vector<TeardownWorkload> rows = {
      {"teardown_umount",
       "umount under a mapped or DMA-pinned fsdax page: EBUSY or a wait, never an early return",
       TeardownOp::umount, NamespaceMode::fsdax,
       {{"0e2f80afcfa6", "fs/dax: ensure all pages are idle prior to filesystem unmount"}}, 30},
      {"teardown_ns_disable_fsdax",
       "namespace disable under a mapped or DMA-pinned fsdax page: wait, EBUSY or SIGBUS",
       TeardownOp::ns_disable, NamespaceMode::fsdax, {kPreRemove, kHolder}, 30},
      {"teardown_unbind_fsdax",
       "nd_pmem unbind under a mapped or DMA-pinned fsdax page: wait, EBUSY or SIGBUS",
       TeardownOp::unbind, NamespaceMode::fsdax, {kPreRemove, kHolder}, 30},
      {"teardown_ns_disable_devdax",
       "namespace disable under a mapped or DMA-pinned devdax page: wait, EBUSY or SIGBUS",
       TeardownOp::ns_disable, NamespaceMode::devdax, {}, 30},
      {"teardown_unbind_devdax",
       "device_dax unbind under a mapped or DMA-pinned devdax page: wait, EBUSY or SIGBUS",
       TeardownOp::unbind, NamespaceMode::devdax, {}, 30},
      {"teardown_reconfigure_devdax",
       "devdax to system-ram under a mapped or DMA-pinned page: wait, EBUSY or SIGBUS, no DMA "
       "into reallocated memory",
       TeardownOp::daxctl_reconfigure, NamespaceMode::devdax, {}, 40, 10000, {"kmem"}},
  };
  return rows;
}

void scenario(Context& ctx, const TeardownWorkload& row) { run_teardown_cell(ctx, row.op); }

WorkloadSpec spec_of(const TeardownWorkload& row) {
  Needs needs = teardown_needs(row.mode, row.slow_delay_ms);
  needs.modules = row.modules;
  WorkloadSpec spec = {
      .name = row.name,
      .group = "lifecycle",
      .summary = row.summary,
      .needs = needs,
      .fixes = row.fixes,
      .timeout = std::chrono::seconds(row.timeout_s),
      .variants = teardown_holds(),
      .in_default_set = false,
      .injections = teardown_faults(),
  };
  return spec;
}

DT_WORKLOAD_FAMILY(table(), spec_of, scenario);

}  // namespace
}  // namespace dt::workloads
