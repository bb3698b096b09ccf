#include "workloads/huge/pmem2_checks.h"

#include <fcntl.h>
#include <libpmem2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "core/check.h"
#include "core/context.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/aligned_map.h"
#include "workloads/lib/pattern_file.h"
#include "workloads/lib/process_probe.h"
#include "workloads/lib/pattern.h"
#include "workloads/lib/smaps.h"

namespace dt::workloads {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kLength = 2 * kPmdSize;
constexpr uint64_t kStoreOffset = 4096 + 64;   // inside the map, off page and line starts
constexpr uint64_t kStoreLength = (1 << 20) + 200;
constexpr uint64_t kSeed = 0x9E2;
constexpr const char* kRegions = "/sys/bus/nd/devices";

std::string granularity_name(int g) {
  switch (g) {
    case PMEM2_GRANULARITY_BYTE: return "BYTE";
    case PMEM2_GRANULARITY_CACHE_LINE: return "CACHE_LINE";
    case PMEM2_GRANULARITY_PAGE: return "PAGE";
  }
  return "unknown (" + std::to_string(g) + ")";
}

std::string pmem2_error(int rc) {
  return std::to_string(rc) + " (" + pmem2_errormsg() + ")";
}

// The nvdimm region ("region0") a device number belongs to, from the sysfs
// path of the block or character device.
std::string region_of(dev_t device, bool character) {
  std::string link = std::string("/sys/dev/") + (character ? "char/" : "block/") +
                     std::to_string(major(device)) + ":" + std::to_string(minor(device));
  std::error_code error;
  fs::path real = fs::canonical(link, error);
  if (error) throw SetupError("cannot resolve " + link + ": " + error.message());
  for (const auto& part : real)
    if (part.string().rfind("region", 0) == 0) return part.string();
  throw SetupError(link + " (" + real.string() + ") lies in no nvdimm region");
}

// Every region's persistence_domain ("" where the attribute is absent: the
// platform declared no domain) and libpmem2's reading of them: BYTE only
// when all say cpu_cache.
struct Platform {
  std::string domains;  // "region0=(none) region1=cpu_cache"
  int expected = PMEM2_GRANULARITY_CACHE_LINE;
};

Platform read_platform() {
  Platform platform;
  bool all_cpu_cache = true, any = false;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(kRegions, error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("region", 0) != 0) continue;
    any = true;
    auto domain = read_first_line(entry.path().string() + "/persistence_domain");
    platform.domains += (platform.domains.empty() ? "" : " ") + name + "=" +
                        (domain ? (domain->empty() ? "(empty)" : *domain) : "(none)");
    if (!domain || *domain != "cpu_cache") all_cpu_cache = false;
  }
  if (!any) throw SetupError(std::string("no nvdimm region under ") + kRegions);
  if (all_cpu_cache) platform.expected = PMEM2_GRANULARITY_BYTE;
  return platform;
}

bool has_vm_sync(const void* address, std::string& flags) {
  std::istringstream in(smaps_block(address));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmFlags:", 0) != 0) continue;
    flags = line.substr(9);
    std::istringstream words(flags);
    std::string word;
    while (words >> word)
      if (word == "sf") return true;
    return false;
  }
  flags = "(no VmFlags line)";
  return false;
}

// One pmem2 mapping of `fd` and what it came with.
class Pmem2Map {
 public:
  // rc of pmem2_map_new; the object holds a mapping only when it is 0.
  Pmem2Map(int fd, uint64_t length, int required) {
    if (int rc = pmem2_source_from_fd(&source_, fd); rc != 0)
      throw SetupError("pmem2_source_from_fd: " + pmem2_error(rc));
    if (int rc = pmem2_config_new(&config_); rc != 0)
      throw SetupError("pmem2_config_new: " + pmem2_error(rc));
    if (int rc = pmem2_config_set_length(config_, length); rc != 0)
      throw SetupError("pmem2_config_set_length: " + pmem2_error(rc));
    if (int rc = pmem2_config_set_required_store_granularity(
            config_, static_cast<pmem2_granularity>(required));
        rc != 0)
      throw SetupError("pmem2_config_set_required_store_granularity: " + pmem2_error(rc));
    rc_ = pmem2_map_new(&map_, config_, source_);
    if (rc_ != 0) error_ = pmem2_errormsg();
  }
  ~Pmem2Map() {
    if (map_) pmem2_map_delete(&map_);
    if (config_) pmem2_config_delete(&config_);
    if (source_) pmem2_source_delete(&source_);
  }
  Pmem2Map(const Pmem2Map&) = delete;
  Pmem2Map& operator=(const Pmem2Map&) = delete;

