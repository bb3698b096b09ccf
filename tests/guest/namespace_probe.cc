// Guest-side check of fixtures/pmem_namespace: run as root inside a VM with
// an emulated NVDIMM (6 GiB backing file, 128 KiB label area). Destructive:
// it rewrites the labels of the pmem region (the lowest-numbered one, or
// --region) and destroys everything in it. Checks each result against sysfs
// and /dev directly, not through the fixture. Exit status 0 when every
// check passed.
//
//   namespace_probe [--region NAME]
//                   [--expect-labels | --expect-label-less | --label-less-only]
//
// --expect-* state what the previous boot should have left behind, so that
// two boots on one NVDIMM file prove labels persist. --label-less-only is
// for a region that can never hold labels (memmap=): convert it whole and
// back, and check that initialize_labels() refuses it.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <type_traits>

#include "core/errors.h"
#include "core/text_file.h"
#include "fixtures/pmem_namespace.h"

using dt::fixtures::NamespaceInfo;
using dt::fixtures::PmemRegionFixture;

namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;
int failures = 0;

void check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok   " : "FAIL ") << what << std::endl;
  if (!ok) ++failures;
}

// Runs `step`, prints how long it took; returns its value.
template <typename F>
auto timed(const std::string& label, F step) {
  auto begin = std::chrono::steady_clock::now();
  auto report = [&] {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    std::printf("time %-44s %6.2f s\n", label.c_str(), s);
    std::fflush(stdout);
  };
  if constexpr (std::is_void_v<decltype(step())>) {
    step();
    report();
  } else {
    auto value = step();
    report();
    return value;
  }
}

// The message of the SetupError `step` throws, or "" when it throws none.
std::string setup_error_of(const std::function<void()>& step) {
  try {
    step();
  } catch (const dt::SetupError& e) {
    return e.what();
  }
  return "";
}

uint64_t sysfs_number(const std::string& path) {
  auto text = dt::read_first_line(path);
  return text ? std::stoull(*text, nullptr, 0) : 0;
}

bool node_is(const std::string& node, bool block) {
  struct stat st {};
  return stat(node.c_str(), &st) == 0 && (block ? S_ISBLK(st.st_mode) : S_ISCHR(st.st_mode));
}

void print(const NamespaceInfo& ns) {
  std::cout << "     " << ns.name << " " << ns.mode << " "
            << (ns.block_device.empty() ? ns.dax_device : ns.block_device) << " usable "
            << ns.size / kMiB << " MiB of " << ns.raw_size / kMiB << " MiB, align "
            << ns.align / kMiB << " MiB" << std::endl;
}

// The device is real: a block written through it reads back.
void check_fsdax(const NamespaceInfo& ns, uint64_t want_size, uint64_t want_align) {
  print(ns);
  std::string disk = ns.block_device.substr(5);
  check(ns.mode == "fsdax", ns.name + " mode is fsdax");
  check(node_is(ns.block_device, true), ns.block_device + " is a block device");
  check(sysfs_number("/sys/class/block/" + disk + "/size") * 512 >= want_size,
        ns.block_device + " holds at least " + std::to_string(want_size / kMiB) + " MiB (sysfs)");
  check(ns.align == want_align, ns.name + " pfn align is " + std::to_string(want_align));
  int fd = open(ns.block_device.c_str(), O_RDWR | O_CLOEXEC);
  char out[4096], in[4096] = {};
  std::memset(out, 0x5a, sizeof out);
  bool io = fd >= 0 && pwrite(fd, out, sizeof out, 1 * kMiB) == sizeof out && fsync(fd) == 0 &&
            pread(fd, in, sizeof in, 1 * kMiB) == sizeof in && std::memcmp(in, out, sizeof in) == 0;
  if (fd >= 0) close(fd);
  check(io, ns.block_device + " reads back what was written");
}

