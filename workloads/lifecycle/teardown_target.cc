#include "workloads/lifecycle/teardown_target.h"

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <functional>
#include <thread>

#include "core/check.h"
#include "core/context.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "fixtures/dax_filesystem.h"
#include "workloads/lib/process_probe.h"

namespace dt::workloads {

namespace {

constexpr double kDeviceNodeTimeout = 30.0;

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (!realpath(path.c_str(), resolved))
    throw SetupError("cannot resolve " + path + ": " + errno_name(errno));
  return resolved;
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }
std::string parent_of(const std::string& path) { return path.substr(0, path.rfind('/')); }

std::string sysfs_value(const std::string& path) {
  auto value = read_first_line(path);
  if (!value || value->empty()) throw SetupError("cannot read " + path);
  return *value;
}

// Writes `text` to a sysfs file; -1 with errno when the kernel refuses.
int sysfs_write(const std::string& path, const std::string& text) {
  FILE* file = fopen(path.c_str(), "w");
  if (!file) return -1;
  bool written = fputs(text.c_str(), file) >= 0;
  int saved = errno;
  bool flushed = fflush(file) == 0;
  if (!flushed) saved = errno;
  fclose(file);
  errno = saved;
  return written && flushed ? 0 : -1;
}

// Calls `use` with the namespace named `name`, through a fresh libndctl
// context (libndctl caches sysfs; the previous operation changed it).
// Returns use()'s value (a negative errno from libndctl).
int with_namespace(const std::string& name, const std::function<int(ndctl_namespace*)>& use) {
  ndctl_ctx* ctx = nullptr;
  int rc = ndctl_new(&ctx);
  if (rc < 0) throw SetupError("cannot start libndctl: " + errno_name(-rc));
  ndctl_bus* bus;
  ndctl_namespace* found = nullptr;
  ndctl_bus_foreach(ctx, bus) {
    ndctl_region* region;
    ndctl_region_foreach(bus, region) {
      ndctl_namespace* ndns;
      ndctl_namespace_foreach(region, ndns) if (name == ndctl_namespace_get_devname(ndns)) found = ndns;
    }
  }
  if (!found) {
    ndctl_unref(ctx);
    throw SetupError("libndctl finds no namespace named " + name);
  }
  rc = use(found);
  ndctl_unref(ctx);
  return rc;
}

// The same for the device-dax instance `devname` ("dax0.1") via libdaxctl.
int with_dax_dev(const std::string& devname, const std::function<int(daxctl_dev*)>& use) {
  daxctl_ctx* ctx = nullptr;
  int rc = daxctl_new(&ctx);
  if (rc < 0) throw SetupError("cannot start libdaxctl: " + errno_name(-rc));
  daxctl_region* region;
  daxctl_dev* found = nullptr;
  daxctl_region_foreach(ctx, region) {
    daxctl_dev* dev;
    daxctl_dev_foreach(region, dev) if (devname == daxctl_dev_get_devname(dev)) found = dev;
  }
  if (!found) {
    daxctl_unref(ctx);
    throw SetupError("libdaxctl finds no device-dax instance named " + devname);
  }
  rc = use(found);
  daxctl_unref(ctx);
  return rc;
}

// A libndctl/libdaxctl return (0 or -errno) as the 0 / -1+errno convention.
int as_syscall(int rc) {
  if (rc >= 0) return 0;
  errno = -rc;
  return -1;
}

constexpr const char* kAutoOnline = "/sys/devices/system/memory/auto_online_blocks";

uint64_t memory_block_size() {
  return std::stoull(sysfs_value("/sys/devices/system/memory/block_size_bytes"), nullptr, 16);
}

}  // namespace

std::string op_name(TeardownOp op) {
  switch (op) {
    case TeardownOp::umount: return "umount";
    case TeardownOp::ns_disable: return "ns_disable";
    case TeardownOp::daxctl_reconfigure: return "daxctl_reconfigure";
    case TeardownOp::unbind: return "unbind";
  }
  return "?";
}

