#include "runners/vm/kernel_locator.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "core/command.h"
#include "core/errors.h"
#include "core/kernel_info.h"
#include "core/text_file.h"
#include "runners/build/kernel_build.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
const char* kPmemOptions[] = {"CONFIG_FS_DAX", "CONFIG_LIBNVDIMM", "CONFIG_ACPI_NFIT",
                              "CONFIG_BLK_DEV_PMEM"};
const char* kPmemFix =
    "; fix: build the kernel with CONFIG_ZONE_DEVICE=y CONFIG_FS_DAX=y CONFIG_LIBNVDIMM "
    "CONFIG_ACPI_NFIT CONFIG_BLK_DEV_PMEM CONFIG_DEV_DAX_PMEM (see vm-configs/kernel.config)";

bool module_tree_has(const std::string& moddir, const std::string& module) {
  auto builtin = read_text_file(moddir + "/modules.builtin").value_or("");
  auto dep = read_text_file(moddir + "/modules.dep").value_or("");
  std::string needle = "/" + module + ".ko";
  return builtin.find(needle) != std::string::npos || dep.find(needle) != std::string::npos;
}
}  // namespace

std::string kernel_cache_dir() {
  const char* override_dir = getenv("DAXTORTURE_CACHE");
  return std::string(override_dir ? override_dir : "/var/cache/daxtorture") + "/kernels";
}

std::string bzimage_release(const std::string& image) {
  std::ifstream in(image, std::ios::binary);
  if (!in) throw UsageError("kernel image " + image + " does not exist or cannot be read; fix: "
                            "pass the path of a bzImage (arch/x86/boot/bzImage)");
  // x86 boot protocol: "HdrS" at 0x202, and at 0x20e the offset (minus
  // 0x200) of the NUL-terminated version string.
  char header[0x210] = {};
  in.read(header, sizeof header);
  if (in.gcount() < static_cast<std::streamsize>(sizeof header) ||
      std::string(header + 0x202, 4) != "HdrS")
    throw UsageError(image + " is not an x86 bzImage (no HdrS boot header); fix: pass "
                     "arch/x86/boot/bzImage, not vmlinux");
  uint16_t offset = static_cast<uint8_t>(header[0x20e]) | static_cast<uint8_t>(header[0x20f]) << 8;
  in.seekg(offset + 0x200);
  std::string version;
  std::getline(in, version, '\0');
  std::string release = version.substr(0, version.find(' '));
  if (release.empty()) throw UsageError(image + " carries no kernel version string");
  return release;
}

GuestKernel locate_kernel_image(const std::string& image, const std::string& modules) {
  GuestKernel kernel;
  kernel.label = image;
  kernel.image = fs::absolute(image);
  kernel.release = bzimage_release(kernel.image);
  std::string dir = modules.empty() ? "/lib/modules/" + kernel.release : std::string(fs::absolute(modules));
  // The guest sees the folder itself, not a symlink's target: resolve it here.
  std::error_code error;
  if (fs::path resolved = fs::canonical(dir, error); !error) dir = resolved;
  if (fs::exists(dir + "/lib/modules/" + kernel.release)) {
    kernel.module_root = dir;
  } else if (fs::path(dir).filename() == kernel.release && fs::exists(dir + "/kernel")) {
    kernel.module_root = fs::path(dir).parent_path().parent_path().parent_path();
    if (!fs::exists(kernel.module_root + "/lib/modules/" + kernel.release))
      throw UsageError("modules at " + dir + " are not under a lib/modules/ tree; fix: pass "
                       "the INSTALL_MOD_PATH folder to --modules");
  } else {
    throw UsageError("no modules for " + kernel.release + " in " + dir +
                     "; fix: 'make modules_install INSTALL_MOD_PATH=DIR' and pass --modules DIR");
  }
  std::string origin_file = fs::path(kernel.image).parent_path() / "kernel-origin.txt";
  if (fs::exists(origin_file)) kernel.origin = read_kernel_origin(origin_file);
  else kernel.origin.kind = "image";
  for (const auto& candidate : {fs::path(image).parent_path() / ".config",
                                fs::path(image).parent_path() / "../../../.config",
                                fs::path(kernel.module_root) / ("boot/config-" + kernel.release),
                                fs::path("/lib/modules") / kernel.release / "build/.config"})
    if (fs::exists(candidate)) {
      kernel.config = fs::canonical(candidate);
      break;
    }
  return kernel;
}

GuestKernel locate_debian_kernel(const std::string& package_or_alias) {
  std::string cache = kernel_cache_dir();
  std::string dir = cache + "/" + package_or_alias;
  if (!fs::exists(dir)) {
    if (package_or_alias.rfind("linux-image-", 0) != 0)
      throw UsageError("no kernel '" + package_or_alias + "' in " + cache +
                       "; fix: run tools/setup, or name a Debian package such as "
                       "linux-image-6.1.0-56-amd64-unsigned");
    // Set-up's own fetcher: apt-get download + dpkg -x + depmod.
    run_checked({std::string(DAXTORTURE_SOURCE_DIR) + "/tools/fetch-kernel", package_or_alias},
                std::chrono::seconds(600));
  }
  dir = fs::canonical(dir);
  GuestKernel kernel;
  kernel.label = package_or_alias;
  kernel.module_root = dir;
  kernel.origin.kind = "debian-package";
  kernel.origin.package = fs::path(dir).filename();
  kernel.origin.architecture = "x86_64";
  for (const auto& entry : fs::directory_iterator(dir + "/boot"))
    if (entry.path().filename().string().rfind("vmlinuz-", 0) == 0) kernel.image = entry.path();
  if (kernel.image.empty())
    throw UsageError("the cached kernel in " + dir + " has no boot/vmlinuz-*; fix: remove " +
                     dir + " and run tools/setup again");
  kernel.release = bzimage_release(kernel.image);
  if (fs::exists(dir + "/boot/config-" + kernel.release))
    kernel.config = dir + "/boot/config-" + kernel.release;
  return kernel;
}

void require_pmem_support(const GuestKernel& kernel) {
  if (!kernel.config.empty()) {
    auto config = KernelConfig::parse(read_text_file(kernel.config).value_or(""));
    for (const char* option : kPmemOptions)
      if (!config.satisfies(option))
        throw UsageError("kernel " + kernel.release + " cannot run pmem workloads: " + option +
                         " is not set in " + kernel.config + kPmemFix);
    return;
  }
  // No .config: the module tree still tells whether the NVDIMM stack exists.
  std::string moddir = kernel.module_root + "/lib/modules/" + kernel.release;
  if (!module_tree_has(moddir, "nfit") || !module_tree_has(moddir, "nd_pmem"))
    throw UsageError("kernel " + kernel.release + " has no nfit/nd_pmem driver in " + moddir +
                     kPmemFix);
}

}  // namespace dt
