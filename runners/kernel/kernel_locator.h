// Finds what a guest boot needs from a kernel: the bzImage, its release
// string, its module tree and its .config, and checks that it can drive an
// emulated NVDIMM at all before a minute is spent booting it.
#pragma once

#include <string>

#include "core/result.h"

namespace dt {

struct GuestKernel {
  std::string image;          // bzImage
  std::string release;        // "6.12.117+deb12-amd64", read from the image header
  std::string module_root;    // holds lib/modules/RELEASE (INSTALL_MOD_PATH style)
  std::string config;         // .config, or "" when none was found
  std::string label;          // how the user named it, for messages
  KernelOrigin origin;        // where it came from, for run.json and KCIDB
  std::string coverage_notes; // gcov/ beside the image of a coverage build, or ""
};

// Where set-up unpacks Debian kernels: CACHE/kernels/PACKAGE/{boot,lib}, with
// the symlinks "default" (6.12) and "6.1".
std::string kernel_cache_dir();

// `--kernel-package NAME`: a Debian package name, or the aliases "default",
// "6.12" and "6.1" that set-up creates. Unpacks it when not cached yet.
GuestKernel locate_debian_kernel(const std::string& package_or_alias);

// `--kernel IMAGE [--modules DIR]`: DIR may be an INSTALL_MOD_PATH root or
// lib/modules/RELEASE itself; default: /lib/modules/RELEASE. A .config and a
// kernel-origin.txt beside the image (a 'daxtorture build' entry, or what a
// bisect's --build-command left) are taken as its config and origin.
GuestKernel locate_kernel_image(const std::string& image, const std::string& modules);

// The release string inside a bzImage; UsageError when it is not one.
std::string bzimage_release(const std::string& image);

// Throws UsageError when the kernel lacks FS_DAX or the NVDIMM stack
// (LIBNVDIMM, ACPI_NFIT, BLK_DEV_PMEM), naming the fix.
void require_pmem_support(const GuestKernel& kernel);

}  // namespace dt