  int rc() const { return rc_; }
  const std::string& error() const { return error_; }
  pmem2_map* get() { return map_; }
  uint8_t* address() { return static_cast<uint8_t*>(pmem2_map_get_address(map_)); }
  int granularity() { return pmem2_map_get_store_granularity(map_); }

 private:
  pmem2_source* source_ = nullptr;
  pmem2_config* config_ = nullptr;
  pmem2_map* map_ = nullptr;
  int rc_ = 0;
  std::string error_;
};

// A page-cache file (shmem) of the same length: the non-DAX control.
int page_cache_file() {
  int fd = DT_SYS(memfd_create("daxtorture-pmem2-control", MFD_CLOEXEC));
  DT_SYS(ftruncate(fd, static_cast<off_t>(kLength)));
  return fd;
}

// Check 3: libpmem2 tells page cache from DAX on this kernel.
void check_control() {
  int fd = page_cache_file();
  Pmem2Map control(fd, kLength, PMEM2_GRANULARITY_PAGE);
  if (control.rc() != 0)
    throw SetupError("pmem2_map_new of a memfd: " + pmem2_error(control.rc()));
  std::string flags;
  bool sync = has_vm_sync(control.address(), flags);
  DT_EXPECT(control.granularity() == PMEM2_GRANULARITY_PAGE && !sync)
      << "libpmem2 maps a page-cache memfd with " << granularity_name(control.granularity())
      << " granularity and VmFlags '" << flags
      << "': the control does not tell DAX from page cache";
  close(fd);
}

}  // namespace

const NameTable<Pmem2Fault>& pmem2_faults() {
  static const NameTable<Pmem2Fault> table("a pmem2_map_sync injection",
      {{Pmem2Fault::page_cache_file, "page_cache_file"},
       {Pmem2Fault::deep_flush_outside, "deep_flush_outside"},
       {Pmem2Fault::store_elsewhere, "store_elsewhere"}});
  return table;
}