TeardownTarget::TeardownTarget(const InstanceEnvironment& env, const std::string& fs)
    : devdax_(!env.dax_device.empty()),
      fs_(fs),
      mount_point_(env.mount_point),
      block_device_(env.pmem_device),
      dax_device_(env.dax_device) {
  std::string device_dir;
  if (devdax_) {
    device_dir = real_path("/sys/bus/dax/devices/" + base_name(dax_device_));
    dax_start_ = std::stoull(sysfs_value(device_dir + "/resource"), nullptr, 0);
    // The dax bus device's parent is libnvdimm's dax device, which names
    // the namespace it claims.
    namespace_name_ = sysfs_value(parent_of(device_dir) + "/namespace");
  } else {
    device_dir = real_path("/sys/class/block/" + base_name(block_device_) + "/device");
    // An fsdax disk hangs off the pfn device that claims the namespace.
    namespace_name_ = base_name(device_dir).rfind("namespace", 0) == 0
                          ? base_name(device_dir)
                          : sysfs_value(device_dir + "/namespace");
  }
  bound_device_ = base_name(device_dir);
  driver_dir_ = real_path(device_dir + "/driver");
}

std::string TeardownTarget::describe() const {
  std::string text = namespace_name_ + ", " + bound_device_ + " bound to " + base_name(driver_dir_);
  if (devdax_) return text + ", " + dax_device_;
  return text + ", " + block_device_ + " (" + fs_ + ") on " + mount_point_;
}

int TeardownTarget::apply(TeardownOp op) {
  switch (op) {
    case TeardownOp::umount:
      // No MNT_DETACH: the kernel must decide between EBUSY, waiting and
      // letting go.
      return umount2(mount_point_.c_str(), 0);
    case TeardownOp::ns_disable:
      // disable_invalidate, not disable_safe: disable_safe refuses in
      // userspace (an O_EXCL open of the disk, a scan for online memory)
      // before the kernel is asked. disable_invalidate unbinds the pfn or
      // dax device and the namespace through sysfs, which the kernel cannot
      // refuse: what it does about the held page is its own decision.
      return as_syscall(with_namespace(namespace_name_, ndctl_namespace_disable_invalidate));
    case TeardownOp::daxctl_reconfigure:
      // daxctl reconfigure-device --mode=system-ram: device_dax lets go of
      // the range and kmem hands it to the page allocator, the worst place
      // for a held page to end up. kmem's memory stays offline here (the
      // kernel would online it into ZONE_NORMAL, where kernel allocations
      // pin it and it can never be offlined to put the device back); the
      // pinned cell onlines the pinned block as movable itself.
      auto_online_ = read_first_line(kAutoOnline).value_or("");
      if (!auto_online_.empty() && sysfs_write(kAutoOnline, "offline") != 0)
        throw SetupError(std::string("cannot set ") + kAutoOnline + " to offline: " +
                         errno_name(errno));
      return as_syscall(with_dax_dev(base_name(dax_device_), [](daxctl_dev* dev) {
        int rc = daxctl_dev_disable(dev);
        return rc < 0 ? rc : daxctl_dev_enable_ram(dev);
      }));
    case TeardownOp::unbind:
      return sysfs_write(driver_dir_ + "/unbind", bound_device_);
  }
  return 0;
}

int TeardownTarget::online_memory_for(uint64_t physical, uint64_t length) {
  // Only the blocks holding the range, as movable: user allocations take
  // ZONE_MOVABLE first, so the held pages are handed out quickly.
  uint64_t block = memory_block_size();
  int onlined = 0;
  for (uint64_t b = physical / block; b <= (physical + length - 1) / block; ++b) {
    std::string state = "/sys/devices/system/memory/memory" + std::to_string(b) + "/state";
    auto now = read_first_line(state);
    if (!now) throw SetupError("no memory block " + std::to_string(b) + " after kmem took " +
                               dax_device_ + " (" + state + ")");
    if (*now == "online") continue;
    if (sysfs_write(state, "online_movable") != 0)
      throw SetupError("onlining " + state + ": " + errno_name(errno));
    ++onlined;
  }
  return onlined;
}

void TeardownTarget::restore_auto_online() {
  if (auto_online_.empty()) return;
  sysfs_write(kAutoOnline, auto_online_);
  auto_online_.clear();
}

TeardownTarget::~TeardownTarget() { restore_auto_online(); }

