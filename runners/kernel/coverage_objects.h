// Which objects a coverage build ('daxtorture build --coverage') profiles
// with gcov: the DAX code and the paths that reach it. kbuild takes
// GCOV_PROFILE_<stem>.o per object; given on make's command line it holds in
// every folder, so the tree's Makefiles stay as they are. A bare stem would
// also profile its namesakes, and some of those must never carry gcov:
// arch/x86/boot/memory.o is linked without the kernel's gcov runtime
// ("undefined reference to `__gcov_init'" ended the first 7.3 build). So
// each stem's value is a make expression that says y only in the folders
// listed here (see coverage_make_variables in kernel_build.cc).
#pragma once

#include <string>
#include <vector>

namespace dt {

// Objects profiled, by their path in the object tree.
inline const std::vector<std::string> kCoverageObjects = {
    "fs/dax.o",           "drivers/dax/device.o",   "drivers/dax/bus.o",   "drivers/dax/super.o",
    "drivers/nvdimm/pmem.o",
    "mm/memremap.o",      "mm/huge_memory.o",       "mm/memory.o",         "mm/gup.o",
    "mm/pgtable-generic.o", "mm/mremap.o",          "mm/mprotect.o",       "mm/madvise.o",
    "mm/truncate.o",      "mm/memory-failure.o",
    "io_uring/rsrc.o",                                                      // io_uring fixed buffers
    "fs/xfs/xfs_file.o",  "fs/xfs/xfs_inode.o",     "fs/xfs/xfs_iops.o",   "fs/xfs/xfs_notify_failure.o",
    "fs/xfs/xfs_pnfs.o",
    "fs/ext4/inode.o",    "fs/ext4/extents.o",                              // ext4 break-layout paths
};

// Source files (relative to the tree) the coverage report covers, in report order.
inline const std::vector<std::string> kCoverageFiles = {
    "fs/dax.c",           "drivers/dax/device.c",    "drivers/dax/bus.c",    "drivers/dax/super.c",
    "mm/memremap.c",      "mm/huge_memory.c",        "mm/memory.c",          "mm/gup.c",
    "mm/pgtable-generic.c", "mm/mremap.c",           "mm/madvise.c",         "mm/memory-failure.c",
    "mm/truncate.c",      "io_uring/rsrc.c",         "fs/xfs/xfs_file.c",    "fs/xfs/xfs_inode.c",
    "fs/xfs/xfs_iops.c",  "fs/xfs/xfs_notify_failure.c", "fs/ext4/inode.c", "fs/ext4/extents.c",
};

// make's command-line variables that profile exactly kCoverageObjects, e.g.
// GCOV_PROFILE_memory.o=$(if $(filter mm,$(obj)),y,n): a command-line
// variable is expanded where kbuild reads it, with $(obj) the folder being
// built, so mm/memory.o gets gcov and arch/x86/boot/memory.o does not.
std::vector<std::string> coverage_make_variables(const std::vector<std::string>& objects);

// What a coverage build keeps in its cache entry, so that the entry alone
// can be reported on after the O= folder has moved on to another commit:
//   DEST/objtree          the O= path the kernel was built in (the guest's
//                         gcov/ tree repeats it)
//   DEST/notes/OBJ.gcno   the gcov notes of each profiled object
//   DEST/source/FILE      the sources of kCoverageFiles, for the HTML
// An object the config did not build is left out.
void keep_coverage_notes(const std::string& objtree, const std::string& tree, const std::string& dest);

}  // namespace dt