// The character device maps at its alignment and keeps what is stored.
void check_devdax(const NamespaceInfo& ns, uint64_t want_size, uint64_t want_align) {
  print(ns);
  std::string sys = "/sys/bus/dax/devices/" + ns.dax_device.substr(5);
  check(ns.mode == "devdax", ns.name + " mode is devdax");
  check(node_is(ns.dax_device, false), ns.dax_device + " is a character device");
  check(sysfs_number(sys + "/size") >= want_size,
        ns.dax_device + " holds at least " + std::to_string(want_size / kMiB) + " MiB (sysfs)");
  check(sysfs_number(sys + "/align") == want_align,
        sys + "/align is " + std::to_string(want_align));
  int fd = open(ns.dax_device.c_str(), O_RDWR | O_CLOEXEC);
  void* map = fd >= 0 ? mmap(nullptr, want_align, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                      : MAP_FAILED;
  bool io = map != MAP_FAILED && reinterpret_cast<uintptr_t>(map) % want_align == 0;
  if (map != MAP_FAILED) {
    static_cast<volatile char*>(map)[want_align - 1] = 0x5a;
    io = io && static_cast<volatile char*>(map)[want_align - 1] == 0x5a;
    munmap(map, want_align);
  }
  if (fd >= 0) close(fd);
  check(io, ns.dax_device + " maps " + std::to_string(want_align / kMiB) +
                " MiB at an aligned address and keeps a store");
}

bool exists(const PmemRegionFixture& region, const std::string& name) {
  for (const auto& ns : region.namespaces())
    if (ns.name == name) return true;
  return false;
}

// Destroy must refuse a namespace in use, quickly, naming EBUSY and why.
void check_refused(PmemRegionFixture& region, const NamespaceInfo& ns, const std::string& cause,
                   const std::string& reason_word) {
  auto begin = std::chrono::steady_clock::now();
  std::string error = setup_error_of([&] { region.destroy(ns); });
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::cout << "     destroy while " << cause << ": " << error << std::endl;
  check(error.find("EBUSY") != std::string::npos && error.find(reason_word) != std::string::npos,
        "destroy of " + ns.name + " while " + cause + " fails naming EBUSY and '" + reason_word + "'");
  check(s < 5, "the refusal came within 5 s");
  check(exists(region, ns.name), ns.name + " still exists after the refusal");
}

void busy_checks(PmemRegionFixture& region, const NamespaceInfo& fsdax, const NamespaceInfo& dax) {
  // Mounted: the kernel-side exclusive claim.
  const char* mnt = "/tmp/namespace-probe-mnt";
  mkdir(mnt, 0755);
  // The kernel's own module loader may not see the guest's module tree.
  std::system("modprobe ext4 >/dev/null 2>&1");
  std::string mkfs = "mkfs.ext4 -q -F " + fsdax.block_device + " >/dev/null 2>&1";
  check(std::system(mkfs.c_str()) == 0, mkfs);
  bool mounted = mount(fsdax.block_device.c_str(), mnt, "ext4", 0, "dax") == 0;
  check(mounted, "mount -o dax " + fsdax.block_device + " " + mnt + ": " +
                     (mounted ? "done" : std::strerror(errno)));
  if (mounted) {
    check_refused(region, fsdax, "mounted", "mounted at");
    std::string all = setup_error_of([&] { region.destroy_all(); });
    check(all.find("EBUSY") != std::string::npos && exists(region, fsdax.name) &&
              exists(region, dax.name),
          "destroy_all refuses while one namespace is mounted, and destroys none");
    check(umount(mnt) == 0, "umount " + std::string(mnt));
  }
  // Held open by a process without any exclusive claim.
  int fd = open(fsdax.block_device.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, "open " + fsdax.block_device);
  if (fd >= 0) {
    check_refused(region, fsdax, "held open", "open or mapped by pid");
    close(fd);
  }
  // Mapped: the descriptor is gone, the mapping still pins the device.
  fd = open(dax.dax_device.c_str(), O_RDWR | O_CLOEXEC);
  void* map = fd >= 0 ? mmap(nullptr, dax.align, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  if (fd >= 0) close(fd);
  check(map != MAP_FAILED, "mmap " + dax.dax_device);
  if (map != MAP_FAILED) {
    check_refused(region, dax, "mapped", "open or mapped by pid");
    munmap(map, dax.align);
  }
}

// A label-less region offers its raw namespace whole, or not at all.
void label_less_checks(PmemRegionFixture& region) {
  std::string split = setup_error_of([&] { region.create_fsdax(region.size() + kGiB); });
  std::cout << "     oversized on label-less: " << split << std::endl;
  check(split.find("label-less") != std::string::npos,
        "asking the label-less region for more than it has is refused as label-less");
  const uint64_t quarter = region.size() / 4;
  auto whole = timed("create fsdax (label-less, whole)",
                     [&] { return region.create_fsdax(quarter); });
  check_fsdax(whole, quarter, 2 * kMiB);
  check(whole.raw_size == region.size(), "the label-less namespace was converted whole");
  timed("destroy fsdax (label-less)", [&] { region.destroy(whole); });
  auto dax = timed("create devdax (label-less, whole)",
                   [&] { return region.create_devdax(quarter, 2 * kMiB); });
  check_devdax(dax, quarter, 2 * kMiB);
  timed("destroy devdax (label-less)", [&] { region.destroy(dax); });
  auto after = region.namespaces();
  // Raw on an NVDIMM; "fsdax" with its page map in RAM on memmap=.
  check(after.size() == 1 && after[0].align == 0 && node_is(after[0].block_device, true),
        "after destroy the label-less namespace is back to its boot state: " +
            (after.empty() ? "none" : after[0].mode) + " without a pfn device, a block device");
}

// After a namespace ending just short of a 1 GiB boundary (2000 MiB usable
// takes 2032 MiB), a 1 GiB-aligned devdax namespace would lose its whole
// first gigabyte to padding: the fixture must size it for where the kernel
// actually put it.
void misaligned_start_checks(PmemRegionFixture& region) {
  auto filler = region.create_fsdax(2000 * kMiB, 2 * kMiB);
  print(filler);
  auto dax = timed("create devdax 1 GiB align 1 GiB (misaligned)",
                   [&] { return region.create_devdax(1 * kGiB, 1 * kGiB); });
  check_devdax(dax, 1 * kGiB, 1 * kGiB);
  timed("destroy_all (fsdax + devdax)", [&] { region.destroy_all(); });
}

int run(const std::string& expectation, const std::string& region_name) {
  auto region = timed("open region", [&] { return PmemRegionFixture::open(region_name); });
  std::cout << "     " << region.name() << ": " << region.size() / kMiB << " MiB, "
            << region.available_size() / kMiB << " MiB available, labels "
            << (region.labels_initialized() ? "initialized" : "not initialized") << std::endl;
  if (expectation == "--expect-labels")
    check(region.labels_initialized(), "labels survived the previous boot");
  if (expectation == "--expect-label-less")
    check(!region.labels_initialized(), "a fresh NVDIMM is label-less");

  if (expectation == "--label-less-only") {
    // A region without DIMMs (memmap=) can never hold labels.
    check(!region.labels_initialized(), region.name() + " is label-less");
    label_less_checks(region);
    std::string init = setup_error_of([&] { region.initialize_labels(); });
    std::cout << "     initialize_labels: " << init << std::endl;
    check(init.find("no label area") != std::string::npos || init.find("no DIMMs") != std::string::npos,
          "initialize_labels on it is refused, saying why");
    return failures == 0 ? 0 : 1;
  }
  if (!region.labels_initialized()) {
    label_less_checks(region);
    timed("initialize labels", [&] { region.initialize_labels(); });
    check(region.labels_initialized(), "labels initialized");
  }
  for (const auto& left : region.namespaces()) print(left);
  timed("destroy_all (leftovers)", [&] { region.destroy_all(); });
  const uint64_t full = region.size();
  check(region.available_size() == full, "the whole region is available before creating");

  auto fsdax = timed("create fsdax 1 GiB align 2 MiB",
                     [&] { return region.create_fsdax(1 * kGiB, 2 * kMiB); });
  check_fsdax(fsdax, 1 * kGiB, 2 * kMiB);
  auto dax2m = timed("create devdax 1 GiB align 2 MiB",
                     [&] { return region.create_devdax(1 * kGiB, 2 * kMiB); });
  check_devdax(dax2m, 1 * kGiB, 2 * kMiB);
  auto dax1g = timed("create devdax 1 GiB align 1 GiB",
                     [&] { return region.create_devdax(1 * kGiB, 1 * kGiB); });
  check_devdax(dax1g, 1 * kGiB, 1 * kGiB);
  check(region.namespaces().size() == 3, "three namespaces side by side");
  std::cout << "     " << region.available_size() / kMiB << " MiB left" << std::endl;
  std::string too_big = setup_error_of([&] { region.create_devdax(4 * kGiB, 1 * kGiB); });
  std::cout << "     oversized: " << too_big << std::endl;
  check(too_big.find("contiguous room") != std::string::npos,
        "a namespace larger than the room left is refused, naming the room");
  std::string odd = setup_error_of([&] { region.create_fsdax(64 * kMiB, 8 * kMiB); });
  std::cout << "     odd alignment: " << odd << std::endl;
  check(odd.find("alignment not supported here (supported:") != std::string::npos,
        "an alignment the kernel does not offer is refused, listing the ones it does");
  std::fflush(stdout);
  // Cross-check with ndctl's own view (the fixture itself never runs it).
  std::string list = "ndctl list -RN -r " + region.name() + " 2>&1 | sed 's/^/     ndctl: /'";
  if (std::system(list.c_str()) != 0) std::cout << "     (ndctl list unavailable)" << std::endl;

  busy_checks(region, fsdax, dax2m);

  timed("destroy fsdax", [&] { region.destroy(fsdax); });
  check(!exists(region, fsdax.name) && !node_is(fsdax.block_device, true),
        fsdax.name + " and " + fsdax.block_device + " are gone");
  timed("destroy devdax 2 MiB", [&] { region.destroy(dax2m); });
  check(!exists(region, dax2m.name) && !node_is(dax2m.dax_device, false),
        dax2m.name + " and " + dax2m.dax_device + " are gone");
  timed("destroy_all (devdax 1 GiB)", [&] { region.destroy_all(); });
  check(!node_is(dax1g.dax_device, false), dax1g.dax_device + " is gone");
  check(region.namespaces().empty(), "no namespace holds capacity");
  check(region.available_size() == full, "the whole region is available again");
  std::string gone = setup_error_of([&] { region.destroy(fsdax); });
  check(gone.find("no such namespace") != std::string::npos,
        "destroying a destroyed namespace is a clear error");
  misaligned_start_checks(region);
  // Re-initializing labels wipes the region, but never under a user.
  auto doomed = region.create_fsdax(256 * kMiB);
  int fd = open(doomed.block_device.c_str(), O_RDONLY | O_CLOEXEC);
  std::string refused = setup_error_of([&] { region.initialize_labels(); });
  if (fd >= 0) close(fd);
  check(refused.find("EBUSY") != std::string::npos && exists(region, doomed.name),
        "initialize_labels refuses while a namespace is open");
  timed("initialize labels (over one namespace)", [&] { region.initialize_labels(); });
  check(region.labels_initialized() && region.namespaces().empty() && !node_is(doomed.block_device, true),
        "initialize_labels over a namespace leaves an empty labelled region");
  check(region.available_size() == full, "the whole region is available at the end");
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string expectation, region_name;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--region" && i + 1 < argc)
      region_name = argv[++i];
    else if (arg == "--expect-labels" || arg == "--expect-label-less" || arg == "--label-less-only")
      expectation = arg;
    else {
      std::cerr << "usage: namespace_probe [--region NAME] "
                   "[--expect-labels | --expect-label-less | --label-less-only]" << std::endl;
      return 2;
    }
  }
  try {
    int status = run(expectation, region_name);
    std::cout << (status == 0 ? "PASS" : "FAIL") << " namespace_probe: " << failures
              << " failed checks" << std::endl;
    return status;
  } catch (const dt::SetupError& e) {
    std::cout << "FAIL namespace_probe: unexpected SetupError: " << e.what() << std::endl;
    return 1;
  }
}
