#include "runners/run/namespace_pool.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>

#include "core/errors.h"
#include "core/kernel_info.h"

namespace dt {

namespace {
// The NVDIMM stack: ACPI NFIT bus, pmem block driver, device-dax drivers.
// Loaded before the region is looked up; a failure shows in open()'s error.
std::string load_nvdimm_drivers() {
  std::string problems;
  for (const char* module : {"nfit", "nd_pmem", "dax_pmem", "device_dax"}) {
    std::string reason = load_module(module);
    if (!reason.empty()) problems += (problems.empty() ? "" : "; ") + reason;
  }
  return problems;
}

std::unique_ptr<fixtures::PmemRegionFixture> open_region(const std::string& region_name) {
  std::string driver_problems = load_nvdimm_drivers();
  try {
    return std::make_unique<fixtures::PmemRegionFixture>(
        fixtures::PmemRegionFixture::open(region_name));
  } catch (const SetupError& error) {
    if (driver_problems.empty()) throw;
    throw SetupError(std::string(error.what()) + " (loading drivers: " + driver_problems + ")");
  }
}
}  // namespace

NamespacePool::NamespacePool(const std::string& region_name, bool keep_fsdax)
    : region_(open_region(region_name)) {
  if (keep_fsdax) {
    for (const auto& ns : region_->namespaces()) {
      if (ns.mode == "fsdax" && !fsdax_) fsdax_ = std::make_unique<fixtures::NamespaceInfo>(ns);
      else region_->destroy(ns);
    }
    if (!fsdax_)
      throw SetupError("after the power cut the NVDIMM holds no fsdax namespace: the label area "
                       "lost the one the previous boot made");
    region_size_ = region_->size();
    return;
  }
  // A label-less NVDIMM offers a single raw namespace that cannot hold both
  // an fsdax and a devdax namespace; labels make the region divisible.
  if (!region_->labels_initialized()) region_->initialize_labels();
  region_->destroy_all();
  region_size_ = region_->available_size();
}

NamespacePool::~NamespacePool() {
  try {
    if (region_) region_->destroy_all();
  } catch (...) {
    // A namespace still in use stays; the next run starts with destroy_all.
  }
}

const fixtures::NamespaceInfo& NamespacePool::fsdax(uint64_t min_size) {
  if (min_size > kFsdaxSize)
    throw SkipRequest("needs an fsdax namespace of " + std::to_string(min_size >> 20) +
                      " MiB; the run makes " + std::to_string(kFsdaxSize >> 20) + " MiB");
  if (!fsdax_)
    fsdax_ = std::make_unique<fixtures::NamespaceInfo>(region_->create_fsdax(kFsdaxSize));
  return *fsdax_;
}

const fixtures::NamespaceInfo& NamespacePool::devdax(uint64_t min_size, uint64_t align) {
  auto it = devdax_by_align_.find(align);
  if (it != devdax_by_align_.end() && it->second.size >= min_size) return it->second;
  if (it != devdax_by_align_.end()) {
    region_->destroy(it->second);
    devdax_by_align_.erase(it);
  }
  if (region_->available_size() < min_size)
    throw SkipRequest("needs a devdax namespace of " + std::to_string(min_size >> 20) +
                      " MiB; the region has " +
                      std::to_string(region_->available_size() >> 20) + " MiB left");
  return devdax_by_align_[align] = region_->create_devdax(min_size, align);
}

void NamespacePool::discard_fsdax() {
  if (!fsdax_) return;
  auto old = std::move(fsdax_);
  region_->destroy(*old);  // throws SetupError when still busy: the caller reports it
}

namespace {
bool device_node_present(const std::string& node, bool block) {
  struct stat st {};
  return !node.empty() && stat(node.c_str(), &st) == 0 &&
         (block ? S_ISBLK(st.st_mode) : S_ISCHR(st.st_mode));
}

// A device-dax instance serves its /dev node only while device_dax is bound
// (under kmem, or unbound, the node may stay and answer ENXIO).
bool served_by_device_dax(const std::string& node) {
  std::string name = node.substr(node.rfind('/') + 1);
  char driver[PATH_MAX];
  ssize_t n = readlink(("/sys/bus/dax/devices/" + name + "/driver").c_str(), driver, sizeof driver - 1);
  if (n <= 0) return false;
  driver[n] = 0;
  std::string path = driver;
  return path.substr(path.rfind('/') + 1) == "device_dax";
}
}  // namespace

std::vector<std::string> NamespacePool::recheck() {
  std::vector<std::string> problems;
  std::map<std::string, fixtures::NamespaceInfo> now;
  for (auto& ns : region_->namespaces()) now[ns.name] = ns;
  auto forget = [&](const fixtures::NamespaceInfo& ns, const std::string& why) {
    problems.push_back(ns.name + " " + why);
    auto it = now.find(ns.name);
    if (it == now.end()) return;
    try {
      region_->destroy(it->second);
    } catch (const std::exception& error) {
      problems.push_back(std::string("cannot destroy it: ") + error.what());
    }
  };
  if (fsdax_) {
    auto it = now.find(fsdax_->name);
    if (it == now.end() || it->second.mode != "fsdax" ||
        it->second.block_device != fsdax_->block_device ||
        !device_node_present(it->second.block_device, true)) {
      auto old = std::move(fsdax_);
      forget(*old, "did not come back as fsdax on " + old->block_device);
    }
  }
  for (auto entry = devdax_by_align_.begin(); entry != devdax_by_align_.end();) {
    auto it = now.find(entry->second.name);
    if (it != now.end() && it->second.mode == "devdax" &&
        device_node_present(it->second.dax_device, false) &&
        served_by_device_dax(it->second.dax_device) && it->second.align == entry->first) {
      entry->second = it->second;  // re-enabling may rename its dax device
      ++entry;
      continue;
    }
    auto old = entry->second;
    entry = devdax_by_align_.erase(entry);
    forget(old, "did not come back as devdax served by device_dax");
  }
  return problems;
}

std::string NamespacePool::describe() const {
  std::string text = "region " + std::to_string(region_size_ >> 20) + " MiB";
  if (fsdax_) text += "; fsdax " + fsdax_->name + " " + std::to_string(fsdax_->size >> 20) + " MiB";
  for (const auto& [align, ns] : devdax_by_align_)
    text += "; devdax " + ns.name + " " + std::to_string(ns.size >> 20) + " MiB align " +
            std::to_string(align >> 10) + " KiB";
  return text;
}

}  // namespace dt
