// What a lifecycle workload tears down under a held DAX page, and how it is
// put back: the instance's mount, its pmem namespace (libndctl), its
// device-dax instance (libdaxctl) or the driver bound to its device (sysfs
// unbind). Names are found from the instance's device through sysfs at
// set-up, so the operations act on exactly the namespace the harness made.
#pragma once

#include <cstdint>
#include <string>

namespace dt {
struct InstanceEnvironment;
}

namespace dt::workloads {

enum class TeardownOp { umount, ns_disable, daxctl_reconfigure, unbind };

std::string op_name(TeardownOp op);

class TeardownTarget {
 public:
  // fs: the instance's filesystem type ("xfs", "ext4"), empty for devdax.
  TeardownTarget(const InstanceEnvironment& env, const std::string& fs);
  ~TeardownTarget();
  TeardownTarget(const TeardownTarget&) = delete;
  TeardownTarget& operator=(const TeardownTarget&) = delete;

  // "namespace0.1, pfn0.1 bound to nd_pmem, /dev/pmem0.1 on /run/...": the
  // notes' record of what was acted on.
  std::string describe() const;

  // Runs the operation once. 0 when the kernel carried it out; -1 with
  // errno when it refused. May block for as long as the kernel waits.
  int apply(TeardownOp op);

  // Puts back what a successful apply() took down (re-enable, rebind,
  // remount, back to devdax mode). Throws SetupError naming what is left.
  void restore(TeardownOp op);

  // devdax: the character device now (re-enabling a namespace may give its
  // dax device a new name) and the physical address of its first byte.
  const std::string& dax_device() const { return dax_device_; }
  uint64_t dax_physical_start() const { return dax_start_; }
  // devdax in system-ram mode: online the memory blocks holding
  // [physical, physical + length) as movable, so that user allocations get
  // them first. Returns the number of blocks onlined.
  int online_memory_for(uint64_t physical, uint64_t length);

 private:
  void wait_for_block_device() const;
  void restore_auto_online();
  void mount_again() const;

  bool devdax_;
  std::string fs_;
  std::string mount_point_;
  std::string block_device_;   // fsdax: /dev/pmemX.Y
  std::string dax_device_;     // devdax: /dev/daxX.Y
  uint64_t dax_start_ = 0;
  std::string namespace_name_; // namespaceX.Y
  std::string bound_device_;   // the device the driver is bound to (pfnX.Y, daxX.Y)
  std::string driver_dir_;     // /sys/bus/BUS/drivers/DRIVER
  std::string auto_online_;    // auto_online_blocks before the reconfigure, to put back
};

}  // namespace dt::workloads
