#include "runners/vm/guest_image.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "core/command.h"
#include "core/data_path.h"
#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "runners/kernel/debian_packages.h"
#include "runners/vm/elf_dependencies.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
using Clock = std::chrono::steady_clock;

// Bumped when the layout changes in a way the inputs do not show.
constexpr const char* kImageFormat = "daxtorture-guest-image 1, newc cpio, modules decompressed";

// busybox serves /init and run.sh (sh), the tools /init uses and a shell
// for a farm's test definition (daxtorture.shell=1); every other program
// is the real one from its Debian package.
const std::vector<std::string> kBusyboxApplets = {
    "sh", "mount", "mkdir", "cat", "echo", "sleep", "poweroff", "sync", "ls", "grep", "sed",
    "ln", "rm", "dmesg", "ps", "uname", "head", "tail", "setsid", "cttyhack"};

// Module folders kept whole: the kernel loads crypto modules itself
// through /sbin/modprobe (the checksums of xfs and ext4), which no name in
// our code shows; the NVDIMM stack is small; extra/ and updates/ hold the
// fault module. Everything else comes by name with its dependencies: each
// MiB of the image costs boot time (the kernel unpacks it under TCG).
const std::vector<std::string> kModuleFolders = {
    "kernel/crypto", "kernel/arch/x86/crypto", "kernel/drivers/nvdimm", "kernel/drivers/dax",
    "kernel/drivers/acpi/nfit", "extra", "updates"};

// Small files the programs read from /etc.
const std::vector<std::string> kHostConfigFiles = {"/etc/mke2fs.conf", "/etc/ld.so.conf"};

// The image's files, by their path inside the image. Symlinks are kept as
// symlinks so the programs see the host's layout (merged /usr, kmod's
// modprobe link, libraries' soname links).
class ImageContents {
 public:
  struct Entry {
    enum Kind { file, symlink, text } kind;
    std::string source;  // file: host path; symlink: target; text: content
    // file: how it is copied: "" as it is, "strip" without debug sections,
    // "xz"/"zstd"/"gzip" decompressed (modules: the kernel then reads them
    // as they are; kmod would otherwise unpack them under TCG, slowly).
    std::string transform;
  };

  // A host path with every symlink on its way, ending at the real file.
  void add_host_path(const fs::path& path) {
    fs::path normal = path.lexically_normal();
    fs::path walked = "/";
    std::vector<fs::path> parts(++normal.begin(), normal.end());
    for (size_t i = 0; i < parts.size(); ++i) {
      fs::path next = walked / parts[i];
      if (fs::is_symlink(next)) {
        fs::path target = fs::read_symlink(next);
        entries_[next.string()] = {Entry::symlink, target.string()};
        fs::path rest;
        for (size_t j = i + 1; j < parts.size(); ++j) rest /= parts[j];
        fs::path resolved = target.is_absolute() ? target : walked / target;
        add_host_path(rest.empty() ? resolved : resolved / rest);
        return;
      }
      walked = next;
    }
    if (!fs::is_regular_file(walked)) throw SetupError("guest image: " + walked.string() + " is not a file");
    entries_[walked.string()] = {Entry::file, walked.string()};
  }

  // A program and, when dynamic, every library its loader maps.
  void add_program(const fs::path& path) {
    add_host_path(path);
    for (const auto& library : elf_library_closure(fs::canonical(path))) add_host_path(library);
  }

  void add_file(const std::string& image_path, const std::string& source,
                const std::string& transform = "") {
    entries_[image_path] = {Entry::file, source, transform};
  }
  void add_symlink(const std::string& image_path, const std::string& target) {
    entries_[image_path] = {Entry::symlink, target};
  }
  void add_text(const std::string& image_path, const std::string& content) {
    entries_[image_path] = {Entry::text, content};
  }
  bool has(const std::string& image_path) const { return entries_.count(image_path) != 0; }

  // An image path with the image's own directory symlinks resolved
  // (/lib/modules -> /usr/lib/modules when /lib is a link to usr/lib).
  std::string resolve(const std::string& image_path) const {
    fs::path walked = "/";
    fs::path normal = fs::path(image_path).lexically_normal();
    for (auto part = ++normal.begin(); part != normal.end(); ++part) {
      fs::path next = walked / *part;
      auto it = entries_.find(next.string());
      if (it != entries_.end() && it->second.kind == Entry::symlink && std::next(part) != normal.end()) {
        fs::path target = it->second.source;
        walked = (target.is_absolute() ? target : walked / target).lexically_normal();
      } else {
        walked = next;
      }
    }
    return walked.string();
  }

  const std::map<std::string, Entry>& entries() const { return entries_; }

