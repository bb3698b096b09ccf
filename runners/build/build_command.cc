#include "runners/build/build_command.h"

#include <iostream>

#include "core/errors.h"
#include "runners/kernel/kernel_build.h"

namespace dt {

const char* const kBuildHelp = R"(usage: daxtorture build --tree DIR [OPTIONS]

Builds the kernel of a git tree for 'daxtorture vm': out of tree (O=), with
ccache, and caches the result by commit and .config, so that building the
same commit again costs nothing and the next commit rebuilds only what
changed. Uncommitted changes are built too (the cache key then carries a
hash of the diff).

The .config: a small base (x86_64_defconfig + kvm_guest.config, or
--base-config FILE), the suite's fragment vm-configs/kernel.config merged
over it, then olddefconfig. Every option of the fragment must keep its
value; when Kconfig drops one (an unmet dependency), the build stops and
names the options and what they depend on.

options:
  --tree DIR             the kernel's git tree (required); left as it is
  --base-config FILE     a .config to start from instead of the defconfigs
  --config-fragment FILE the options the suite needs (default:
                         vm-configs/kernel.config)
  --lean                 also merge vm-configs/kernel-lean.config over the
                         base (no graphics, sound, USB, wireless, network
                         cards, SCSI/ATA, NFS, ...): about half the objects
                         of a cold build; a folder and cache of its own
  --coverage             also merge vm-configs/kernel-coverage.config (gcov)
                         and profile the DAX code's objects (fs/dax.c,
                         drivers/dax, mm's DAX paths, io_uring/rsrc.c, the
                         break-layout paths of XFS and ext4), for 'daxtorture
                         vm --coverage'; a folder and cache of its own
  -j, --jobs N           parallel compile jobs (default: one per CPU)
  --nice N               niceness of the build (default 10: guests and other
                         users of the machine come first); 0 to disable
  --quiet                no progress lines on stderr

Progress (phase, elapsed) goes to stderr; the build's output to
CACHE/builds/obj/.../daxtorture-build.log, kept as build.log in the entry.
Cache: /var/cache/daxtorture/kernels/builds (DAXTORTURE_CACHE moves it),
ccache in /var/cache/daxtorture/ccache (20 GB).

stdout: three lines, "kernel: PATH", "modules: PATH", "config: PATH", for
'daxtorture vm --kernel PATH --modules PATH' (or use 'vm --tree DIR').

exit status: 0 built (or found in the cache), 1 the kernel did not build
(its error lines are shown), 2 usage or environment error (not a git tree,
a missing compiler or library, a config that lost options, no space).
)";

int build_main(Args& args) {
  BuildRequest request;
  request.recipe.fragment = default_fragment_path();
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture build' takes options only (--tree DIR)");
    if (*option == "--tree") request.tree = args.value(*option);
    else if (*option == "--base-config") request.recipe.base_config = args.value(*option);
    else if (*option == "--config-fragment") request.recipe.fragment = args.value(*option);
    else if (*option == "-j" || *option == "--jobs") request.jobs = static_cast<int>(args.positive_number(*option));
    else if (*option == "--nice") request.nice = static_cast<int>(std::stol(args.value(*option)));
    else if (*option == "--quiet") request.quiet = true;
    else if (*option == "--lean") request.recipe.lean = true;
    else if (*option == "--coverage") request.recipe.coverage = true;
    else unknown_option("build", *option);
  }
  if (request.tree.empty()) throw UsageError("--tree DIR is required: the kernel git tree to build");
  try {
    KernelBuild build = build_kernel(request);
    std::cout << "kernel: " << build.image << "\nmodules: " << build.module_root << "\nconfig: " << build.config
              << std::endl;
    return 0;
  } catch (const BuildFailed& failure) {
    std::cerr << "daxtorture build: " << failure.what() << "\n";
    return 1;
  }
}

}  // namespace dt
