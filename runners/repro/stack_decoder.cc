#include "runners/repro/stack_decoder.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

#include "core/command.h"
#include "core/text_file.h"

namespace fs = std::filesystem;

namespace dt {

namespace {

// Frames every stack passes through: they name no culprit, and their
// maintainers are not the ones to ask.
bool generic_file(const std::string& file) {
  static const std::vector<std::string> generic = {
      "arch/x86/entry/", "kernel/kthread.c", "kernel/workqueue.c", "arch/x86/kernel/process.c",
      "kernel/entry/", "arch/x86/mm/fault.c", "arch/x86/kernel/traps.c", "lib/dump_stack.c",
      "kernel/panic.c", "block/blk-core.c", "arch/x86/include/", "include/"};
  for (const auto& prefix : generic)
    if (file.rfind(prefix, 0) == 0) return true;
  return false;
}

void add_file(std::vector<std::string>& files, const std::string& file) {
  if (!generic_file(file) && std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
}

}  // namespace

std::vector<std::string> files_named_in(const std::string& text) {
  static const std::regex file_line(R"(((?:arch|block|drivers|fs|include|io_uring|kernel|lib|mm|net|security)/[A-Za-z0-9_./-]+\.[ch]):[0-9]+)");
  std::vector<std::string> files;
  for (std::sregex_iterator it(text.begin(), text.end(), file_line), end; it != end; ++it) add_file(files, (*it)[1]);
  return files;
}

DecodedStack decode_stack(const std::string& excerpt, const std::string& release, const std::string& debug_dir,
                          const std::string& source_tree, const std::string& package) {
  DecodedStack decoded;
  decoded.text = excerpt;
  decoded.files = files_named_in(excerpt);
  const std::string vmlinux = debug_dir + "/usr/lib/debug/boot/vmlinux-" + release;
  const std::string modules = debug_dir + "/usr/lib/debug/lib/modules/" + release;
  if (debug_dir.empty() || !fs::exists(vmlinux)) {
    decoded.note = "not decoded: no vmlinux with debug info for " + release + " (" + vmlinux +
                   "); fix: tools/fetch-kernel --dbg " + package;
    return decoded;
  }
  const std::string script = source_tree + "/scripts/decode_stacktrace.sh";
  if (source_tree.empty() || !fs::exists(script)) {
    decoded.note = "not decoded: no kernel source tree with scripts/decode_stacktrace.sh (" + source_tree +
                   "); fix: --source TREE, a tree of " + release;
    return decoded;
  }
  const std::string input = "/tmp/daxtorture-stack-" + std::to_string(getpid()) + ".txt";
  write_text_file(input, excerpt);
  // base_path "auto" lets the script strip the build's own path prefix;
  // the modules folder holds Debian's .ko files with debug info.
  CommandResult result = run_command({"sh", "-c", "bash \"$1\" \"$2\" auto \"$3\" < \"$4\" 2>&1", "sh", script,
                                      vmlinux, modules, input},
                                     std::chrono::seconds(600));
  fs::remove(input);
  if (result.exit_status != 0 || result.output.empty()) {
    decoded.note = "not decoded: decode_stacktrace.sh failed (status " + std::to_string(result.exit_status) + ")";
    return decoded;
  }
  decoded.text = result.output;
  // Debian's objects name files by the build's absolute path: keep them
  // relative to the source root, as the lists know them.
  static const std::regex build_root(R"((/build/[^ ]*?/linux-[0-9][^/ ]*/|/usr/src/linux[^/ ]*/))");
  decoded.text = std::regex_replace(decoded.text, build_root, "");
  decoded.files = files_named_in(decoded.text);
  for (const auto& file : files_named_in(excerpt)) add_file(decoded.files, file);
  std::istringstream lines(decoded.text);
  std::string line;
  int undecoded = 0;
  static const std::regex frame(R"(^\[ *[0-9.]+\] +(\? )?[A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+/0x[0-9a-f]+)");
  static const std::regex has_file(R"(\.[ch]:[0-9]+)");
  while (std::getline(lines, line))
    if (std::regex_search(line, frame) && !std::regex_search(line, has_file)) ++undecoded;
  if (undecoded > 0)
    decoded.note = std::to_string(undecoded) + " frame(s) left without file:line (no debug info found for them)";
  return decoded;
}

}  // namespace dt
