#include "runners/kernel/kernel_locator.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/command.h"
#include "core/data_path.h"
#include "core/errors.h"
#include "core/kernel_info.h"
#include "core/text_file.h"
#include "runners/kernel/kernel_build.h"

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

namespace {
// What KCIDB groups a Debian kernel by: the package and its version (Debian
// kernels say it in their version string: "... Debian 6.12.117-1~deb12u1
// (2025-...)"), and the compiler its config names.
KernelOrigin debian_package_origin(const GuestKernel& kernel, const std::string& package) {
  KernelOrigin origin;
  origin.kind = "debian-package";
  origin.package = package;
  origin.architecture = "x86_64";
  std::ifstream image(kernel.image, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(image)), std::istreambuf_iterator<char>());
  const std::string marker = " Debian ";
  for (size_t at = bytes.find(kernel.release + " ("); at != std::string::npos;
       at = bytes.find(kernel.release + " (", at + 1)) {
    const size_t end = bytes.find('\0', at);
    const std::string version_string = bytes.substr(at, end - at);
    const size_t debian = version_string.find(marker);
    if (debian == std::string::npos) continue;
    const size_t start = debian + marker.size();
    origin.package_version = version_string.substr(start, version_string.find(' ', start) - start);
    break;
  }
  if (!kernel.config.empty()) {
    origin.config_name = "debian:" + fs::path(kernel.config).filename().string();
    std::istringstream config(read_text_file(kernel.config).value_or(""));
    const std::string key = "CONFIG_CC_VERSION_TEXT=\"";
    for (std::string line; std::getline(config, line);)
      if (line.rfind(key, 0) == 0 && line.size() > key.size())
        origin.compiler = line.substr(key.size(), line.size() - key.size() - 1);
  }
  return origin;
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
  std::string notes = fs::path(kernel.image).parent_path() / "gcov";
  if (fs::exists(notes + "/objtree")) kernel.coverage_notes = notes;
  return kernel;
}

GuestKernel locate_debian_kernel(const std::string& package_or_alias) {
  std::string cache = kernel_cache_dir();
  std::string dir = cache + "/" + package_or_alias;
  if (!fs::exists(dir)) {
    if (package_or_alias.find('/') != std::string::npos || package_or_alias.empty() ||
        !(package_or_alias.rfind("linux-image-", 0) == 0 || isdigit(static_cast<unsigned char>(package_or_alias[0]))))
      throw UsageError("no kernel '" + package_or_alias + "' in " + cache +
                       "; fix: make the alias with tools/setup (default, 6.12, 6.1, fixed, newest) or '" +
                       data_path("tools/fetch-kernel") + " --suite bookworm 6.12 default', or name a "
                       "Debian package (linux-image-7.3.4+deb13-amd64), a version (7.3.4) or a series (7.3)");
    // Set-up's own fetcher: the newest whole kernel of any suite that
    // matches, split packages and all; it prints the cache folder.
    std::cerr << "daxtorture: fetching kernel '" << package_or_alias << "' from Debian's archive" << std::endl;
    try {
      std::string output = run_checked({data_path("tools/fetch-kernel"), "--resolve",
                                        package_or_alias},
                                       std::chrono::seconds(900));
      // Progress goes to stderr, interleaved: the folder is the last line.
      while (!output.empty() && output.back() == '\n') output.pop_back();
      dir = output.substr(output.find_last_of('\n') == std::string::npos ? 0 : output.find_last_of('\n') + 1);
    } catch (const SetupError& error) {
      throw UsageError(std::string("cannot fetch kernel '") + package_or_alias + "': " + error.what());
    }
  }
  dir = fs::canonical(dir);
  GuestKernel kernel;
  kernel.label = package_or_alias;
  kernel.module_root = dir;
  for (const auto& entry : fs::directory_iterator(dir + "/boot"))
    if (entry.path().filename().string().rfind("vmlinuz-", 0) == 0) kernel.image = entry.path();
  if (kernel.image.empty())
    throw UsageError("the cached kernel in " + dir + " has no boot/vmlinuz-*; fix: remove " +
                     dir + " and run tools/setup again");
  kernel.release = bzimage_release(kernel.image);
  if (fs::exists(dir + "/boot/config-" + kernel.release))
    kernel.config = dir + "/boot/config-" + kernel.release;
  kernel.origin = debian_package_origin(kernel, fs::path(dir).filename());
  // tools/fetch-kernel notes "PACKAGE VERSION SUITE": the version beats the
  // one read out of the image (a split kernel's vmlinuz may not carry it).
  std::istringstream noted(read_text_file(dir + "/debian-package.txt").value_or(""));
  std::string noted_package, noted_version;
  if (noted >> noted_package >> noted_version) kernel.origin.package_version = noted_version;
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
