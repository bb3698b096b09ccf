#include "workloads/bench/fault_case.h"

namespace dt::bench {

std::string kind_name(MappingKind kind) {
  switch (kind) {
    case MappingKind::anon: return "anon";
    case MappingKind::tmpfs: return "tmpfs";
    case MappingKind::xfs_pagecache: return "xfs_pagecache";
    case MappingKind::fsdax_xfs: return "fsdax_xfs";
    case MappingKind::fsdax_ext4: return "fsdax_ext4";
    case MappingKind::devdax_2m: return "devdax_2m";
    case MappingKind::devdax_1g: return "devdax_1g";
  }
  return "?";
}

std::string size_name(uint64_t bytes) {
  if (bytes >= (1ull << 30)) return std::to_string(bytes >> 30) + "g";
  if (bytes >= (1ull << 20)) return std::to_string(bytes >> 20) + "m";
  return std::to_string(bytes >> 10) + "k";
}

std::string touch_name(Touch touch) {
  switch (touch) {
    case Touch::first: return "first";
    case Touch::refault: return "refault";
    case Touch::populate: return "populate";
  }
  return "?";
}

bool needs_pmem(MappingKind kind) { return kind != MappingKind::anon && kind != MappingKind::tmpfs; }

bool is_dax(MappingKind kind) {
  return kind == MappingKind::fsdax_xfs || kind == MappingKind::fsdax_ext4 ||
         kind == MappingKind::devdax_2m || kind == MappingKind::devdax_1g;
}

std::string case_name(const FaultCase& c) {
  return "BM_fault/" + kind_name(c.kind) + "/" + size_name(c.fault_size) + "/" +
         (c.write ? "write" : "read") + "/" + (c.map_sync ? "map_sync" : "nosync") + "/" +
         touch_name(c.touch);
}

uint64_t faults_per_thread(const FaultCase& c) {
  if (c.fault_size >= (1ull << 30)) return c.threads == 1 ? 2 : 1;  // a 2 GiB namespace
  if (c.fault_size >= (2ull << 20)) return 16;                      // 32 MiB
  return 256;                                                       // 1 MiB
}

uint64_t populate_calls(const FaultCase& c) { return c.fault_size >= (1ull << 30) ? 4 : 8; }

namespace {
constexpr uint64_t k4k = 4096, k2m = 2ull << 20, k1g = 1ull << 30;

// read/write x first/refault, a populate, and a 2-thread write/first.
void add_basic(std::vector<FaultCase>& out, MappingKind kind, uint64_t size) {
  for (Touch touch : {Touch::first, Touch::refault})
    for (bool write : {false, true}) out.push_back({kind, size, write, false, touch, 1});
  // Private anonymous memory is populated with write faults, shared
  // mappings with read faults: what the kernel does for MAP_POPULATE.
  out.push_back({kind, size, kind == MappingKind::anon, false, Touch::populate, 1});
  out.push_back({kind, size, true, false, Touch::first, 2});
}
}  // namespace

std::vector<FaultCase> fault_matrix() {
  std::vector<FaultCase> cases;
  add_basic(cases, MappingKind::anon, k4k);
  for (Touch touch : {Touch::first, Touch::refault})
    cases.push_back({MappingKind::anon, k2m, true, false, touch, 1});
  add_basic(cases, MappingKind::tmpfs, k4k);
  for (MappingKind kind : {MappingKind::fsdax_xfs, MappingKind::fsdax_ext4})
    for (uint64_t size : {k4k, k2m}) {
      add_basic(cases, kind, size);
      // MAP_SYNC matters for write faults: a fault that changed metadata
      // (first: unwritten extents converted) must sync it before returning.
      for (Touch touch : {Touch::first, Touch::refault})
        cases.push_back({kind, size, true, true, touch, 1});
    }
  add_basic(cases, MappingKind::xfs_pagecache, k4k);
  add_basic(cases, MappingKind::devdax_2m, k2m);
  add_basic(cases, MappingKind::devdax_1g, k1g);
  return cases;
}

FaultCase touch_loop_case() { return {MappingKind::fsdax_xfs, k4k, true, false, Touch::first, 1}; }

std::string touch_loop_name() {
  std::string name = case_name(touch_loop_case());
  return "BM_touch_loop" + name.substr(name.find('/'));
}

}  // namespace dt::bench
