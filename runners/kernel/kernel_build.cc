#include "runners/kernel/kernel_build.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "runners/kernel/coverage_objects.h"
#include "runners/kernel/git_tree.h"
#include "runners/kernel/logged_process.h"
#include "core/sha256.h"
#include "runners/results/progress.h"
#include "runners/kernel/kernel_locator.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
struct Tool {
  const char* program;   // or a header, when it starts with '/'
  const char* package;
};
const Tool kBuildTools[] = {
    {"make", "make"},           {"gcc", "gcc"},
    {"flex", "flex"},           {"bison", "bison"},
    {"bc", "bc"},               {"perl", "perl"},
    {"depmod", "kmod"},         {"/usr/include/libelf.h", "libelf-dev"},
    {"/usr/include/openssl/ssl.h", "libssl-dev"},
};

// The value of a string option of a .config, without its quotes.
std::string config_string(const std::string& config, const std::string& name) {
  size_t at = config.find("\n" + name + "=\"");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 3, end = config.find('"', start);
  return end == std::string::npos ? "" : config.substr(start, end - start);
}

std::string common_ancestor(const fs::path& a, const fs::path& b) {
  fs::path common;
  auto ia = a.begin(), ib = b.begin();
  for (; ia != a.end() && ib != b.end() && *ia == *ib; ++ia, ++ib) common /= *ia;
  return common.string();
}

double free_gib(const std::string& dir) {
  struct statvfs info {};
  if (statvfs(dir.c_str(), &info) != 0) return -1;
  return static_cast<double>(info.f_bavail) * info.f_frsize / (1024.0 * 1024 * 1024);
}

// Objects compiled so far ("  CC  " lines) and the last one, for progress.
std::string compile_progress(const std::string& log) {
  std::ifstream in(log);
  std::string line, last;
  long count = 0;
  while (std::getline(in, line))
    if (line.rfind("  CC ", 0) == 0) {
      ++count;
      last = line;
    }
  size_t name = last.find_last_of(' ');
  return std::to_string(count) + " objects" +
         (count ? ", last " + last.substr(name == std::string::npos ? 0 : name + 1) : "");
}

// The lines of a failed build's log that say why, else its end.
std::string failure_lines(const std::string& log) {
  std::ifstream in(log);
  std::string line, errors;
  int kept = 0;
  while (std::getline(in, line))
    if ((line.find("error:") != std::string::npos || line.find("Error ") != std::string::npos) && kept < 6) {
      errors += "  " + line + "\n";
      ++kept;
    }
  return errors.empty() ? file_tail(log, 8) : errors;
}

class Phases {
 public:
  explicit Phases(bool quiet) : quiet_(quiet), start_(std::chrono::steady_clock::now()) {}
  void say(const std::string& what) const {
    if (!quiet_)
      std::cerr << "daxtorture build: [" << Progress::format_elapsed(seconds_since(start_)) << "] "
                << what << std::endl;
  }
  double elapsed() const { return seconds_since(start_); }

 private:
  bool quiet_;
  std::chrono::steady_clock::time_point start_;
};
}  // namespace

std::string ccache_dir() { return fs::path(kernel_cache_dir()).parent_path().string() + "/ccache"; }

void require_build_tools() {
  for (const auto& tool : kBuildTools) {
    bool present = tool.program[0] == '/' ? fs::exists(tool.program) : program_available(tool.program);
    if (!present)
      throw UsageError(std::string("cannot build kernels: ") +
                       (tool.program[0] == '/' ? "the header " : "") + tool.program +
                       " is missing; fix: apt-get install " + tool.package +
                       " (all: build-essential flex bison bc libelf-dev libssl-dev kmod ccache)");
  }
}

void write_kernel_origin(const std::string& path, const KernelOrigin& o) {
  std::string text = "kind: " + o.kind + "\ntree: " + o.tree + "\nrepository_url: " + o.repository_url +
                     "\nbranch: " + o.branch + "\ncommit: " + o.commit + "\ndescribe: " + o.describe +
                     "\nconfig_sha256: " + o.config_sha256 + "\nconfig_name: " + o.config_name +
                     "\ncompiler: " + o.compiler + "\narchitecture: " + o.architecture + "\n";
  write_text_file(path, text);
}

KernelOrigin read_kernel_origin(const std::string& path) {
  KernelOrigin o;
  std::istringstream lines(read_text_file(path).value_or(""));
  std::string line;
  while (std::getline(lines, line)) {
    size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon), value = line.substr(colon + 2);
    if (key == "kind") o.kind = value;
    else if (key == "tree") o.tree = value;
    else if (key == "repository_url") o.repository_url = value;
    else if (key == "branch") o.branch = value;
    else if (key == "commit") o.commit = value;
    else if (key == "describe") o.describe = value;
    else if (key == "config_sha256") o.config_sha256 = value;
    else if (key == "config_name") o.config_name = value;
    else if (key == "compiler") o.compiler = value;
    else if (key == "architecture") o.architecture = value;
  }
  return o;
}

