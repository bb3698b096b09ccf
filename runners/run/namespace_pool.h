// The pmem namespaces of one run. The runner may only reconfigure a region
// it owns: the emulated NVDIMM of its own VM, or a region the user named and
// confirmed on a real host. Namespaces are made once per run and kept; the
// filesystem on the fsdax one is re-made for every instance.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fixtures/pmem_namespace.h"

namespace dt {

class NamespacePool {
 public:
  // Takes over the region: initializes labels when needed and deletes every
  // namespace in it. Only call for a region the tool may reconfigure.
  // keep_fsdax: the boot after a power cut, which keeps the fsdax namespace
  // (and the filesystem on it) that the previous boot of this run made.
  explicit NamespacePool(const std::string& region_name, bool keep_fsdax = false);
  ~NamespacePool();

  const fixtures::NamespaceInfo& fsdax(uint64_t min_size);
  const fixtures::NamespaceInfo& devdax(uint64_t min_size, uint64_t align);
  // The fsdax namespace could not be cleaned (a mount could not be
  // removed): make a new one before the next instance uses it.
  void discard_fsdax();
  // After an instance that tore its namespace down and put it back:
  // re-reads the namespaces kept for later instances. One that came back
  // under another device name is updated; one that did not come back as it
  // was (disabled, other mode, no device node) is forgotten and, when
  // possible, destroyed, so the next instance that needs it gets a new one.
  // Returns what could not be cleaned.
  std::vector<std::string> recheck();

  uint64_t region_size() const { return region_size_; }
  std::string describe() const;   // for the run's environment record

  static constexpr uint64_t kFsdaxSize = 2ull << 30;

 private:
  std::unique_ptr<fixtures::PmemRegionFixture> region_;
  std::unique_ptr<fixtures::NamespaceInfo> fsdax_;
  std::map<uint64_t, fixtures::NamespaceInfo> devdax_by_align_;
  uint64_t region_size_ = 0;
};

}  // namespace dt