void run_pmem2_map_sync(Context& ctx) {
  const auto& env = ctx.env();
  const bool devdax = !env.dax_device.empty();
  // A value left in the environment would override the detection under test.
  unsetenv("PMEM2_FORCE_GRANULARITY");

  int fd;
  std::string region;
  if (devdax) {
    if (env.dax_size < kLength) throw SetupError(env.dax_device + " is smaller than the mapping");
    fd = DT_SYS(open(env.dax_device.c_str(), O_RDWR | O_CLOEXEC));
    struct stat st {};
    DT_SYS(fstat(fd, &st));
    region = region_of(st.st_rdev, true);
  } else {
    fd = DT_SYS(open(ctx.path("pmem2").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    DT_SYS(fallocate(fd, 0, 0, static_cast<off_t>(kLength)));
    DT_SYS(fsync(fd));
    struct stat st {};
    DT_SYS(fstat(fd, &st));
    region = region_of(st.st_dev, false);
  }
  Platform platform = read_platform();
  std::string deep_flush = read_first_line(std::string(kRegions) + "/" + region + "/deep_flush")
                               .value_or("(no attribute)");
  ctx.note("persistence_domain: " + platform.domains + "; " + region + "/deep_flush reads " +
           deep_flush + " (libpmem2 writes 1 there on a devdax deep flush unless it reads 0)");

  int mapped_fd = fd;
  if (ctx.injected(pmem2_faults(), Pmem2Fault::page_cache_file)) mapped_fd = page_cache_file();

  // Check 1: the granularity offered, and a finer one refused.
  Pmem2Map map(mapped_fd, kLength, PMEM2_GRANULARITY_PAGE);
  if (map.rc() != 0) throw SetupError("pmem2_map_new: " + pmem2_error(map.rc()));
  const int granularity = map.granularity();
  ctx.note("libpmem2 store granularity: " + granularity_name(granularity) + " (platform implies " +
           granularity_name(platform.expected) + ")");
  ctx.metric("store_granularity", granularity, "enum");
  DT_EXPECT(granularity == platform.expected)
      << "libpmem2 reports " << granularity_name(granularity) << " store granularity for "
      << (devdax ? env.dax_device : "the fsdax file") << ", the platform (" << platform.domains
      << ") implies " << granularity_name(platform.expected)
      << (granularity == PMEM2_GRANULARITY_PAGE ? ": the kernel refused MAP_SYNC" : "");
  if (granularity != PMEM2_GRANULARITY_BYTE) {
    Pmem2Map finer(mapped_fd, kLength, granularity - 1);
    DT_EXPECT(finer.rc() == PMEM2_E_GRANULARITY_NOT_SUPPORTED)
        << "requiring " << granularity_name(granularity - 1) << " where "
        << granularity_name(granularity) << " is offered returned " << finer.rc() << " ("
        << finer.error() << "), expected PMEM2_E_GRANULARITY_NOT_SUPPORTED";
  }

  // Check 2: the kernel set VM_SYNC on the mapping.
  std::string flags;
  bool sync = has_vm_sync(map.address(), flags);
  ctx.note(std::string("VmFlags of the libpmem2 mapping: ") + flags);
  if (devdax) {
    ctx.note(std::string("devdax mapping ") + (sync ? "carries" : "does not carry") +
             " VM_SYNC (device-dax needs no metadata sync; not judged)");
  } else {
    DT_EXPECT(sync) << "the libpmem2 mapping of the fsdax file has no VM_SYNC (VmFlags: " << flags
                    << "): the kernel did not take MAP_SYNC";
  }

  check_control();

  // Checks 4 and 5: store, persist, deep flush, read back another way.
  uint8_t* base = map.address();
  const bool elsewhere = ctx.injected(pmem2_faults(), Pmem2Fault::store_elsewhere);
  const uint64_t store_at = kStoreOffset + (elsewhere ? kPageSize : 0);
  fill_pattern(base + store_at, kStoreLength, kSeed, kStoreOffset);
  pmem2_get_persist_fn(map.get())(base + store_at, kStoreLength);
  const bool outside = ctx.injected(pmem2_faults(), Pmem2Fault::deep_flush_outside);
  uint8_t* flush_at = outside ? base + kLength : base + kStoreOffset;
  double start = monotonic_seconds();
  int rc = pmem2_deep_flush(map.get(), flush_at, kStoreLength);
  ctx.metric("deep_flush_time", (monotonic_seconds() - start) * 1e3, "ms");
  DT_EXPECT(rc == 0) << "pmem2_deep_flush over the " << kStoreLength
                     << " bytes just persisted returned " << pmem2_error(rc);

  std::optional<Mismatch> bad;
  std::string second_path = "through pread of the file";
  if (mapped_fd != fd) {
    bad = verify_file_pattern(mapped_fd, kStoreOffset, kStoreLength, kSeed);  // the memfd's data
    second_path = "through pread of the page-cache file mapped instead";
  } else if (devdax) {
    second_path = "through a second mapping of the device";
    auto* second = static_cast<uint8_t*>(map_aligned(fd, kLength, env.dax_align, PROT_READ, MAP_SHARED));
    bad = find_mismatch(second + kStoreOffset, kStoreLength, kSeed, kStoreOffset);
    DT_SYS(munmap(second, kLength));
  } else {
    bad = verify_file_pattern(fd, kStoreOffset, kStoreLength, kSeed);
  }
  DT_EXPECT(!bad) << "the data stored and persisted through libpmem2 reads back differently "
                  << second_path << ": " << bad->describe();
  if (mapped_fd != fd) close(mapped_fd);
  close(fd);
}

}  // namespace dt::workloads