void TeardownTarget::wait_for_block_device() const {
  std::string sys_dev = "/sys/class/block/" + base_name(block_device_) + "/dev";
  double give_up = monotonic_seconds() + kDeviceNodeTimeout;
  while (monotonic_seconds() < give_up) {
    auto numbers = read_first_line(sys_dev);
    unsigned major_number = 0, minor_number = 0;
    struct stat st {};
    if (numbers && sscanf(numbers->c_str(), "%u:%u", &major_number, &minor_number) == 2 &&
        stat(block_device_.c_str(), &st) == 0 && S_ISBLK(st.st_mode) &&
        st.st_rdev == makedev(major_number, minor_number))
      return;
    usleep(20000);
  }
  throw SetupError(block_device_ + " did not come back within 30 s; " + namespace_name_ +
                   " is left without its disk");
}

void TeardownTarget::mount_again() const {
  const std::string type = fixtures::DaxFilesystem::kernel_type(fs_);
  if (mount(block_device_.c_str(), mount_point_.c_str(), type.c_str(), 0, "dax") != 0)
    throw SetupError("mount -o dax " + block_device_ + " " + mount_point_ + " after the teardown: " +
                     errno_name(errno) + "; the filesystem is left unmounted");
}

void TeardownTarget::restore(TeardownOp op) {
  if (!devdax_ && op != TeardownOp::umount) {
    // The old mount sits on a disk that is gone: take it away first.
    if (umount2(mount_point_.c_str(), 0) != 0)
      throw SetupError("umount " + mount_point_ + " of the torn-down " + block_device_ + ": " +
                       errno_name(errno) + "; left mounted on a dead disk");
  }
  switch (op) {
    case TeardownOp::umount:
      break;
    case TeardownOp::ns_disable: {
      int rc = with_namespace(namespace_name_, ndctl_namespace_enable);
      if (rc < 0)
        throw SetupError("re-enabling " + namespace_name_ + ": " + errno_name(-rc) +
                         "; the namespace is left disabled");
      if (devdax_) {
        // The dax device may come back under a new name.
        std::string name;
        with_namespace(namespace_name_, [&](ndctl_namespace* ndns) {
          ndctl_dax* dax = ndctl_namespace_get_dax(ndns);
          daxctl_region* region = dax ? ndctl_dax_get_daxctl_region(dax) : nullptr;
          daxctl_dev* dev = nullptr;
          if (region) daxctl_dev_foreach(region, dev) if (daxctl_dev_get_size(dev) > 0) break;
          if (dev) name = daxctl_dev_get_devname(dev);
          return 0;
        });
        if (name.empty())
          throw SetupError(namespace_name_ + " came back without a device-dax instance");
        dax_device_ = "/dev/" + name;
      }
      break;
    }
    case TeardownOp::daxctl_reconfigure: {
      restore_auto_online();
      int rc = with_dax_dev(base_name(dax_device_), [](daxctl_dev* dev) {
        daxctl_memory* memory = daxctl_dev_get_memory(dev);
        int offlined = memory ? daxctl_memory_offline(memory) : 0;
        if (offlined < 0) return offlined;
        int disabled = daxctl_dev_disable(dev);
        return disabled < 0 ? disabled : daxctl_dev_enable_devdax(dev);
      });
      if (rc < 0)
        throw SetupError("putting " + dax_device_ + " back from system-ram to devdax mode: " +
                         errno_name(-rc) + "; left in system-ram mode (its memory may be online)");
      break;
    }
    case TeardownOp::unbind:
      if (sysfs_write(driver_dir_ + "/bind", bound_device_) != 0)
        throw SetupError("rebinding " + bound_device_ + " to " + base_name(driver_dir_) + ": " +
                         errno_name(errno) + "; left unbound");
      break;
  }
  if (devdax_) {
    double give_up = monotonic_seconds() + kDeviceNodeTimeout;
    struct stat st {};
    while (!(stat(dax_device_.c_str(), &st) == 0 && S_ISCHR(st.st_mode))) {
      if (monotonic_seconds() > give_up)
        throw SetupError(dax_device_ + " did not come back within 30 s after the teardown");
      usleep(20000);
    }
    return;
  }
  wait_for_block_device();
  mount_again();
}

}  // namespace dt::workloads
