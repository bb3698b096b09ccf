// Which objects a coverage build ('daxtorture build --coverage') profiles
// with gcov: the DAX code and the paths that reach it. kbuild takes
// GCOV_PROFILE_<stem>.o=y per object; given on make's command line it holds
// in every folder, so the tree's Makefiles stay as they are. A stem names
// every object of that name (fs/inode.o as well as fs/ext4/inode.o): the
// reports keep only the files of kCoverageFiles.
#pragma once

#include <string>
#include <vector>

namespace dt {

// Object stems passed as GCOV_PROFILE_<stem>.o=y.
inline const std::vector<std::string> kCoverageObjects = {
    "dax",        "device",        "bus",      "super",       "pmem",        // fs/dax.c, drivers/dax, nvdimm
    "memremap",   "huge_memory",   "memory",   "gup",         "pgtable-generic",
    "mremap",     "mprotect",      "madvise",  "truncate",    "memory-failure",
    "rsrc",                                                                   // io_uring fixed buffers
    "xfs_file",   "xfs_inode",     "xfs_iops", "xfs_notify_failure", "xfs_pnfs",
    "inode",      "extents",                                                  // ext4 break-layout paths
};

// Source files (relative to the tree) the coverage report covers, in report order.
inline const std::vector<std::string> kCoverageFiles = {
    "fs/dax.c",           "drivers/dax/device.c",    "drivers/dax/bus.c",    "drivers/dax/super.c",
    "mm/memremap.c",      "mm/huge_memory.c",        "mm/memory.c",          "mm/gup.c",
    "mm/pgtable-generic.c", "mm/mremap.c",           "mm/madvise.c",         "mm/memory-failure.c",
    "mm/truncate.c",      "io_uring/rsrc.c",         "fs/xfs/xfs_file.c",    "fs/xfs/xfs_inode.c",
    "fs/xfs/xfs_iops.c",  "fs/xfs/xfs_notify_failure.c", "fs/ext4/inode.c", "fs/ext4/extents.c",
};

}  // namespace dt
