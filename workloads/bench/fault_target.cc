#include "workloads/bench/fault_target.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstring>

#include "core/errors.h"
#include "core/text_file.h"
#include "fixtures/dax_filesystem.h"
#include "fixtures/page_cache_filesystem.h"
#include "workloads/lib/pattern_file.h"

namespace dt::bench {

namespace {
constexpr const char* kShmDir = "/dev/shm";
constexpr uint64_t kSeed = 0xBE7C;

[[noreturn]] void fail(const std::string& what) { throw SetupError(what + ": " + strerror(errno)); }

std::string filesystem_for(MappingKind kind) {
  switch (kind) {
    case MappingKind::fsdax_xfs: return "xfs";
    case MappingKind::fsdax_ext4: return "ext4";
    case MappingKind::xfs_pagecache: return "xfs-pagecache";
    default: return "";
  }
}
}  // namespace

TargetStore::TargetStore(PmemDevices devices, std::string mount_point)
    : devices_(std::move(devices)), mount_point_(std::move(mount_point)) {}

TargetStore::~TargetStore() {
  // tmpfs files would hold their memory until the next boot.
  for (auto& [path, fd] : files_)
    if (path.rfind(kShmDir, 0) == 0) unlink(path.c_str());
  close_files();
  for (auto& [path, fd] : devices_open_) close(fd);
  dax_fs_.reset();
  page_cache_fs_.reset();
}

bool TargetStore::available(MappingKind kind) const {
  switch (kind) {
    case MappingKind::anon:
    case MappingKind::tmpfs: return true;
    case MappingKind::devdax_2m: return !devices_.devdax_2m.empty();
    case MappingKind::devdax_1g: return !devices_.devdax_1g.empty();
    default: return !devices_.fsdax_block.empty();
  }
}

uint64_t TargetStore::region_length(const FaultCase& c) { return faults_per_thread(c) * c.fault_size; }

std::string TargetStore::file_name(const FaultCase& c, int thread) {
  return "bench-" + size_name(c.fault_size) + "-" + std::to_string(region_length(c) >> 12) + "p-t" +
         std::to_string(thread) + (c.touch == Touch::first ? "-fresh" : "-data");
}

void TargetStore::close_files() {
  for (auto& [path, fd] : files_) close(fd);
  files_.clear();
}

void TargetStore::use_filesystem(const std::string& name) {
  if (current_fs_ == name) return;
  close_files();
  dax_fs_.reset();
  page_cache_fs_.reset();
  current_fs_.clear();
  if (name == "xfs-pagecache") {
    page_cache_fs_ = std::make_unique<fixtures::PageCacheFilesystem>("xfs", devices_.fsdax_block, mount_point_);
    fs_dir_ = page_cache_fs_->test_dir();
  } else {
    dax_fs_ = std::make_unique<fixtures::DaxFilesystem>(name, devices_.fsdax_block, mount_point_);
    fs_dir_ = dax_fs_->test_dir();
  }
  current_fs_ = name;
  // The files with data go down first, on the empty filesystem, where the
  // allocator gives them 2 MiB-aligned extents. Made later, after the
  // fresh files' truncate and fallocate churn, the 2 MiB ext4 data file
  // once had a 2 MiB range that only took 4 KiB faults (MAP_POPULATE
  // reported 527 faults for 16 PMDs, on 6.1 and 6.12).
  for (uint64_t size : {4096ull, 2ull << 20})
    for (int thread : {0, 1}) {
      FaultCase c{MappingKind::fsdax_xfs, size, false, false, Touch::populate, 1};
      file(fs_dir_, file_name(c, thread), region_length(c), false, false);
    }
}

// A file of `length` bytes. Fresh: emptied and given back its size, so that
// nothing of it was ever touched (on DAX: fallocated, unwritten extents; in
// the page cache: just written through write(2), as a program that
// writes, then maps would have it). Otherwise written once with data and
// kept.
int TargetStore::file(const std::string& dir, const std::string& name, uint64_t length, bool fresh,
                      bool dax) {
  const std::string path = dir + "/" + name;
  auto it = files_.find(path);
  if (it == files_.end()) {
    int fd = fresh ? open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
                   : workloads::create_pattern_file(path, length, kSeed);
    if (fd < 0) fail("open " + path);
    it = files_.emplace(path, fd).first;
    if (!fresh) return fd;
  } else if (!fresh) {
    return it->second;
  }
  int fd = it->second;
  if (ftruncate(fd, 0) != 0) fail("ftruncate " + path);
  if (dax) {
    if (fallocate(fd, 0, 0, static_cast<off_t>(length)) != 0) fail("fallocate " + path);
  } else if (dir == kShmDir) {
    // tmpfs: a hole is a page never allocated.
    if (ftruncate(fd, static_cast<off_t>(length)) != 0) fail("ftruncate " + path);
  } else {
    std::string zeros(1 << 20, '\0');
    for (uint64_t done = 0; done < length; done += zeros.size())
      if (pwrite(fd, zeros.data(), std::min<uint64_t>(zeros.size(), length - done),
                 static_cast<off_t>(done)) < 0)
        fail("write " + path);
  }
  // Every run starts from a quiesced filesystem: freezing writes back the
  // log and the metadata behind it, so the log is empty again, and runs on
  // either kernel start alike. With only a syncfs here, 4 KiB first-write
  // faults on xfs (one unwritten-extent conversion each) went from about
  // 60 to 240 us per fault over the first four repetitions of a run and
  // stayed there (a syncfs does not move the log tail). tmpfs has nothing
  // to quiesce.
  if (dir != kShmDir) {
    if (ioctl(fd, FIFREEZE, 0) != 0) fail("FIFREEZE " + path);
    if (ioctl(fd, FITHAW, 0) != 0) fail("FITHAW " + path);
  }
  return fd;
}

Target TargetStore::prepare(const FaultCase& c, int thread) {
  std::lock_guard<std::mutex> lock(mutex_);
  Target target;
  target.length = region_length(c);
  const bool fresh = c.touch == Touch::first;
  const std::string name = file_name(c, thread);
  switch (c.kind) {
    case MappingKind::anon:
      target.shared = false;
      return target;
    case MappingKind::tmpfs: {
      struct statfs info {};
      if (statfs(kShmDir, &info) != 0 || info.f_type != TMPFS_MAGIC)
        throw SetupError(std::string(kShmDir) + " is not a tmpfs here");
      target.fd = file(kShmDir, "daxtorture-" + name, target.length, fresh, false);
      return target;
    }
    case MappingKind::devdax_2m:
    case MappingKind::devdax_1g: {
      const std::string& device = c.kind == MappingKind::devdax_2m ? devices_.devdax_2m : devices_.devdax_1g;
      auto it = devices_open_.find(device);
      if (it == devices_open_.end()) {
        int fd = open(device.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) fail("open " + device);
        it = devices_open_.emplace(device, fd).first;
      }
      target.fd = it->second;
      target.offset = static_cast<uint64_t>(thread) * target.length;
      return target;
    }
    default:
      use_filesystem(filesystem_for(c.kind));
      target.fd = file(fs_dir_, name, target.length, fresh, is_dax(c.kind));
      return target;
  }
}

}  // namespace dt::bench
