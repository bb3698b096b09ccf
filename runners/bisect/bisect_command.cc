#include "runners/bisect/bisect_command.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <regex>

#include "core/command.h"
#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "runners/bisect/bisect_options.h"
#include "runners/bisect/bisect_record.h"
#include "runners/bisect/bisect_step.h"
#include "runners/kernel/git_tree.h"
#include "runners/kernel/kernel_build.h"
#include "runners/kernel/logged_process.h"
#include "runners/releases/release_bisect.h"
#include "runners/results/progress.h"
#include "runners/results/results_store.h"

namespace fs = std::filesystem;

namespace dt {

const char* const kBisectHelp = R"(usage: daxtorture bisect --tree DIR --good REV --bad REV -t PATTERN... [OPTIONS]
       daxtorture bisect --resume BISECT_DIR
       daxtorture bisect --releases FIRST..LAST [--suite SUITE] -t PATTERN...
                         (packaged Debian releases, no build: see the end)

Finds the commit of a kernel git tree that broke (or, with --find-fix,
fixed) the selected instances. It drives 'git bisect' in the tree: each
step builds the commit (as 'daxtorture build' does, or with
--build-command), boots it as 'daxtorture vm' does, runs the instances and
decides: all PASS is good; a FAIL, CRASH or TIMEOUT is bad; a build
failure, a boot failure, BROKEN or SKIP cannot judge the commit, which is
skipped. Known-failure files do not apply. The tree must be clean, and is
left on the branch and commit it was found on.

required:
  --tree DIR             the kernel's git tree
  --good REV             the newest commit known to pass
  --bad REV              the oldest commit known to fail
  -t, --test PATTERN     the instances to judge by (repeatable)

options:
  --find-fix             look for the fix instead: --bad is the OLDER commit
                         that fails, --good the NEWER one that passes, and
                         the answer is the first commit that passes
  --repeat N             run each instance N times per step, for flaky
                         failures: bad if any run fails, good only if all pass
  --check-endpoints      boot --good and --bad before bisecting and stop when
                         good fails or bad passes (2 boots more). Without it
                         an endpoint is booted only when the answer rests on
                         it (the answer is --bad itself, or --good's child),
                         so a bisect of N commits takes at most
                         ceil(log2 N) + 1 boots, plus one per skipped commit
  --build-command CMD    build each commit with CMD instead: 'sh -c CMD' in
                         the tree, with DAXTORTURE_BUILD_OUT naming an empty
                         folder; on exit 0 CMD has left there bzImage,
                         modules/ (an INSTALL_MOD_PATH folder) and .config;
                         exit 125 means "cannot build this commit" (skip);
                         any other exit is a build failure (skip, reported)
  --base-config FILE, --config-fragment FILE, --lean, -j N
                         as for 'daxtorture build'
  --accel, --timeout-scale, --profile
                         as for 'daxtorture vm'
  --results DIR          parent of the bisect folder (default ./results)
  --bisect-id NAME       name of the bisect folder (default bisect-TIME)
  --resume BISECT_DIR    go on with an interrupted bisect (Ctrl-C, SIGTERM,
                         a lost machine): steps already judged are not booted
                         again
  --quiet                fewer progress lines on stderr

the bisect folder: options.txt, bisect.log (git bisect log), steps.tsv and
steps.txt (commit, subject, build s, boot+run s, verdict), runs/ (every
step's run folder), builds/ (--build-command outputs), summary.txt (the
answer with the failing instance of the first bad commit next to the
passing one of the last good).

stdout, last line: "first bad commit: SHA SUBJECT" ("first fixed commit: ..."
with --find-fix), or "undecided: ..." naming the candidates.

exit status: 0 found, 1 skipped commits left it undecided, 2 usage or
environment error (not a kernel git tree, a dirty tree, unknown or misordered
revisions, --good failing or --bad passing, missing build tools), 130
interrupted (resume with --resume).

packaged releases: daxtorture bisect --releases FIRST..LAST -t PATTERN... [OPTIONS]

Finds the first packaged Debian release whose verdict on the selected
instances changed, booting releases from Debian's archive (no build). The
releases are the whole kernels between FIRST and LAST (tools/fetch-kernel
--list), oldest first. FIRST is taken as good and LAST as bad (with
--find-fix: FIRST bad, LAST good); each step boots the middle release: all
PASS is good, a FAIL, CRASH or TIMEOUT bad, BROKEN or SKIP or a failed boot
cannot judge it (a neighbour is tried instead). An end is booted only when
the answer rests on it: N releases take at most ceil(log2 N) + 1 boots.

options:
  --releases FIRST..LAST  by upstream version, e.g. 6.16.3..7.3.4
  --suite SUITE          where to look (default: every suite of the archive)
  -t, --test PATTERN     the instances (repeatable, required)
  --find-fix             look for the first release that passes
  --repeat N             run each instance N times per step
  --results DIR          where the bisect folder goes (default: results)
  --bisect-id ID         its name (default: bisect-releases-DATE-TIME)
  --accel A, --profile FILE, --timeout-scale X   passed to 'daxtorture vm'

The bisect folder holds releases.txt, one run folder per step (by version),
steps.txt and summary.txt. Last line on stdout:
  first bad release: X (last good: Y)        or, with --find-fix,
  first fixed release: X (last bad: Y)

exit status: 0 found, 1 no change in the range (an end did not behave as
assumed) or no release could be judged, 2 usage or environment error.
)";

namespace {
volatile sig_atomic_t interrupted = 0;

void on_signal(int signal) {
  interrupted = 1;
  // Ctrl-C reaches the whole process group; a SIGTERM sent to this process
  // alone is passed on to the build or guest it waits for.
  if (signal == SIGTERM && current_logged_child() > 0) kill(current_logged_child(), SIGTERM);
}

struct Terms {
  bool find_fix;
  std::string old_term() const { return find_fix ? "broken" : "good"; }
  std::string new_term() const { return find_fix ? "fixed" : "bad"; }
  // The git bisect term for a step's outcome.
  std::string term(Outcome outcome) const {
    if (outcome == Outcome::skip) return "skip";
    bool passes = outcome == Outcome::passes;
    return passes == find_fix ? new_term() : old_term();
  }
};

class Bisect {
 public:
  Bisect(BisectOptions options, std::string dir)
      : options_(std::move(options)), dir_(std::move(dir)), tree_(options_.tree), terms_{options_.find_fix} {
    for (const auto& step : load_steps(dir_)) {
      steps_.push_back(step);
      known_[step.commit] = step;
    }
  }

