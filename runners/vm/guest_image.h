// The guest's whole userspace in one file: the daxtorture binary, the
// programs it runs in the guest (mkfs.xfs, mkfs.ext4, xfs_io, dmsetup,
// ndctl, daxctl, kmod, umount, busybox for /init and sh), their shared
// libraries as their loader resolves them, the kernel's modules the suite
// loads (with their dependencies) and the vm-configs files the guest reads.
// The guest runs from it alone: nothing of the host's root is mounted, so a
// package upgrade or a depmod on the host during a run cannot reach it.
//
// The image is an uncompressed newc cpio that the kernel unpacks
// as its initramfs (rootfs); a farm deploys it beside the kernel as the
// initrd. Built once per content: the cache key is a hash of every file that
// goes in, the builder scripts and the format.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runners/kernel/kernel_locator.h"

namespace dt {

// Where the binary lives inside the image (run.sh and LAVA jobs call it).
inline constexpr const char* kGuestBinary = "/usr/bin/daxtorture";
// Its data folder, laid out as an install's (core/data_path.h finds it).
inline constexpr const char* kGuestData = "/usr/share/daxtorture";

struct GuestImage {
  std::string path;           // CACHE/guest-images/KEY.cpio
  std::string key;            // sha256 of the manifest of what went in
  std::string sha256;         // of the image file itself (what a farm checks)
  uint64_t bytes = 0;
  std::string packages;       // "busybox-static=1:1.35.0-4+b3 kmod=30+20221128-1 ..."
  bool cached = false;        // found in the cache, not built now
  double seconds = 0;         // to hash the inputs, and to build when not cached
};

// The binary the guest runs: this one, or the one DAXTORTURE_GUEST_BINARY
// names. A host built with ThreadSanitizer needs the second: in the guest
// its shadow memory would change what the workloads measure (pmd_fault
// counted 32 800 page faults where 32 are expected, and failed).
inline constexpr const char* kGuestBinaryVariable = "DAXTORTURE_GUEST_BINARY";
std::string guest_binary();

// CACHE/guest-images, beside the kernel cache.
std::string guest_image_cache_dir();

// The image for `kernel`: from the cache when one with the same content
// exists, else built now (seconds). Throws SetupError naming a missing
// program and the package that provides it.
GuestImage prepare_guest_image(const GuestKernel& kernel, bool show_progress);

// run.json's environment: guest_image (path), guest_image_key,
// guest_image_sha256, guest_image_bytes, guest_image_packages,
// guest_image_cached, guest_image_s.
void record_guest_image(const GuestImage& image, std::map<std::string, std::string>& environment);

// The programs the suite runs inside the guest, by the name it runs them.
const std::vector<std::string>& guest_programs();

// Kernel modules the suite loads by name in the guest (fixtures, the
// namespace pool, the results share, and every workload's needs.modules).
std::vector<std::string> guest_module_names();

}  // namespace dt