 private:
  std::map<std::string, Entry> entries_;
};

std::string sha256_of_text(const std::string& text, const std::string& scratch) {
  write_text_file(scratch, text);
  std::string sum = run_checked({"sha256sum", scratch}).substr(0, 64);
  fs::remove(scratch);
  return sum;
}

// "F mode sha256 path", "L target path", "T sha256 path" lines, sorted by
// path: the key of the cache and a record of what is inside.
std::string manifest_of(const ImageContents& contents, const std::string& scratch) {
  std::vector<std::string> sources;
  for (const auto& [path, entry] : contents.entries())
    if (entry.kind == ImageContents::Entry::file) sources.push_back(entry.source);
  std::map<std::string, std::string> sums;
  std::vector<std::string> argv = {"sha256sum", "--"};
  argv.insert(argv.end(), sources.begin(), sources.end());
  std::istringstream lines(run_checked(argv, std::chrono::seconds(300)));
  std::string sum, file;
  while (lines >> sum >> file) sums[file] = sum;

  std::string manifest = std::string("# ") + kImageFormat + "\n";
  for (const auto& [path, entry] : contents.entries()) {
    switch (entry.kind) {
      case ImageContents::Entry::file: {
        auto mode = static_cast<unsigned>(fs::status(entry.source).permissions() & fs::perms::mask);
        char octal[8];
        snprintf(octal, sizeof octal, "%04o", mode);
        manifest += std::string("F ") + octal + " " + sums[entry.source] + " " + path + " <- " +
                    (entry.transform.empty() ? "" : entry.transform + " ") + entry.source + "\n";
        break;
      }
      case ImageContents::Entry::symlink:
        manifest += "L " + entry.source + " " + path + "\n";
        break;
      case ImageContents::Entry::text:
        manifest += "T " + sha256_of_text(entry.source, scratch) + " " + path + "\n";
        break;
    }
  }
  return manifest;
}

