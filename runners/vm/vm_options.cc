#include "runners/vm/vm_options.h"

#include "core/errors.h"
#include "core/kernel_info.h"
#include "runners/kernel/kernel_build.h"

namespace dt {

const char* const kGuestKernelHelp = R"(kernel:
  --kernel-package NAME  a Debian kernel package (fetched from the archive if
                         needed) or an alias made by set-up: default, 6.12, 6.1
  --kernel IMAGE         a bzImage you built
  --modules DIR          its modules: INSTALL_MOD_PATH folder or
                         lib/modules/RELEASE (default /lib/modules/RELEASE)
  --tree DIR             a kernel git tree: built first as 'daxtorture build
                         --tree DIR' does (cached by commit and config), then
                         booted; run.json and kcidb.json name its commit,
                         describe string and config hash
  --lean                 with --tree: build with 'daxtorture build --lean'
)";

const char* const kGuestMachineHelp = R"(  --results DIR          parent folder of run folders (default: ./results)
  --run-id ID            name of the run folder (default: time and kernel)
  --profile FILE         machine profile (default: vm-configs/default.profile)
  --accel auto|tcg|kvm   accelerator (default auto: KVM only when the CPU has
                         vmx/svm and a probe boot succeeds)
  --nvdimm FILE          NVDIMM backing file to use and keep (default: a new
                         sparse file in the run folder, deleted afterwards)
  --quiet                no progress lines on stderr
)";

bool parse_guest_option(Args& args, const std::string& option, GuestOptions& options) {
  if (option == "--kernel-package") options.kernel_package = args.value(option);
  else if (option == "--kernel") options.kernel_image = args.value(option);
  else if (option == "--modules") options.modules = args.value(option);
  else if (option == "--tree") options.tree = args.value(option);
  else if (option == "--lean") options.lean = true;
  else if (option == "--results") options.results = args.value(option);
  else if (option == "--run-id") options.run_id = args.value(option);
  else if (option == "--profile") options.profile = args.value(option);
  else if (option == "--accel") options.accel = args.value(option);
  else if (option == "--nvdimm") options.nvdimm = args.value(option);
  else if (option == "--quiet") options.quiet = true;
  else return false;
  return true;
}

void check_guest_options(const GuestOptions& options) {
  if (options.accel != "auto" && options.accel != "tcg" && options.accel != "kvm")
    throw UsageError("--accel takes auto, tcg or kvm, not '" + options.accel + "'");
  if (!options.modules.empty() && options.kernel_image.empty())
    throw UsageError("--modules goes with --kernel IMAGE");
  if (!options.tree.empty() && !options.kernel_image.empty())
    throw UsageError("--tree builds its own kernel; drop --kernel (or --tree)");
  if (options.lean && options.tree.empty()) throw UsageError("--lean goes with --tree DIR");
}

namespace {
// `--tree DIR`: build (or find the cached build of) the tree's HEAD.
GuestKernel kernel_of_tree(const std::string& tree, bool lean, bool coverage, bool quiet) {
  BuildRequest request;
  request.tree = tree;
  request.recipe.lean = lean;
  request.recipe.coverage = coverage;
  request.recipe.fragment = default_fragment_path();
  request.quiet = quiet;
  KernelBuild build;
  try {
    build = build_kernel(request);
  } catch (const BuildFailed& failure) {
    throw SetupError(std::string("the tree's kernel did not build: ") + failure.what());
  }
  GuestKernel kernel = locate_kernel_image(build.image, build.module_root);
  kernel.label = "tree " + build.origin.tree + " at " + build.origin.describe;
  return kernel;
}

// --coverage reads the kernel's gcov counters with the notes its build kept.
void require_coverage_build(const GuestKernel& kernel) {
  auto config = kernel.config.empty() ? std::nullopt : KernelConfig::load(kernel.config);
  bool gcov = config && config->satisfies("CONFIG_GCOV_KERNEL=y");
  if (!kernel.coverage_notes.empty() && gcov) return;
  throw UsageError("--coverage: " + kernel.label + " was not built for coverage (" +
                   (kernel.coverage_notes.empty() ? std::string("no gcov notes beside its image")
                                                  : "its .config lacks CONFIG_GCOV_KERNEL=y") +
                   "); fix: --tree DIR --coverage builds one, or 'daxtorture build --tree DIR --coverage' "
                   "and then --kernel ENTRY/bzImage");
}
}  // namespace

GuestKernel locate_guest_kernel(const GuestOptions& options) {
  GuestKernel kernel = !options.tree.empty() ? kernel_of_tree(options.tree, options.lean, options.coverage, options.quiet)
                       : options.kernel_image.empty()
                           ? locate_debian_kernel(options.kernel_package)
                           : locate_kernel_image(options.kernel_image, options.modules);
  require_pmem_support(kernel);
  if (options.coverage) require_coverage_build(kernel);
  return kernel;
}

}  // namespace dt
