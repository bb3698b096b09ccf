// Selftest: the workload allocates anonymous memory until the guest's OOM
// killer kills it. The instance must end as CRASH naming the OOM kill; the
// runner, which protects itself in the VM, goes on in the same boot.
#include <sys/mman.h>

#include <cstring>

#include "core/check.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_guest_oom",
    .group = "selftest",
    .summary = "exhausts guest memory until the OOM killer strikes: must end as CRASH",
    .needs = {.mode = NamespaceMode::none, .filesystems = {}},
    .timeout = std::chrono::seconds(120),
    .in_default_set = false,
};

void scenario(Context& ctx) {
  require_own_vm(ctx, "exhausts the machine's memory");
  constexpr size_t kChunk = 64ull << 20;
  // Touching every page makes the memory real; the loop ends when the OOM
  // killer does. A guest with more memory than this bound is a wrong profile.
  for (size_t total = 0; total < (256ull << 30); total += kChunk) {
    void* chunk = mmap(nullptr, kChunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    DT_ASSERT(chunk != MAP_FAILED) << "mmap of 64 MiB failed after " << (total >> 20)
                                   << " MiB: " << strerror(errno) << " (overcommit refused before OOM)";
    memset(chunk, 0x5a, kChunk);
  }
  DT_ASSERT(false) << "256 GiB allocated and touched without an OOM kill";
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