namespace {
// The O= folder of the tree and base config, with room for a build.
std::string object_tree(const GitTree& tree, const BuildRequest& request, const std::string& cache) {
  make_directories(cache + "/obj");
  std::string objtree = cache + "/obj/" + fs::path(tree.path()).filename().string() + "-" +
                        sha256_hex(tree.path()).substr(0, 8) + "-" + request.recipe.base_key();
  // A cold build needs about 3 GB of objects plus the ccache; a warm one little.
  double needed = fs::exists(objtree + "/vmlinux") ? 1.0 : 6.0;
  double free = free_gib(cache);
  if (free >= 0 && free < needed)
    throw UsageError("no space for a kernel build: " + std::to_string(static_cast<int>(free)) +
                     " GiB free in " + cache + ", a " + (needed > 1 ? "first" : "") + " build needs about " +
                     std::to_string(static_cast<int>(needed)) + " GiB; fix: free space there or point "
                     "DAXTORTURE_CACHE at a bigger disk");
  make_directories(objtree);
  return objtree;
}

// The make command every step shares, with ccache set up for it.
std::vector<std::string> make_command(const GitTree& tree, const BuildRequest& request, const std::string& objtree,
                                      int jobs, const Phases& phases) {
  std::string ancestor = common_ancestor(tree.path(), objtree);
  std::vector<std::string> make;
  if (request.nice > 0) make = {"nice", "-n", std::to_string(request.nice)};
  std::vector<std::string> variables = {
      "make", "-C", tree.path(), "O=" + objtree, "-j" + std::to_string(jobs),
      // One release string for every commit (see vm-configs/kernel.config).
      "LOCALVERSION=", "KBUILD_BUILD_USER=daxtorture", "KBUILD_BUILD_HOST=daxtorture",
      "KBUILD_BUILD_TIMESTAMP=" + tree.commit_date("HEAD")};
  bool ccache = program_available("ccache");
  if (ccache) variables.push_back("CC=ccache gcc");
  if (request.recipe.coverage)
    for (auto& variable : coverage_make_variables(kCoverageObjects)) variables.push_back(variable);
  make.insert(make.end(), variables.begin(), variables.end());
  // Every O= folder sits at the same depth, so with paths made relative to
  // the common ancestor a folder of another tree or base hits the cache.
  setenv("CCACHE_DIR", ccache_dir().c_str(), 1);
  setenv("CCACHE_BASEDIR", ancestor.empty() ? "/" : ancestor.c_str(), 1);
  setenv("CCACHE_NOHASHDIR", "1", 1);
  setenv("CCACHE_MAXSIZE", "20G", 1);
  if (!ccache) phases.say("ccache is not installed: every build compiles from scratch; fix: apt-get install ccache");
  return make;
}

// Configures the tree; returns the .config, which must keep every option
// of the recipe's fragment.
std::string configure(const GitTree& tree, const BuildRequest& request, const std::vector<std::string>& make,
                      const std::string& objtree, const std::string& log) {
  try {
    make_kernel_config(make, request.recipe, objtree, log);
  } catch (const SetupError& error) {
    throw BuildFailed(error.what());
  }
  std::string config_text = read_text_file(objtree + "/.config").value_or("");
  std::string fragment_text = read_text_file(request.recipe.fragment).value_or("");
  if (request.recipe.coverage) fragment_text += read_text_file(coverage_fragment_path()).value_or("");
  auto dropped = dropped_options(tree.path(), fragment_text, config_text);
  if (!dropped.empty()) {
    std::string list;
    for (const auto& option : dropped) list += (list.empty() ? "" : ", ") + option;
    throw UsageError("the kernel config lost " + std::to_string(dropped.size()) + " option(s) of " +
                     request.recipe.fragment + ": " + list + "; fix: add what they depend on to "
                     "that fragment (or to --base-config)");
  }
  return config_text;
}

// Where the build goes in the cache (by commit, local changes and
// config), and what run.json will say of its kernel.
// `commit` and `dirty`: the tree as it was before the build began.
KernelBuild planned_build(const GitTree& tree, const BuildRequest& request, const std::string& cache,
                          const std::string& commit, bool dirty, const std::string& config_text) {
  std::string config_sha = sha256_hex(config_text);
  std::string key = fs::path(tree.path()).filename().string() + "-" + commit.substr(0, 12) +
                    (dirty ? "-dirty-" + tree.diff_sha256().substr(0, 8) : "") + "-" + config_sha.substr(0, 12);
  KernelBuild build;
  build.entry = cache + "/" + key;
  build.image = build.entry + "/bzImage";
  build.module_root = build.entry + "/modules";
  build.config = build.entry + "/.config";
  build.log = build.entry + "/build.log";

  KernelOrigin& origin = build.origin;
  origin.kind = "tree";
  origin.tree = tree.path();
  origin.repository_url = tree.remote_url();
  origin.branch = tree.branch();
  origin.commit = commit;
  origin.describe = tree.describe() + (dirty ? "-dirty" : "");
  origin.config_sha256 = config_sha;
  origin.config_name = request.recipe.name();
  origin.compiler = config_string(config_text, "CONFIG_CC_VERSION_TEXT");
  origin.architecture = "x86_64";
  return build;
}

// Installs the modules and the image into ENTRY.partial, then renames it
// to ENTRY: a cache entry is whole or absent. A coverage build's entry
// also keeps its gcov notes and sources (coverage_objects.h).
void install_build(const std::vector<std::string>& make, const std::string& objtree, const std::string& log,
                   const GitTree& tree, const BuildRequest& request, KernelBuild& build) {
  std::string partial = build.entry + ".partial";
  fs::remove_all(partial);
  make_directories(partial + "/modules");
  std::vector<std::string> install = make;
  install.insert(install.end(), {"INSTALL_MOD_PATH=" + partial + "/modules", "INSTALL_MOD_STRIP=1",
                                 "modules_install"});
  int status = run_logged({install, "", {}, log, nullptr, 30});
  if (status != 0)
    throw BuildFailed("modules_install of " + build.origin.describe + " failed (exit " +
                      std::to_string(status) + "):\n" + file_tail(log, 8) + "whole log: " + log);
  build.release = chomp(read_text_file(objtree + "/include/config/kernel.release").value_or(""));
  // modules_install links build/ to the O= folder, which the next step rebuilds.
  fs::remove(partial + "/modules/lib/modules/" + build.release + "/build");
  fs::copy_file(objtree + "/arch/x86/boot/bzImage", partial + "/bzImage");
  fs::copy_file(objtree + "/.config", partial + "/.config");
  fs::copy_file(log, partial + "/build.log");
  write_kernel_origin(partial + "/kernel-origin.txt", build.origin);
  if (request.recipe.coverage) keep_coverage_notes(objtree, tree.path(), partial + "/gcov");
  write_text_file(partial + "/complete", "");
  fs::remove_all(build.entry);
  fs::rename(partial, build.entry);
}
}  // namespace

