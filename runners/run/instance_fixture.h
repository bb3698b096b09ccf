// Builds the fixture state of one instance and takes it down again. Every
// instance starts from a freshly made filesystem and a new slow device, so
// what one instance leaves behind cannot change the next one's verdict.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/context.h"
#include "fixtures/dax_filesystem.h"
#include "fixtures/slow_device.h"
#include "runners/run/namespace_pool.h"

namespace dt {

class InstanceFixture {
 public:
  // in_own_vm: the machine is the tool's own VM, whose leftovers (a stale
  // ramdisk) may be replaced without asking.
  InstanceFixture(NamespacePool* pool, bool in_own_vm) : pool_(pool), in_own_vm_(in_own_vm) {}
  ~InstanceFixture();

  // Throws SetupError (BROKEN) or SkipRequest (SKIP). after_power_cut: the
  // second half of a power_cut instance, which mounts the filesystem the
  // first half left instead of making a new one.
  InstanceEnvironment prepare(const Instance& instance, const std::string& artifacts_dir,
                              bool after_power_cut = false);
  // The instance's fixture handles changed its namespace (disabled,
  // unbound or reconfigured it, and put it back): release() re-reads the
  // run's namespaces, which may have come back under other names or not
  // at all. `changes`: what the handles reported, one entry each.
  void namespace_changed(const std::vector<std::string>& changes);
  // Takes down what prepare() made. Returns what could not be cleaned,
  // one problem per entry; an empty list means the state is clean.
  std::vector<std::string> release();

  static constexpr const char* kMountPoint = "/run/daxtorture/mnt";
  static constexpr uint64_t kSlowDeviceSize = 64ull << 20;

 private:
  NamespacePool* pool_;
  bool in_own_vm_;
  bool recheck_namespaces_ = false;  // a fixture handle changed a namespace
  std::unique_ptr<fixtures::DaxFilesystem> filesystem_;
  std::unique_ptr<fixtures::SlowDevice> slow_device_;
};

}  // namespace dt
