#include "runners/repro/upstream_report.h"

#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>

#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "runners/repro/failed_instance.h"
#include "runners/repro/stack_decoder.h"
#include "runners/results/results_store.h"
#include "runners/kernel/kernel_locator.h"
#include "runners/wire/guest_wire.h"

namespace fs = std::filesystem;

namespace dt {

namespace {

// The options a DAX report's reader asks about first.
const std::regex kRelevantOption(
    R"(^CONFIG_(ZONE_DEVICE|FS_DAX|FS_DAX_PMD|DEV_DAX[A-Z_]*|LIBNVDIMM|BLK_DEV_PMEM|ND_PFN|TRANSPARENT_HUGEPAGE|HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD|PREEMPT_DYNAMIC|BLK_DEV_RAM|DM_DELAY|XFS_FS|EXT4_FS)=.*)");

std::string file_or(const std::string& path, const std::string& fallback = "") {
  return read_text_file(path).value_or(fallback);
}

std::string indented(const std::string& text, const std::string& prefix = "  ") {
  std::istringstream lines(text);
  std::string line, out;
  while (std::getline(lines, line)) out += line.empty() ? "\n" : prefix + line + "\n";
  return out;
}

size_t line_count(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The instance's kernel log slice, from its first finding on (at most 120
// lines): what a reader needs, without the harness's set-up noise.
std::string console_excerpt(const FailedInstance& failed) {
  std::string slice = file_or(failed.instance_dir + "/dmesg.txt");
  if (slice.empty()) slice = file_or(failed.run_dir + "/console.log");
  std::istringstream lines(slice);
  std::vector<std::string> kept;
  std::string line;
  bool started = failed.instance.kernel_findings.empty();
  std::string first = started ? "" : failed.instance.kernel_findings.front().line;
  // The finding's text without its timestamp, to find it in the slice.
  static const std::regex stamp(R"(^\[ *[0-9.]+\] )");
  first = std::regex_replace(first, stamp, "");
  while (std::getline(lines, line)) {
    if (!started && line.find(first.substr(0, 40)) != std::string::npos) started = true;
    if (wire::read_console_line(line).kind == wire::ConsoleEvent::Kind::instance_begin) kept.push_back(line);
    else if (started) kept.push_back(line);
    // One report is enough: what follows the first trace's end repeats it
    // or comes from the wreck.
    if (kept.size() >= 120 || line.find("---[ end trace") != std::string::npos) break;
  }
  std::string excerpt;
  for (const auto& kept_line : kept) excerpt += kept_line + "\n";
  return excerpt;
}

// The reproducer's own console (FINDING/console.txt, a bundle boot's
// console.log): its lines and the kernel's from the first "repro:" line
// to the end of the first trace or to guest.sh's "kernel:" verdict. The
// release it ran on, from /init's "userspace ready, kernel R" line.
struct ReproducerConsole {
  std::string release, excerpt;
};

ReproducerConsole reproducer_console(const std::string& text) {
  ReproducerConsole console;
  std::istringstream lines(text);
  std::string line;
  bool started = false;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    wire::ConsoleEvent event = wire::read_console_line(line);
    if (event.kind == wire::ConsoleEvent::Kind::userspace_ready && console.release.empty()) console.release = event.release;
    if (line.rfind("repro:", 0) == 0) started = true;
    if (!started) continue;
    if (line.rfind("kernel:", 0) == 0) break;
    // guest.sh repeats the kernel's lines at its end: each once.
    bool wanted = line.rfind("repro:", 0) == 0 || line.rfind("[", 0) == 0;
    if (wanted && console.excerpt.find(line + "\n") == std::string::npos) console.excerpt += line + "\n";
    if (line.find("---[ end trace") != std::string::npos) break;
  }
  return console;
}

std::string config_section(const FailedInstance& failed) {
  auto env = failed.run.info.environment;
  const std::string config = env.count("kernel_config") ? env["kernel_config"] : "";
  const KernelOrigin& origin = failed.run.info.kernel_origin;
  std::string text;
  if (origin.kind == "debian-package")
    text = "Kernel: Debian's " + origin.package + " " + origin.package_version + " (" +
           failed.run.info.kernel_release + "), unmodified, " + failed.run.info.kernel_version + "\n";
  else
    text = "Kernel: " + origin.describe + " (" + origin.commit + ") of " + origin.tree + ", config " +
           origin.config_name + "\n";
  if (config.empty() || !fs::exists(config)) return text + "Config: not recorded by the run\n";
  text += "Config: " + (origin.kind == "debian-package" ? "Debian's " + fs::path(config).filename().string()
                                                          : config) +
          " (sha256 " + run_checked({"sha256sum", config}).substr(0, 64) + "); the options that matter here:\n";
  std::istringstream lines(file_or(config));
  std::string line;
  while (std::getline(lines, line))
    if (std::regex_match(line, kRelevantOption)) text += "  " + line + "\n";
  return text;
}

// get_maintainer.pl's answer, split into To (maintainers, reviewers) and
// Cc (lists, the rest).
struct Recipients {
  std::vector<std::string> to, cc;
  std::string raw;
};

Recipients recipients_for(const std::vector<std::string>& files, const std::string& source_tree) {
  Recipients recipients;
  if (files.empty() || source_tree.empty() || !fs::exists(source_tree + "/scripts/get_maintainer.pl")) {
    recipients.raw = "(get_maintainer.pl not run: " +
                     std::string(files.empty() ? "no source file named" : "no kernel source tree") + ")";
    return recipients;
  }
  std::vector<std::string> argv = {"sh", "-c", "cd \"$1\" && shift && perl scripts/get_maintainer.pl --nogit "
                                                "--nogit-fallback --no-tree -f \"$@\"", "sh", source_tree};
  argv.insert(argv.end(), files.begin(), files.end());
  CommandResult result = run_command(argv, std::chrono::seconds(120));
  recipients.raw = result.output;
  std::istringstream lines(result.output);
  std::string line;
  while (std::getline(lines, line)) {
    auto paren = line.find(" (");
    std::string who = paren == std::string::npos ? line : line.substr(0, paren);
    if (who.find('@') == std::string::npos) continue;
    bool person = line.find("maintainer:") != std::string::npos || line.find("reviewer:") != std::string::npos;
    (person ? recipients.to : recipients.cc).push_back(who);
  }
  return recipients;
}

std::string joined(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
  return text;
}

std::string default_source_tree(const std::string& release) {
  static const std::regex series(R"(^([0-9]+\.[0-9]+))");
  std::smatch match;
  if (!std::regex_search(release, match, series)) return "";
  std::string tree = "/work/kernels/linux-source-" + match[1].str();
  return fs::exists(tree) ? tree : "";
}

// The console the report shows: the reproducer's when the finding has one
// from this release (what the reader will see when running it), the
// instance's slice otherwise.
struct Excerpt {
  std::string text, source;
};

Excerpt report_excerpt(const FailedInstance& failed, const std::string& finding_dir, const std::string& release) {
  Excerpt excerpt{console_excerpt(failed), "the instance's kernel log slice"};
  ReproducerConsole own = reproducer_console(finding_dir.empty() ? "" : file_or(finding_dir + "/console.txt"));
  if (!own.excerpt.empty() && own.release == release) {
    excerpt = {own.excerpt, "the reproducer's console, " + finding_dir + "/console.txt"};
  } else if (!own.excerpt.empty()) {
    std::cerr << "daxtorture repro: " << finding_dir << "/console.txt is from " << own.release << ", the run from "
              << release << "; the report shows the instance's kernel log slice instead" << std::endl;
  }
  return excerpt;
}

// The finding names the files at fault first: a stack shows where the
// damage was found (brd copying into a freed page), not who freed it, and
// a check that prints a line ("bad pud") has no stack at all. Then the
// stack's top file (two when the finding names none).
std::vector<std::string> files_at_fault(const std::string& finding_dir, const DecodedStack& stack) {
  std::vector<std::string> files;
  std::istringstream named(finding_dir.empty() ? "" : file_or(finding_dir + "/files"));
  for (std::string line; std::getline(named, line);) {
    std::string file = line.substr(0, line.find_first_of(" \t#"));
    if (!file.empty()) files.push_back(file);
  }
  size_t from_stack = 0;
  const size_t stack_files = files.empty() ? 2 : 1;
  for (const auto& file : stack.files)
    if (from_stack < stack_files && std::find(files.begin(), files.end(), file) == files.end()) {
      files.push_back(file);
      ++from_stack;
    }
  return files;
}

// Subject and description: the finding's summary (first line: subject),
// or the first kernel line.
struct Subject {
  std::string subject, description;
};

Subject report_subject(const FailedInstance& failed, const std::string& finding_dir,
                       const std::vector<std::string>& files, const std::string& release) {
  std::string summary = finding_dir.empty() ? "" : file_or(finding_dir + "/summary");
  if (!summary.empty()) {
    size_t newline = summary.find('\n');
    return {summary.substr(0, newline), newline == std::string::npos ? "" : summary.substr(newline + 1)};
  }
  std::string first = failed.instance.kernel_findings.empty() ? status_name(failed.instance.status)
                                                              : failed.instance.kernel_findings.front().line;
  first = std::regex_replace(first, std::regex(R"(^\[ *[0-9.]+\] )"), "");
  std::string area = files.empty() ? "mm" : fs::path(files.front()).parent_path().string();
  return {"[BUG] " + area + ": " + first.substr(0, 70), "daxtorture's " + failed.instance.name + " ends " +
                                                            status_name(failed.instance.status) + " on " + release +
                                                            ".\n"};
}

}  // namespace

void write_upstream_report(const std::string& instance_dir, const std::string& finding_dir,
                           const std::string& source_tree_option, const std::string& output) {
  FailedInstance failed = load_failed_instance(instance_dir);
  if (!finding_dir.empty() && !fs::exists(finding_dir + "/repro.c"))
    throw UsageError(finding_dir + " has no repro.c; name a folder of docs/findings/upstream/");
  const std::string release = failed.run.info.kernel_release;
  const KernelOrigin& origin = failed.run.info.kernel_origin;
  const std::string source_tree = source_tree_option.empty() ? default_source_tree(release) : source_tree_option;
  const std::string debug_dir = origin.package.empty() ? "" : kernel_cache_dir() + "/" + origin.package + "/dbg";

  Excerpt excerpt = report_excerpt(failed, finding_dir, release);
  DecodedStack stack = decode_stack(excerpt.text, release, debug_dir, source_tree, origin.package);
  if (!stack.note.empty()) std::cerr << "daxtorture repro: " << stack.note << std::endl;
  std::vector<std::string> files = files_at_fault(finding_dir, stack);
  Recipients recipients = recipients_for(files, source_tree);
  auto [subject, description] = report_subject(failed, finding_dir, files, release);

  std::ostringstream mail;
  mail << "To: " << joined(recipients.to, ",\n    ") << "\n";
  mail << "Cc: " << joined(recipients.cc, ",\n    ") << "\n";
  mail << "Subject: " << subject << "\n\n";
  mail << description << (description.empty() || description.back() == '\n' ? "" : "\n") << "\n";

  std::string releases = finding_dir.empty() ? "" : file_or(finding_dir + "/releases");
  mail << "Releases checked (the reproducer below, in a QEMU guest with an emulated NVDIMM):\n"
       << (releases.empty() ? "  " + release + ": " + status_name(failed.instance.status) +
                                  " (the only release tried)\n"
                            : indented(releases))
       << "\n";
  mail << config_section(failed) << "\n";
  mail << "Console on " << release << " (" << excerpt.source << "; " << (stack.note.empty() ? "decoded with scripts/decode_stacktrace.sh and Debian's -dbg vmlinux"
                                            : stack.note)
       << "):\n\n" << indented(stack.text) << "\n";
  if (!finding_dir.empty()) {
    std::string repro = file_or(finding_dir + "/repro.c"), setup = file_or(finding_dir + "/setup.sh");
    mail << "Reproducer (" << line_count(repro) << " lines, libc only; gcc -O2 -static -pthread repro.c):\n\n"
         << repro << "\nThe namespace it needs (setup.sh):\n\n" << setup << "\n";
    std::string guest = file_or(finding_dir + "/guest.sh");
    if (!guest.empty()) mail << "How it is run in the guest (guest.sh):\n\n" << guest << "\n";
  }
  mail << "A bundle that boots this kernel with the reproducer and needs only\n"
          "qemu-system-x86_64 (kernel, initramfs, QEMU command line with the NVDIMM):\n"
          "  daxtorture repro " << (finding_dir.empty() ? failed.instance_dir + " --out DIR"
                                                       : "--standalone " + finding_dir + " --kernel-package " +
                                                             origin.package + " --out DIR")
       << "\n  DIR/run.sh 10      # last line: reproduced K of 10\n\n";
  mail << "Found by daxtorture, instance " << failed.instance.name << " (run " << failed.run.info.run_id << ").\n";
  mail << "\n-- \nRecipients: scripts/get_maintainer.pl --nogit --nogit-fallback -f " << joined(files, " ")
       << "\n" << indented(recipients.raw, "  ");

  if (output.empty()) {
    std::cout << mail.str();
  } else {
    write_text_file(output, mail.str());
    std::cerr << "daxtorture repro: report draft in " << output << std::endl;
  }
}

}  // namespace dt