void stage(const ImageContents& contents, const std::string& root) {
  for (const auto& [path, entry] : contents.entries()) {
    fs::path target = root + contents.resolve(path);
    fs::create_directories(target.parent_path());
    switch (entry.kind) {
      case ImageContents::Entry::file:
        if (entry.transform == "strip") {
          run_checked({"strip", "--strip-debug", "-o", target.string(), entry.source});
        } else if (!entry.transform.empty()) {
          run_checked({"sh", "-c", entry.transform + " -dc \"$1\" > \"$2\"", "sh", entry.source, target.string()});
        } else {
          fs::copy_file(entry.source, target, fs::copy_options::overwrite_existing);
        }
        fs::permissions(target, fs::status(entry.source).permissions());
        break;
      case ImageContents::Entry::symlink:
        if (!fs::is_symlink(target)) fs::create_symlink(entry.source, target);
        break;
      case ImageContents::Entry::text:
        write_text_file(target, entry.source);
        fs::permissions(target, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
        break;
    }
  }
  for (const char* dir : {"proc", "sys", "dev", "run", "tmp", "mnt", "root", "var/tmp"})
    fs::create_directories(root + "/" + dir);
  fs::permissions(root + "/tmp", fs::perms::all | fs::perms::sticky_bit);
  // The kernel runs /init whatever its mode in the source tree.
  fs::permissions(root + "/init", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
}

// The modules named by the suite, their dependencies (modprobe's own load
// order, as the guest's modprobe will resolve it) and kModuleFolders.
void add_modules(ImageContents& contents, const GuestKernel& kernel) {
  const std::string tree = kernel.module_root + "/lib/modules/" + kernel.release;
  if (!fs::is_directory(tree)) throw SetupError("guest image: no module tree at " + tree);
  // modules.dep is generated by depmod, not shipped in Debian's package.
  if (!fs::exists(tree + "/modules.dep")) run_checked({"depmod", "-b", kernel.module_root, kernel.release});
  const std::string image_tree = "/lib/modules/" + kernel.release;
  auto add_module_file = [&](const fs::path& file) {
    std::string relative = fs::relative(file, tree).string();
    for (const char* compression : {"xz", "zst", "gz"}) {
      std::string suffix = std::string(".") + compression;
      if (relative.size() > suffix.size() && relative.compare(relative.size() - suffix.size(), suffix.size(), suffix) == 0) {
        contents.add_file(image_tree + "/" + relative.substr(0, relative.size() - suffix.size()), file.string(),
                          compression == std::string("zst") ? "zstd" : compression == std::string("gz") ? "gzip" : "xz");
        return;
      }
    }
    contents.add_file(image_tree + "/" + relative, file.string());
  };
  for (const auto& module : guest_module_names()) {
    // --ignore-install: the host's /etc/modprobe.d install rules (ndctl
    // ships one) would hide dependencies. A module this kernel lacks or has
    // built in prints no insmod line; the guest then says so itself.
    CommandResult shown = run_command({"modprobe", "--ignore-install", "-d", kernel.module_root, "-S",
                                       kernel.release, "--show-depends", module});
    std::istringstream lines(shown.output);
    std::string verb, path;
    while (lines >> verb) {
      std::string rest;
      std::getline(lines, rest);
      if (verb != "insmod") continue;
      std::istringstream words(rest);
      words >> path;
      if (fs::is_regular_file(path)) add_module_file(fs::canonical(path));
    }
  }
  for (const auto& folder : kModuleFolders) {
    if (!fs::is_directory(tree + "/" + folder)) continue;
    for (const auto& item : fs::recursive_directory_iterator(tree + "/" + folder))
      if (item.is_regular_file() && item.path().string().find(".ko") != std::string::npos &&
          item.path().extension() != ".source-sha256")
        add_module_file(item.path());
  }
  for (const char* index : {"modules.order", "modules.builtin", "modules.builtin.modinfo"})
    if (fs::exists(tree + "/" + index)) add_module_file(tree + "/" + index);
}

std::string program_or_fail(const std::string& name) {
  std::string path = program_path(name);
  if (path.empty()) {
    std::string package = package_for_program(name);
    throw SetupError("guest image: '" + name + "' is not installed on this machine" +
                     (package.empty() ? "" : "; fix: apt-get install " + package));
  }
  return path;
}

ImageContents image_contents(const GuestKernel& kernel) {
  ImageContents contents;
  // The host's merged-/usr links first, so that every path below lands
  // where the host has it.
  for (const char* top : {"/bin", "/sbin", "/lib", "/lib64"})
    if (fs::is_symlink(top)) contents.add_symlink(top, fs::read_symlink(top));
  for (const auto& name : guest_programs()) contents.add_program(program_or_fail(name));
  std::string busybox = fs::canonical(program_or_fail("busybox"));
  if (!elf_interpreter(busybox).empty())
    throw SetupError("guest image: " + busybox + " is dynamically linked; /init needs a static one; "
                     "fix: apt-get install busybox-static");
  for (const auto& applet : kBusyboxApplets)
    if (!contents.has(contents.resolve("/usr/bin/" + applet)) && !contents.has("/usr/sbin/" + applet))
      contents.add_symlink("/usr/bin/" + applet, "busybox");

  const std::string binary = guest_binary();
  contents.add_file(kGuestBinary, binary, "strip");
  for (const auto& library : elf_library_closure(binary)) contents.add_host_path(library);

  add_modules(contents, kernel);
  if (!kernel.config.empty()) contents.add_host_path(fs::absolute(kernel.config));
  const fs::path configs = data_path("vm-configs");
  for (const auto& item : fs::recursive_directory_iterator(configs))
    if (item.is_regular_file())
      contents.add_file(std::string(kGuestData) + "/vm-configs/" + fs::relative(item.path(), configs).string(),
                        item.path().string());

  for (const auto& file : kHostConfigFiles)
    if (fs::exists(file)) contents.add_host_path(file);
  if (fs::is_directory("/etc/ld.so.conf.d"))
    for (const auto& item : fs::directory_iterator("/etc/ld.so.conf.d"))
      if (item.is_regular_file()) contents.add_host_path(item.path());
  contents.add_text("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  contents.add_text("/etc/group", "root:x:0:\n");
  contents.add_symlink("/etc/mtab", "../proc/self/mounts");
  const std::string scripts = data_path("runners/vm");
  contents.add_file("/init", scripts + "/guest-init.sh");
  // The packer is part of the format: a change to it makes a new image.
  contents.add_file(std::string(kGuestData) + "/make-initramfs.sh", scripts + "/make-initramfs.sh");
  return contents;
}

std::vector<std::string> host_sources(const ImageContents& contents) {
  std::vector<std::string> sources;
  for (const auto& [path, entry] : contents.entries())
    if (entry.kind == ImageContents::Entry::file) sources.push_back(entry.source);
  return sources;
}
}  // namespace

std::string guest_binary() {
  const char* chosen = getenv(kGuestBinaryVariable);
  if (!chosen || !*chosen) return fs::read_symlink("/proc/self/exe");
  if (access(chosen, X_OK) != 0)
    throw UsageError(std::string(kGuestBinaryVariable) + "=" + chosen + " is not an executable file; fix: name "
                     "a daxtorture binary built without sanitizers from the same source, or unset it");
  return fs::canonical(chosen);
}

const std::vector<std::string>& guest_programs() {
  // Every program the guest side runs through run_command (fixtures,
  // kernel_info's module loading, the selftests' ndctl calls), plus busybox
  // for /init and run.sh, and blkid for the /dev/disk/by-uuid links a LAVA
  // job mounts its test overlay by (busybox has no blkid applet).
  static const std::vector<std::string> programs = {
      "busybox", "modprobe", "mkfs.xfs", "mkfs.ext4", "xfs_io", "dmsetup", "ndctl", "daxctl", "umount",
      "blkid"};
  return programs;
}

std::vector<std::string> guest_module_names() {
  std::set<std::string> names = {
      // the results share
      "virtio_pci", "9pnet_virtio", "9p",
      // a LAVA job's test overlay: an ext2 disk on virtio (ext4 mounts it)
      "virtio_blk",
      // the namespace pool (runners/run/namespace_pool.cc)
      "nfit", "nd_pmem", "dax_pmem", "device_dax", "kmem",
      // the filesystems and the slow device (fixtures/)
      "xfs", "ext4", "brd", "dm-delay", "dm-mod"};
  for (const auto& workload : all_workloads())
    for (const auto& module : workload.spec.needs.modules) names.insert(module);
  return {names.begin(), names.end()};
}

void record_guest_image(const GuestImage& image, std::map<std::string, std::string>& environment) {
  environment["guest_image"] = image.path;
  environment["guest_image_key"] = image.key;
  environment["guest_image_sha256"] = image.sha256;
  environment["guest_image_bytes"] = std::to_string(image.bytes);
  environment["guest_image_packages"] = image.packages;
  environment["guest_image_cached"] = image.cached ? "yes" : "no";
  environment["guest_image_s"] = std::to_string(image.seconds);
  // Only when it is not the host's own binary (a sanitizer build's host).
  if (const char* chosen = getenv(kGuestBinaryVariable); chosen && *chosen) environment["guest_binary"] = guest_binary();
}

std::string guest_image_cache_dir() { return fs::path(kernel_cache_dir()).parent_path() / "guest-images"; }

GuestImage prepare_guest_image(const GuestKernel& kernel, bool show_progress) {
  auto started = Clock::now();
  const std::string cache = guest_image_cache_dir();
  make_directories(cache);
  const std::string scratch = cache + "/.scratch-" + std::to_string(getpid());
  ImageContents contents = image_contents(kernel);
  std::string manifest = manifest_of(contents, scratch);
  GuestImage image;
  image.key = sha256_of_text(manifest, scratch);
  image.path = cache + "/" + image.key + ".cpio";
  const std::string sidecar = cache + "/" + image.key;
  image.cached = fs::exists(image.path) && fs::exists(sidecar + ".sha256");
  if (!image.cached) {
    if (show_progress)
      std::cerr << "daxtorture vm: building the guest image (" << contents.entries().size()
                << " files, kernel " << kernel.release << ")" << std::endl;
    const std::string root = cache + "/.build-" + image.key.substr(0, 16) + "-" + std::to_string(getpid());
    fs::remove_all(root);
    try {
      stage(contents, root);
      // Indexes for the guest's modprobe and loader, made for the image.
      run_checked({"depmod", "-b", root, kernel.release});
      run_checked({"ldconfig", "-r", root});
      run_checked({"sh", data_path("runners/vm/make-initramfs.sh"), root,
                   image.path + ".tmp"},
                  std::chrono::seconds(600));
    } catch (...) {
      fs::remove_all(root);
      fs::remove(image.path + ".tmp");
      throw;
    }
    fs::remove_all(root);
    write_text_file(sidecar + ".manifest", manifest);
    write_text_file(sidecar + ".packages", format_package_versions(owning_packages(host_sources(contents))) + "\n");
    write_text_file(sidecar + ".sha256",
                    run_checked({"sha256sum", image.path + ".tmp"}).substr(0, 64) + "\n");
    fs::rename(image.path + ".tmp", image.path);
  }
  auto trimmed = [](std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  };
  image.sha256 = trimmed(read_text_file(sidecar + ".sha256").value_or(""));
  image.packages = trimmed(read_text_file(sidecar + ".packages").value_or(""));
  image.bytes = fs::file_size(image.path);
  image.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (show_progress)
    std::cerr << "daxtorture vm: guest image " << image.key.substr(0, 12) << " ("
              << (image.bytes >> 20) << " MiB, " << (image.cached ? "cached" : "built") << " in "
              << static_cast<int>(image.seconds * 10) / 10.0 << " s)" << std::endl;
  return image;
}

}  // namespace dt
