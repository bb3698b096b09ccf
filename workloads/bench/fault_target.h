// Where the pages of a fault benchmark come from: anonymous memory, a
// tmpfs file, a file on xfs/ext4 (DAX or not) on the run's fsdax
// namespace, or a device-dax namespace. Files are kept per case shape and
// thread; the filesystem on the fsdax namespace is made when a case first
// needs it and replaced when a case needs another one, so cases must be
// grouped by filesystem (fault_matrix() is).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "workloads/bench/fault_case.h"

namespace dt::fixtures {
class DaxFilesystem;
class PageCacheFilesystem;
}  // namespace dt::fixtures

namespace dt::bench {

// The pmem devices the run owns ("" = not available).
struct PmemDevices {
  std::string fsdax_block;  // /dev/pmem0.1
  std::string devdax_2m;    // /dev/dax0.2, 2 MiB align, >= 64 MiB
  std::string devdax_1g;    // /dev/dax0.3, 1 GiB align, >= 2 GiB
};

struct Target {
  int fd = -1;              // -1: anonymous memory
  uint64_t offset = 0;      // file offset of the thread's region
  uint64_t length = 0;
  bool shared = true;
};

class TargetStore {
 public:
  TargetStore(PmemDevices devices, std::string mount_point);
  ~TargetStore();

  bool available(MappingKind kind) const;
  // The region thread `thread` of case `c` maps. For Touch::first the
  // storage is reset to "never touched" (see fault_case.h). Thread-safe.
  // Throws SetupError.
  Target prepare(const FaultCase& c, int thread);
  // Per-thread length of case c in bytes.
  static uint64_t region_length(const FaultCase& c);

 private:
  static std::string file_name(const FaultCase& c, int thread);
  void use_filesystem(const std::string& name);
  int file(const std::string& dir, const std::string& name, uint64_t length, bool fresh, bool dax);
  void close_files();

  PmemDevices devices_;
  std::string mount_point_;
  std::mutex mutex_;
  std::string current_fs_;
  std::unique_ptr<fixtures::DaxFilesystem> dax_fs_;
  std::unique_ptr<fixtures::PageCacheFilesystem> page_cache_fs_;
  std::string fs_dir_;
  std::map<std::string, int> files_;     // path -> descriptor
  std::map<std::string, int> devices_open_;
};

}  // namespace dt::bench
