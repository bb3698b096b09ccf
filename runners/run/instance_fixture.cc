#include "runners/run/instance_fixture.h"

#include "core/errors.h"

namespace dt {

InstanceEnvironment InstanceFixture::prepare(const Instance& instance,
                                             const std::string& artifacts_dir,
                                             bool after_power_cut) {
  const Needs& needs = instance.workload->spec.needs;
  InstanceEnvironment env;
  env.artifacts_dir = artifacts_dir;
  env.after_power_cut = after_power_cut;
  recheck_namespaces_ = false;

  if (needs.mode != NamespaceMode::none && !pool_)
    throw SkipRequest("needs a pmem namespace; this run owns none (pass --region with "
                      "--yes-destroy, or run it under 'daxtorture vm')");
  if (needs.mode == NamespaceMode::fsdax) {
    const auto& ns = pool_->fsdax(needs.min_namespace_bytes);
    filesystem_ = std::make_unique<fixtures::DaxFilesystem>(
        instance.fs, ns.block_device, kMountPoint,
        after_power_cut ? fixtures::DaxFilesystem::Origin::existing
                        : fixtures::DaxFilesystem::Origin::make);
    env.mount_point = filesystem_->mount_point();
    env.test_dir = filesystem_->test_dir();
    env.pmem_device = ns.block_device;
  } else if (needs.mode == NamespaceMode::devdax) {
    const auto& ns = pool_->devdax(needs.min_namespace_bytes, needs.devdax_align);
    env.dax_device = ns.dax_device;
    env.dax_size = ns.size;
    env.dax_align = ns.align;
  }
  if (needs.slow_device) {
    slow_device_ = std::make_unique<fixtures::SlowDevice>(kSlowDeviceSize, needs.slow_delay_ms,
                                                          in_own_vm_);
    env.slow_device = slow_device_->path();
    env.slow_delay_ms = slow_device_->delay_ms();
    env.slow_size = slow_device_->size();
  }
  return env;
}

void InstanceFixture::namespace_changed(const std::vector<std::string>& changes) {
  if (!changes.empty() && pool_) recheck_namespaces_ = true;
}

std::vector<std::string> InstanceFixture::release() {
  std::vector<std::string> problems;
  if (slow_device_) {
    try {
      slow_device_->remove();
    } catch (const SetupError& error) {
      problems.push_back(std::string("slow device: ") + error.what());
    }
    slow_device_.reset();
  }
  if (filesystem_) {
    try {
      filesystem_->unmount();
    } catch (const SetupError& error) {
      problems.push_back(std::string("filesystem: ") + error.what());
      // The namespace may still be held by the lazily detached mount; the
      // next instance must not inherit it.
      try {
        pool_->discard_fsdax();
      } catch (const std::exception& discard_error) {
        problems.push_back(std::string("fsdax namespace: ") + discard_error.what());
      }
    }
    filesystem_.reset();
  }
  if (recheck_namespaces_) {
    recheck_namespaces_ = false;
    try {
      for (auto& problem : pool_->recheck()) problems.push_back("namespace: " + problem);
    } catch (const std::exception& error) {
      problems.push_back(std::string("namespace recheck: ") + error.what());
    }
  }
  return problems;
}

InstanceFixture::~InstanceFixture() { release(); }

}  // namespace dt