KernelBuild build_kernel(const BuildRequest& request) {
  // The tree first: a wrong path is the user's first mistake to hear of,
  // whatever this machine lacks to build it.
  GitTree tree(request.tree);
  require_build_tools();
  Phases phases(request.quiet);
  std::string cache = kernel_cache_dir() + "/builds";
  std::string objtree = object_tree(tree, request, cache);
  std::string commit = tree.head();
  bool dirty = tree.dirty();
  std::string log = objtree + "/daxtorture-build.log";
  write_text_file(log, "");
  int jobs = request.jobs > 0 ? request.jobs : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  std::vector<std::string> make = make_command(tree, request, objtree, jobs, phases);

  phases.say("configuring " + request.recipe.name() + " in " + objtree);
  std::string config_text = configure(tree, request, make, objtree, log);
  KernelBuild build = planned_build(tree, request, cache, commit, dirty, config_text);
  // A coverage entry is whole only with its gcov notes (older entries lack them).
  if (fs::exists(build.entry + "/complete") && (!request.recipe.coverage || fs::exists(build.entry + "/gcov"))) {
    build.reused = true;
    build.release = bzimage_release(build.image);
    phases.say("reusing the build of " + build.origin.describe + " in " + build.entry);
    return build;
  }
  phases.say("compiling bzImage and modules of " + build.origin.describe + " with -j" + std::to_string(jobs) +
             " (log: " + log + ")");
  std::vector<std::string> compile = make;
  compile.insert(compile.end(), {"bzImage", "modules"});
  int status = run_logged({compile, "", {}, log,
                           [&](double) { phases.say("compiling: " + compile_progress(log)); }, 60});
  if (status != 0)
    throw BuildFailed("building " + build.origin.describe + " failed (make exit " + std::to_string(status) +
                      "):\n" + failure_lines(log) + "whole log: " + log);
  phases.say("installing modules");
  install_build(make, objtree, log, tree, request, build);
  build.seconds = phases.elapsed();
  phases.say("built " + build.release + " (" + build.origin.describe + ") in " + whole_seconds(build.seconds) +
             " s: " + build.entry);
  return build;
}

}  // namespace dt
