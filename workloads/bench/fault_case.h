// The fault-latency benchmark matrix of 'daxtorture bench': which mapping,
// which fault size, read or write, MAP_SYNC or not, how the pages are
// reached, how many threads. Names are stable IDs across kernels and runs:
//   BM_fault/fsdax_xfs/4k/write/map_sync/first
// (Google Benchmark appends /iterations:N/manual_time/threads:T).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dt::bench {

enum class MappingKind {
  anon,           // private anonymous memory (baseline)
  tmpfs,          // a shared memfd, i.e. a tmpfs file (baseline)
  xfs_pagecache,  // xfs on the pmem block device without DAX (baseline)
  fsdax_xfs,
  fsdax_ext4,
  devdax_2m,      // device-dax namespace, 2 MiB align
  devdax_1g,      // device-dax namespace, 1 GiB align
};

// first:    a fresh mapping of storage never touched (fsdax: blocks just
//           fallocated, unwritten; anon and tmpfs: no page yet; page-cache
//           xfs: pages just written by write(2) and written back by the
//           freeze; devdax: a new mapping); xfs and ext4 are frozen and
//           thawed before each run, so every run starts with an empty log
// refault:  the same pages again after they were written through the
//           mapping and zapped with MADV_DONTNEED
// populate: mmap with MAP_POPULATE of data already written; the sample is
//           the mmap call's time divided by the faults it took
enum class Touch { first, refault, populate };

struct FaultCase {
  MappingKind kind = MappingKind::anon;
  uint64_t fault_size = 4096;
  bool write = false;
  bool map_sync = false;
  Touch touch = Touch::first;
  int threads = 1;
};

std::string kind_name(MappingKind kind);
std::string size_name(uint64_t bytes);   // "4k", "2m", "1g"
std::string touch_name(Touch touch);
bool needs_pmem(MappingKind kind);
bool is_dax(MappingKind kind);

// "BM_fault/fsdax_xfs/4k/write/map_sync/first"
std::string case_name(const FaultCase& c);

// Faults each thread takes per benchmark run (the fixed iteration count;
// for populate, faults per mmap call). Sized so that the whole matrix,
// 9 repetitions, runs in about a minute under TCG.
uint64_t faults_per_thread(const FaultCase& c);
// Calls per run of a populate case.
uint64_t populate_calls(const FaultCase& c);

// The whole matrix, in the order it runs: cases sharing a filesystem are
// adjacent, so the filesystem is made once for all of them.
std::vector<FaultCase> fault_matrix();

// The independent check: 4 KiB fsdax xfs write faults timed as one loop.
FaultCase touch_loop_case();
std::string touch_loop_name();   // "BM_touch_loop/fsdax_xfs/4k/write/nosync/first"

}  // namespace dt::bench