  int run();

 private:
  std::string older() const { return options_.find_fix ? options_.bad_sha : options_.good_sha; }
  std::string newer() const { return options_.find_fix ? options_.good_sha : options_.bad_sha; }
  Outcome expected_at_older() const { return options_.find_fix ? Outcome::fails : Outcome::passes; }
  Outcome expected_at_newer() const { return options_.find_fix ? Outcome::passes : Outcome::fails; }
  std::string role_name(const std::string& sha) const {
    if (sha == options_.good_sha) return "--good";
    if (sha == options_.bad_sha) return "--bad";
    return sha.substr(0, 12);
  }

  // The outcome of a commit: known, or a step run now (checking it out when
  // `checkout`). nullopt when interrupted.
  std::optional<Outcome> test(const std::string& sha, const std::string& role, bool checkout);
  std::string mark(const std::string& term, const std::string& sha);
  void save_log();
  void restore_tree();
  int finish_found(const std::string& answer);
  int finish_undecided(const std::string& git_output);
  int stop_interrupted();
  int stop_endpoint(const std::string& sha, Outcome got);
  std::string evidence(const std::string& sha) const;
  std::string boots_line() const;

  BisectOptions options_;
  std::string dir_;
  GitTree tree_;
  Terms terms_;
  std::vector<StepResult> steps_;
  std::map<std::string, StepResult> known_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

std::optional<Outcome> Bisect::test(const std::string& sha, const std::string& role, bool checkout) {
  auto known = known_.find(sha);
  if (known != known_.end()) return known->second.outcome;
  if (checkout) tree_.git({"checkout", "-q", "--detach", sha});
  StepResult step = run_bisect_step(options_, dir_, static_cast<int>(steps_.size()) + 1, role, sha);
  if (step.interrupted || interrupted) return std::nullopt;
  append_step(dir_, step);
  steps_.push_back(step);
  known_[sha] = step;
  write_file_atomically(dir_ + "/steps.txt", steps_table(steps_, options_.find_fix));
  if (!options_.quiet)
    std::cerr << "daxtorture bisect: [" << step.number << "] " << sha.substr(0, 12) << " is "
              << verdict_word(step.outcome, options_.find_fix) << " (build " << whole_seconds(step.build_s)
              << " s, boot+run " << whole_seconds(step.run_s) << " s): "
              << (step.reason.size() > 300 ? step.reason.substr(0, 297) + "..." : step.reason) << std::endl;
  return step.outcome;
}

std::string Bisect::mark(const std::string& term, const std::string& sha) {
  std::string output;
  int status = tree_.git_status({"bisect", term, sha}, &output);
  save_log();
  if (status != 0 && output.find("only 'skip'ped commits left") == std::string::npos)
    throw SetupError("'git bisect " + term + " " + sha + "' failed (exit " + std::to_string(status) + "): " + output);
  return output;
}

void Bisect::save_log() {
  std::string log;
  if (tree_.git_status({"bisect", "log"}, &log) == 0) write_file_atomically(dir_ + "/bisect.log", log);
}

void Bisect::restore_tree() {
  std::string back = options_.original_branch.empty() ? options_.original_head : options_.original_branch;
  if (tree_.bisecting()) tree_.git_status({"bisect", "reset", back});
  if (tree_.head() != options_.original_head || tree_.branch() != options_.original_branch)
    tree_.git({"checkout", "-q", back});
}

std::string Bisect::boots_line() const {
  int boots = 0, endpoints = 0, skips = 0;
  for (const auto& step : steps_) {
    if (!step.run_dir.empty()) ++boots;
    if (step.role == "endpoint") ++endpoints;
    if (step.outcome == Outcome::skip) ++skips;
  }
  long commits = tree_.count_between(older(), newer());
  double wall = seconds_since(started_);
  return std::to_string(steps_.size()) + " commit(s) tested (" + std::to_string(endpoints) +
         " of them endpoints), " + std::to_string(boots) + " boot(s), " + std::to_string(skips) +
         " skipped; the bound for " + std::to_string(commits) + " commits is ceil(log2 " +
         std::to_string(commits) + ")+1 = " + std::to_string(boot_bound(commits)) + " boots" +
         (skips ? " (+" + std::to_string(skips) + " for the skips)" : "") + "; this session's wall time " +
         Progress::format_elapsed(wall);
}

std::string Bisect::evidence(const std::string& sha) const {
  auto step = known_.find(sha);
  if (step == known_.end()) return "  (not booted)\n";
  std::string text = "  run folder: " + (step->second.run_dir.empty() ? "(none)" : step->second.run_dir) + "\n";
  if (!step->second.run_dir.empty() && fs::exists(step->second.run_dir + "/run.json")) {
    RunResult run = load_run(step->second.run_dir);
    if (!run.info.kernel_release.empty()) text += "  kernel: " + run.info.kernel_release + "\n";
    for (const auto& instance : run.instances) text += "  " + instance_evidence(instance) + "\n";
  } else {
    text += "  " + step->second.reason + "\n";
  }
  return text;
}

int Bisect::finish_found(const std::string& answer) {
  // The answer rests on an endpoint nobody booted: boot it now.
  if (answer == newer() && !known_.count(newer())) {
    auto got = test(newer(), "endpoint", true);
    if (!got) return stop_interrupted();
    if (*got != expected_at_newer()) return stop_endpoint(newer(), *got);
  }
  std::string parent = chomp(tree_.git({"rev-parse", answer + "^"}));
  if (parent == older() && !known_.count(older())) {
    auto got = test(older(), "endpoint", true);
    if (!got) return stop_interrupted();
    if (*got != expected_at_older()) return stop_endpoint(older(), *got);
  }
  std::string kind = options_.find_fix ? "fixed" : "bad";
  std::string subject = tree_.subject(answer);
  std::string summary = "daxtorture bisect of " + tree_.path() + "\n";
  summary += "question: the first " + kind + " commit after " + older().substr(0, 12) + " up to " +
             newer().substr(0, 12) + " for: ";
  for (const auto& pattern : options_.patterns) summary += pattern + " ";
  summary += options_.repeat > 1 ? "(each run " + std::to_string(options_.repeat) + " times)\n" : "\n";
  summary += "first " + kind + " commit: " + answer + " " + subject + "\n";
  summary += "describe: " + tree_.describe(answer) + "\n\n";
  summary += "its run (" + verdict_word(known_.count(answer) ? known_[answer].outcome : expected_at_newer(),
                                        options_.find_fix) + "):\n" + evidence(answer);
  summary += "\nits parent " + parent.substr(0, 12) + " " + tree_.subject(parent) + " (" +
             verdict_word(known_.count(parent) ? known_[parent].outcome : expected_at_older(), options_.find_fix) +
             (known_.count(parent) ? "" : ", as " + role_name(parent) + " says") + "):\n" + evidence(parent);
  summary += "\n" + boots_line() + "\n\n" + steps_table(steps_, options_.find_fix);
  write_file_atomically(dir_ + "/summary.txt", summary);
  save_log();
  restore_tree();
  if (!options_.quiet) std::cerr << "daxtorture bisect: " << boots_line() << "; summary: " << dir_ << "/summary.txt\n";
  std::cout << "first " << kind << " commit: " << answer << " " << subject << std::endl;
  return 0;
}

int Bisect::finish_undecided(const std::string& git_output) {
  static const std::regex sha(R"(\b[0-9a-f]{40}\b)");
  std::string candidates;
  for (auto it = std::sregex_iterator(git_output.begin(), git_output.end(), sha); it != std::sregex_iterator(); ++it)
    candidates += " " + it->str().substr(0, 12) + " (" + tree_.subject(it->str()) + ")";
  std::string kind = options_.find_fix ? "fixed" : "bad";
  std::string summary = "daxtorture bisect of " + tree_.path() + ": undecided, skipped commits are left\n" +
                        "the first " + kind + " commit is one of:" + candidates + "\n\n" + boots_line() +
                        "\n\n" + steps_table(steps_, options_.find_fix);
  write_file_atomically(dir_ + "/summary.txt", summary);
  save_log();
  restore_tree();
  std::cout << "undecided: the first " << kind << " commit is one of:" << candidates << std::endl;
  return 1;
}

int Bisect::stop_interrupted() {
  save_log();
  restore_tree();
  std::cerr << "daxtorture bisect: interrupted; the tree is back on "
            << (options_.original_branch.empty() ? options_.original_head : options_.original_branch)
            << "; go on with: daxtorture bisect --resume " << dir_ << "\n";
  return 130;
}

int Bisect::stop_endpoint(const std::string& sha, Outcome got) {
  save_log();
  restore_tree();
  std::string role = role_name(sha);
  std::string what = got == Outcome::skip ? "cannot be judged (" + known_[sha].reason + ")"
                     : got == Outcome::passes ? "passes" : "fails (" + known_[sha].reason + ")";
  std::string fix = got == Outcome::skip ? "fix: make that commit build and boot, or name another"
                    : role == "--good" ? (options_.find_fix ? "fix: name a newer commit that passes as --good"
                                                            : "fix: name an older commit that passes as --good")
                    : (options_.find_fix ? "fix: name an older commit that fails as --bad"
                                         : "fix: name a newer commit that fails as --bad (or check -t)");
  std::cerr << "daxtorture bisect: " << role << " " << sha.substr(0, 12) << " " << what
            << ": nothing to bisect between --good and --bad for these instances; " << fix
            << " (run: " << known_[sha].run_dir << ")\n";
  return 2;
}

int Bisect::run() {
  std::string log = dir_ + "/bisect.log";
  if (options_.check_endpoints) {
    for (const auto& [sha, expected] : {std::pair{older(), expected_at_older()}, std::pair{newer(), expected_at_newer()}}) {
      auto got = test(sha, "endpoint", true);
      if (!got) return stop_interrupted();
      if (*got != expected) return stop_endpoint(sha, *got);
    }
  }
  std::string output;
  if (fs::exists(log) && !read_text_file(log).value_or("").empty()) {
    tree_.git({"bisect", "replay", log});
  } else {
    std::vector<std::string> start = {"bisect", "start"};
    if (options_.find_fix) start.insert(start.end(), {"--term-old=broken", "--term-new=fixed"});
    start.insert(start.end(), {newer(), older()});
    output = tree_.git(start);
    save_log();
  }
  static const std::regex found(R"(([0-9a-f]{40}) is the first (\w+) commit)");
  std::smatch match;
  // --bad a child of --good: git answers at once, and checks nothing out.
  if (std::regex_search(output, match, found)) return finish_found(match[1]);
  for (;;) {
    std::string sha = tree_.head();
    auto got = test(sha, "step", false);
    if (!got) return stop_interrupted();
    output = mark(terms_.term(*got), sha);
    if (std::regex_search(output, match, found)) return finish_found(match[1]);
    if (output.find("only 'skip'ped commits left") != std::string::npos) return finish_undecided(output);
    if (interrupted) return stop_interrupted();
  }
}

std::string new_bisect_dir(const BisectOptions& options) {
  std::string id = options.bisect_id;
  if (id.empty()) {
    char stamp[32];
    time_t now = time(nullptr);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", gmtime(&now));
    id = std::string("bisect-") + stamp;
  }
  std::string dir = fs::absolute(options.results + "/" + id).lexically_normal();
  if (fs::exists(dir + "/options.txt"))
    throw UsageError("bisect folder " + dir + " exists already; fix: another --bisect-id, or --resume " + dir);
  prepare_results_dir(dir);
  return dir;
}
}  // namespace

int bisect_main(Args& args) {
  // Packaged releases instead of a tree's commits: a search of its own.
  if (args.has("--releases")) return release_bisect_main(args);
  BisectOptions options = parse_bisect_options(args);
  std::string dir;
  bool resuming = !options.resume.empty();
  if (resuming) {
    dir = fs::absolute(options.resume).lexically_normal();
    bool quiet = options.quiet;
    options = load_bisect_options(dir + "/options.txt");
    options.quiet = quiet;
  }
  // Everything that can be wrong is found before the first build or boot.
  GitTree tree(options.tree);
  options.tree = tree.path();
  select_instances(options.patterns);
  if (options.build_command.empty()) require_build_tools();
  if (!program_available("qemu-system-x86_64"))
    throw UsageError("QEMU is not installed (no qemu-system-x86_64 in PATH); fix: apt-get install "
                     "qemu-system-x86, or run tools/setup");
  if (geteuid() != 0) throw UsageError("'daxtorture bisect' boots guests and needs root; run it with sudo");
  if (tree.bisecting()) {
    if (!resuming)
      throw UsageError("a git bisect is already under way in " + tree.path() + "; fix: finish it, or 'git -C " +
                       tree.path() + " bisect reset'");
    // This bisect's own, left by a process that could not clean up.
    std::string back = options.original_branch.empty() ? options.original_head : options.original_branch;
    tree.git({"bisect", "reset", back});
  }
  if (tree.dirty())
    throw UsageError(tree.path() + " has uncommitted changes to tracked files; fix: commit them or 'git -C " +
                     tree.path() + " stash' (a bisect checks out other commits), then run again");
  if (!resuming) {
    options.good_sha = tree.resolve(options.good, "--good");
    options.bad_sha = tree.resolve(options.bad, "--bad");
    if (options.good_sha == options.bad_sha)
      throw UsageError("--good and --bad are the same commit; fix: name two different commits");
    std::string older = options.find_fix ? options.bad_sha : options.good_sha;
    std::string newer = options.find_fix ? options.good_sha : options.bad_sha;
    if (!tree.is_ancestor(older, newer))
      throw UsageError(options.find_fix
                           ? "--bad " + options.bad + " is not an ancestor of --good " + options.good +
                                 ": with --find-fix --bad is the older commit that fails and --good the newer "
                                 "one that passes; fix: swap them, or drop --find-fix to find a regression"
                           : "--good " + options.good + " is not an ancestor of --bad " + options.bad +
                                 ": the good commit must be older; fix: swap them, or add --find-fix to find "
                                 "the commit that fixed it");
    options.original_branch = tree.branch();
    options.original_head = tree.head();
    dir = new_bisect_dir(options);
    save_bisect_options(dir + "/options.txt", options);
  }
  std::cerr << "daxtorture bisect: " << tree.count_between(options.find_fix ? options.bad_sha : options.good_sha,
                                                           options.find_fix ? options.good_sha : options.bad_sha)
            << " commits to search in " << tree.path() << "; bisect folder " << dir << std::endl;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  Bisect bisect(options, dir);
  try {
    return bisect.run();
  } catch (...) {
    // Leave the tree as it was found, whatever went wrong.
    std::string back = options.original_branch.empty() ? options.original_head : options.original_branch;
    if (tree.bisecting()) tree.git_status({"bisect", "reset", back});
    throw;
  }
}

}  // namespace dt
