// The few questions daxtorture asks of a kernel's git tree, each answered by
// running git there; errors name the tree and say what to do.
#pragma once

#include <string>
#include <vector>

namespace dt {

class GitTree {
 public:
  // UsageError unless DIR is the top of a git work tree holding a kernel
  // (a Makefile and Kconfig at the top).
  explicit GitTree(const std::string& dir);

  const std::string& path() const { return path_; }
  std::string head() const;                 // full sha of HEAD
  std::string describe(const std::string& rev = "HEAD") const;   // --always --tags --dirty
  std::string subject(const std::string& rev) const;
  std::string commit_date(const std::string& rev) const;         // committer date, RFC 2822
  std::string branch() const;               // "" when HEAD is detached
  std::string remote_url() const;           // of "origin" or the first remote, "" if none
  // Tracked files changed against HEAD (untracked files do not build).
  bool dirty() const;
  // sha256 of `git diff HEAD`: keys a build of uncommitted changes.
  std::string diff_sha256() const;
  // Full sha of REV; UsageError naming REV when it is not a commit.
  std::string resolve(const std::string& rev, const std::string& role) const;
  bool is_ancestor(const std::string& older, const std::string& newer) const;
  long count_between(const std::string& older, const std::string& newer) const;  // older..newer
  bool bisecting() const;                   // a `git bisect` is under way in the tree

  // git with these arguments in the tree; SetupError with git's message on failure.
  std::string git(const std::vector<std::string>& args) const;
  // As git(), but returns the exit status and leaves the output in *output.
  int git_status(const std::vector<std::string>& args, std::string* output = nullptr) const;

 private:
  std::string path_;
};

// Trims one trailing newline (git's output).
std::string chomp(std::string text);

}  // namespace dt
