#include "runners/repro/bundle.h"

#include <filesystem>
#include <iostream>

#include "core/command.h"
#include "core/data_path.h"
#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "runners/repro/failed_instance.h"
#include "runners/vm/guest_image.h"
#include "runners/vm/guest_launch.h"
#include "runners/kernel/kernel_locator.h"
#include "runners/vm/machine_profile.h"
#include "runners/vm/qemu_command.h"

namespace fs = std::filesystem;

namespace dt {

namespace {

// The guest runner checks that the NVDIMM is its own by this word on the
// kernel command line; a bundle's guest always owns its NVDIMM.
constexpr const char* kBundleToken = "bundle";

std::string scripts_dir() { return data_path("runners/repro"); }

std::string sha256_of(const std::string& path) { return run_checked({"sha256sum", path}).substr(0, 64); }

void copy_into(const std::string& from, const std::string& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

// A fresh output folder: an existing one is replaced only when it is a
// bundle (it has bundle.conf), never any other folder.
void check_out_dir(const std::string& out_dir) {
  if (fs::exists(out_dir) && !fs::exists(out_dir + "/guest/bundle.conf"))
    throw UsageError(out_dir + " exists and is not a reproducer bundle; name a new folder with --out");
}

void prepare_out_dir(const std::string& out_dir) {
  check_out_dir(out_dir);
  fs::remove_all(out_dir);
  make_directories(out_dir + "/kernel");
  make_directories(out_dir + "/guest");
}

// qemu-args.tcg and qemu-args.kvm: the words 'daxtorture vm' runs, with
// placeholders for the files run.sh makes per boot.
void write_qemu_args(const std::string& out_dir, const MachineProfile& profile, const std::string& cmdline_extra) {
  for (const std::string accel : {"tcg", "kvm"}) {
    QemuLaunch launch;
    launch.profile = profile;
    if (!cmdline_extra.empty())
      launch.profile.kernel_cmdline += (launch.profile.kernel_cmdline.empty() ? "" : " ") + cmdline_extra;
    launch.accel = accel;
    launch.kernel.image = "@KERNEL@";
    launch.initramfs = "@INITRD@";
    launch.nvdimm_file = "@NVDIMM@";
    launch.run_dir = "@SHARE@";
    launch.ktap_file = "@SHARE@/ktap.stream";
    launch.token = kBundleToken;
    std::string words;
    for (const auto& word : qemu_argv(launch)) words += word + "\n";
    write_text_file(out_dir + "/qemu-args." + accel, words);
  }
}

std::string origin_text(const KernelOrigin& origin, const std::string& release, const std::string& vmlinuz_sha) {
  std::string text = "release " + release + "\nsha256 " + vmlinuz_sha + "  vmlinuz\n";
  if (origin.kind == "debian-package") {
    text += "package " + origin.package + " " + origin.package_version + "\n"
            "\nThe vmlinuz here is Debian's, unchanged. To fetch it yourself:\n"
            "  apt-get download " + origin.package + "=" + origin.package_version +
            "   (from a Debian mirror carrying it; kernels from 6.19 on are split:\n"
            "   vmlinuz is in linux-binary-" + release + ")\n"
            "  or https://snapshot.debian.org/binary/" + origin.package + "/\n"
            "then compare: sha256sum boot/vmlinuz-" + release + "\n";
  } else {
    text += "built by daxtorture from " + origin.tree + " at " + origin.commit + " (" + origin.describe +
            "), config " + origin.config_name + "\n";
  }
  return text;
}

void write_conf(const std::string& out_dir, const std::string& conf) {
  write_text_file(out_dir + "/guest/bundle.conf", "# read by run.sh (host) and guest/run.sh (guest)\n" + conf);
}

std::string conf_word(const std::string& word) { return shell_quote(word); }

void finish_bundle(const std::string& out_dir, const std::string& guest_script, const std::string& readme) {
  copy_into(scripts_dir() + "/bundle-run.sh", out_dir + "/run.sh");
  fs::permissions(out_dir + "/run.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  copy_into(scripts_dir() + "/" + guest_script, out_dir + "/guest/run.sh");
  write_text_file(out_dir + "/README", readme);
}

MachineProfile profile_of_run(const RunResult& run) {
  auto recorded = run.info.environment.find("profile");
  if (recorded != run.info.environment.end() && fs::exists(recorded->second))
    return load_machine_profile(recorded->second);
  return load_machine_profile(data_path("vm-configs/default.profile"));
}

// The guest image without the daxtorture binary and the suite's own files:
// the bare guest a standalone reproducer runs in.
void write_bare_image(const std::string& image, const std::string& out) {
  const std::string root = out + ".root";
  fs::remove_all(root);
  make_directories(root);
  run_checked({"sh", "-c", "cd \"$1\" && cpio -id --quiet < \"$2\"", "sh", root, image}, std::chrono::seconds(300));
  fs::remove(root + kGuestBinary);
  // The suite's data (vm-configs, scripts) beside the binary goes too.
  fs::remove_all(root + kGuestData);
  run_checked({"sh", data_path("runners/vm/make-initramfs.sh"), root, out},
              std::chrono::seconds(300));
  fs::remove_all(root);
}

}  // namespace

void write_instance_bundle(const std::string& instance_dir, const std::string& out_dir) {
  check_out_dir(out_dir);
  FailedInstance failed = load_failed_instance(instance_dir);
  const auto& env = failed.run.info.environment;
  auto value = [&](const std::string& key) {
    auto it = env.find(key);
    return it == env.end() ? std::string() : it->second;
  };
  const std::string kernel_image = value("kernel_image"), image = value("guest_image");
  if (kernel_image.empty() || !fs::exists(kernel_image))
    throw UsageError("the kernel of " + failed.run_dir + " (" + kernel_image + ") is gone; fetch it again with "
                     "'tools/fetch-kernel " + failed.run.info.kernel_origin.package + "'");
  if (image.empty() || !fs::exists(image))
    throw UsageError("the guest image of " + failed.run_dir + " (" + image + ") is no longer cached; run the "
                     "instance again with 'daxtorture vm', then bundle that run");
  prepare_out_dir(out_dir);
  std::cerr << "daxtorture repro: copying the kernel and the guest image ("
            << (fs::file_size(image) >> 20) << " MiB) into " << out_dir << std::endl;
  copy_into(kernel_image, out_dir + "/kernel/vmlinuz");
  copy_into(image, out_dir + "/guest.cpio");
  const std::string config = value("kernel_config");
  if (!config.empty() && fs::exists(config)) copy_into(config, out_dir + "/kernel/config");
  write_text_file(out_dir + "/kernel/ORIGIN", origin_text(failed.run.info.kernel_origin, failed.run.info.kernel_release,
                                                          sha256_of(out_dir + "/kernel/vmlinuz")));
  MachineProfile profile = profile_of_run(failed.run);
  write_qemu_args(out_dir, profile, "");

  // The instance's own timeout, scaled as the run scaled it, plus boot and
  // fixture time.
  double scale = value("timeout_scale").empty() ? 4.0 : std::stod(value("timeout_scale"));
  long timeout_s = 300;
  for (const auto& instance : select_instances({failed.instance.name}))
    timeout_s = static_cast<long>(instance.workload->spec.timeout.count() * scale) + 180;
  write_conf(out_dir,
             "mode=daxtorture\n"
             "what=" + conf_word("instance " + failed.instance.name + " (" + status_name(failed.instance.status) +
                              " in " + failed.run_dir + ")") + "\n"
             "instance=" + conf_word(failed.instance.name) + "\n"
             "kernel_release=" + conf_word(failed.run.info.kernel_release) + "\n"
             "kernel_config=" + conf_word(config) + "\n"
             "timeout_scale=" + conf_word(value("timeout_scale").empty() ? "4" : value("timeout_scale")) + "\n"
             "token=" + kBundleToken + "\n"
             "accel=" + (value("accelerator") == "kvm" ? "kvm" : "tcg") + "\n"
             "nvdimm_size=" + std::to_string(profile.nvdimm_size) + "\n"
             "boot_timeout=" + std::to_string(timeout_s) + "\n");
  finish_bundle(out_dir, "guest-daxtorture.sh",
                "Reproducer bundle of " + failed.instance.name + ", " + status_name(failed.instance.status) +
                    " on " + failed.run.info.kernel_release + " in " + failed.run_dir + ".\n\n"
                    "  ./run.sh N     boots N times (KVM when /dev/kvm is writable, TCG otherwise),\n"
                    "                 runs the instance once per boot, last line 'reproduced K of N'\n\n"
                    "Needs qemu-system-x86_64 only. The guest image is the one 'daxtorture vm'\n"
                    "booted (its daxtorture binary runs the instance); kernel/ORIGIN says where\n"
                    "the kernel comes from; qemu-args.* hold the QEMU command line.\n");
  std::cout << out_dir << "/run.sh: instance " << failed.instance.name << " on "
            << failed.run.info.kernel_release << std::endl;
}

void write_standalone_bundle(const std::string& finding_dir, const std::string& kernel_package,
                             const std::string& guest_args, const std::string& out_dir) {
  check_out_dir(out_dir);
  for (const char* file : {"repro.c", "setup.sh", "guest.sh", "expect"})
    if (!fs::exists(finding_dir + "/" + file))
      throw UsageError(finding_dir + " has no " + file + "; a finding folder holds repro.c, setup.sh, guest.sh "
                       "and expect (the kernel lines that mean 'reproduced', one extended regex a line)");
  GuestKernel kernel = locate_debian_kernel(kernel_package);
  GuestImage image = prepare_guest_image(kernel, true);
  prepare_out_dir(out_dir);
  for (const char* file : {"repro.c", "setup.sh", "guest.sh", "expect"})
    copy_into(finding_dir + "/" + file, out_dir + "/guest/" + file);
  // Static: the bare guest has the C library of the image, but a static
  // binary needs nothing of it.
  run_checked({"gcc", "-O2", "-Wall", "-static", "-pthread", "-o", out_dir + "/guest/repro", finding_dir + "/repro.c"});
  copy_into(kernel.image, out_dir + "/kernel/vmlinuz");
  if (!kernel.config.empty()) copy_into(kernel.config, out_dir + "/kernel/config");
  write_text_file(out_dir + "/kernel/ORIGIN",
                  origin_text(kernel.origin, kernel.release, sha256_of(out_dir + "/kernel/vmlinuz")));
  write_bare_image(image.path, out_dir + "/guest.cpio");
  MachineProfile profile = load_machine_profile(data_path("vm-configs/default.profile"));
  write_qemu_args(out_dir, profile, "");
  const std::string name = fs::path(finding_dir).lexically_normal().filename().string().empty()
                               ? fs::path(finding_dir).lexically_normal().parent_path().filename().string()
                               : fs::path(finding_dir).lexically_normal().filename().string();
  write_conf(out_dir,
             "mode=standalone\n"
             "what=" + conf_word("standalone reproducer " + name + (guest_args.empty() ? "" : " (" + guest_args + ")")) + "\n"
             "guest_args=" + conf_word(guest_args) + "\n"
             "kernel_release=" + conf_word(kernel.release) + "\n"
             "nvdimm_size=" + std::to_string(profile.nvdimm_size) + "\n"
             "accel=tcg\n"
             "boot_timeout=300\n");
  finish_bundle(out_dir, "guest-standalone.sh",
                "Standalone reproducer bundle of " + name + " on " + kernel.release + ".\n\n"
                "  ./run.sh N     boots N times (KVM when /dev/kvm is writable, TCG otherwise),\n"
                "                 runs guest/guest.sh (guest/setup.sh, then guest/repro built\n"
                "                 from guest/repro.c) once per boot; a boot reproduces when its\n"
                "                 console holds every line of guest/expect. Last line\n"
                "                 'reproduced K of N'.\n\n"
                "Needs qemu-system-x86_64 only. The guest is busybox, kmod, ndctl, daxctl,\n"
                "xfsprogs, e2fsprogs, dmsetup and the kernel's modules; no daxtorture.\n");
  std::cout << out_dir << "/run.sh: " << name << " on " << kernel.release << std::endl;
}

}  // namespace dt
