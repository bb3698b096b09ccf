// What `daxtorture bisect` was asked, kept in the bisect folder
// (options.txt) so that --resume goes on with the same question.
#pragma once

#include <string>
#include <vector>

#include "runners/command_line/args.h"

namespace dt {

struct BisectOptions {
  std::string tree;
  std::string good, bad;                 // as given
  std::vector<std::string> patterns;
  int repeat = 1;
  bool find_fix = false;
  bool check_endpoints = false;          // test both endpoints before bisecting
  std::string build_command;
  std::string base_config, fragment;     // for the built-in build
  bool lean = false;
  int jobs = 0;
  std::string accel = "auto";
  std::string timeout_scale;
  std::string profile;
  std::string results = "results";
  std::string bisect_id;
  std::string resume;                    // the bisect folder to go on with
  bool quiet = false;
  // Filled when the bisect starts: what to return the tree to.
  std::string original_branch, original_head;
  std::string good_sha, bad_sha;
};

BisectOptions parse_bisect_options(Args& args);
void save_bisect_options(const std::string& path, const BisectOptions& options);
// UsageError naming the file when it is not a bisect folder's.
BisectOptions load_bisect_options(const std::string& path);

}  // namespace dt
