#include "runners/run/namespace_pool.h"

#include "core/errors.h"

namespace dt {

NamespacePool::NamespacePool(const std::string& region_name)
    : region_(std::make_unique<fixtures::PmemRegionFixture>(
          fixtures::PmemRegionFixture::open(region_name))) {
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

std::string NamespacePool::describe() const {
  std::string text = "region " + std::to_string(region_size_ >> 20) + " MiB";
  if (fsdax_) text += "; fsdax " + fsdax_->name + " " + std::to_string(fsdax_->size >> 20) + " MiB";
  for (const auto& [align, ns] : devdax_by_align_)
    text += "; devdax " + ns.name + " " + std::to_string(ns.size >> 20) + " MiB align " +
            std::to_string(align >> 10) + " KiB";
  return text;
}

}  // namespace dt
