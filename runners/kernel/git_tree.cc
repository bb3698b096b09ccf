#include "runners/kernel/git_tree.h"

#include <filesystem>

#include "core/command.h"
#include "core/errors.h"
#include "core/sha256.h"

namespace fs = std::filesystem;

namespace dt {

std::string chomp(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

GitTree::GitTree(const std::string& dir) {
  if (!program_available("git"))
    throw UsageError("git is not installed; fix: apt-get install git");
  std::error_code error;
  if (!fs::is_directory(dir, error))
    throw UsageError("kernel tree " + dir + " is not a folder; fix: pass the top folder of a "
                     "kernel git tree to --tree");
  path_ = fs::canonical(dir);
  if (!fs::exists(path_ + "/Makefile") || !fs::exists(path_ + "/Kconfig") ||
      !fs::exists(path_ + "/arch/x86"))
    throw UsageError(path_ + " is not a kernel source tree (no Makefile, Kconfig and arch/x86 at "
                     "its top); fix: pass the top folder of a Linux tree to --tree");
  std::string top;
  if (git_status({"rev-parse", "--show-toplevel"}, &top) != 0 || chomp(top) != path_)
    throw UsageError(path_ + " is not a git tree (or not its top folder); fix: 'git init && git add "
                     "-A && git commit' there, or pass the folder that holds .git");
  if (git_status({"rev-parse", "--verify", "-q", "HEAD"}) != 0)
    throw UsageError(path_ + " is a git tree without a commit; fix: commit the source first");
}

int GitTree::git_status(const std::vector<std::string>& args, std::string* output) const {
  std::vector<std::string> argv = {"git", "-C", path_.empty() ? "." : path_};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = run_command(argv, std::chrono::seconds(600));
  if (output) *output = result.output;
  return result.timed_out ? -1 : result.exit_status;
}

std::string GitTree::git(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"git", "-C", path_};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_checked(argv, std::chrono::seconds(600));
}

std::string GitTree::head() const { return chomp(git({"rev-parse", "HEAD"})); }

std::string GitTree::describe(const std::string& rev) const {
  return chomp(git({"describe", "--always", "--tags", "--abbrev=12", rev}));
}

std::string GitTree::subject(const std::string& rev) const {
  return chomp(git({"log", "-1", "--format=%s", rev}));
}

std::string GitTree::commit_date(const std::string& rev) const {
  return chomp(git({"log", "-1", "--format=%cD", rev}));
}

std::string GitTree::branch() const {
  std::string name;
  if (git_status({"symbolic-ref", "-q", "--short", "HEAD"}, &name) != 0) return "";
  return chomp(name);
}

std::string GitTree::remote_url() const {
  std::string url;
  if (git_status({"remote", "get-url", "origin"}, &url) == 0) return chomp(url);
  std::string remotes = chomp(git({"remote"}));
  if (remotes.empty()) return "";
  std::string first = remotes.substr(0, remotes.find('\n'));
  return git_status({"remote", "get-url", first}, &url) == 0 ? chomp(url) : "";
}

bool GitTree::dirty() const {
  return !chomp(git({"status", "--porcelain", "--untracked-files=no"})).empty();
}

std::string GitTree::diff_sha256() const { return sha256_hex(git({"diff", "HEAD", "--binary"})); }

std::string GitTree::resolve(const std::string& rev, const std::string& role) const {
  std::string sha;
  if (rev.empty() || rev[0] == '-' ||
      git_status({"rev-parse", "--verify", "-q", rev + "^{commit}"}, &sha) != 0)
    throw UsageError(role + " '" + rev + "' is not a commit of " + path_ +
                     "; fix: name a commit, tag or branch that 'git -C " + path_ +
                     " log' shows");
  return chomp(sha);
}

bool GitTree::is_ancestor(const std::string& older, const std::string& newer) const {
  return git_status({"merge-base", "--is-ancestor", older, newer}) == 0;
}

long GitTree::count_between(const std::string& older, const std::string& newer) const {
  return std::stol(chomp(git({"rev-list", "--count", older + ".." + newer})));
}

bool GitTree::bisecting() const {
  std::string dir = chomp(git({"rev-parse", "--git-dir"}));
  if (!fs::path(dir).is_absolute()) dir = path_ + "/" + dir;
  return fs::exists(dir + "/BISECT_START");
}

}  // namespace dt
