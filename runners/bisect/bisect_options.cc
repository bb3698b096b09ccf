#include "runners/bisect/bisect_options.h"

#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace dt {

BisectOptions parse_bisect_options(Args& args) {
  BisectOptions options;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture bisect' takes options only");
    if (*option == "--tree") options.tree = args.value(*option);
    else if (*option == "--good") options.good = args.value(*option);
    else if (*option == "--bad") options.bad = args.value(*option);
    else if (*option == "-t" || *option == "--test") options.patterns.push_back(args.value(*option));
    else if (*option == "--repeat") options.repeat = static_cast<int>(args.positive_number(*option));
    else if (*option == "--find-fix") options.find_fix = true;
    else if (*option == "--check-endpoints") options.check_endpoints = true;
    else if (*option == "--build-command") options.build_command = args.value(*option);
    else if (*option == "--base-config") options.base_config = args.value(*option);
    else if (*option == "--config-fragment") options.fragment = args.value(*option);
    else if (*option == "--lean") options.lean = true;
    else if (*option == "-j" || *option == "--jobs") options.jobs = static_cast<int>(args.positive_number(*option));
    else if (*option == "--accel") options.accel = args.value(*option);
    else if (*option == "--timeout-scale") options.timeout_scale = args.value(*option);
    else if (*option == "--profile") options.profile = args.value(*option);
    else if (*option == "--results") options.results = args.value(*option);
    else if (*option == "--bisect-id") options.bisect_id = args.value(*option);
    else if (*option == "--resume") options.resume = args.value(*option);
    else if (*option == "--quiet") options.quiet = true;
    else unknown_option("bisect", *option);
  }
  if (!options.resume.empty()) {
    if (!options.tree.empty() || !options.good.empty() || !options.bad.empty() || !options.patterns.empty())
      throw UsageError("--resume takes the tree, revisions and instances of the bisect it resumes; "
                       "drop --tree, --good, --bad and -t");
    return options;
  }
  if (options.tree.empty()) throw UsageError("--tree DIR is required: the kernel git tree to bisect");
  if (options.good.empty() || options.bad.empty())
    throw UsageError(std::string("--good REV and --bad REV are both required") +
                     (options.find_fix ? " (with --find-fix: --bad the older commit that fails, --good the "
                                         "newer one that passes)"
                                       : " (the newest commit known to pass and the oldest known to fail)"));
  if (options.patterns.empty())
    throw UsageError("-t PATTERN is required: the instances that tell good from bad (e.g. -t "
                     "truncate_vs_pinned_dio/xfs/4k); a bisect step runs them on every commit it tests");
  if (options.build_command.find_first_not_of(" \t") == std::string::npos && !options.build_command.empty())
    throw UsageError("--build-command is empty; fix: give the shell command that builds the tree");
  return options;
}

namespace {
// One line per value: a multi-line build command keeps its newlines as "\n".
std::string escape_newlines(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\\n") : c == '\\' ? std::string("\\\\") : std::string(1, c);
  return out;
}

std::string unescape_newlines(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[i + 1] == 'n' ? '\n' : text[i + 1];
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}
}  // namespace

void save_bisect_options(const std::string& path, const BisectOptions& o) {
  std::string text = "# daxtorture bisect: what was asked, for --resume\n";
  auto put = [&](const std::string& key, const std::string& value) { text += key + ": " + value + "\n"; };
  put("tree", o.tree);
  put("good", o.good);
  put("bad", o.bad);
  for (const auto& pattern : o.patterns) put("test", pattern);
  put("repeat", std::to_string(o.repeat));
  put("find_fix", o.find_fix ? "yes" : "no");
  put("check_endpoints", o.check_endpoints ? "yes" : "no");
  put("build_command", escape_newlines(o.build_command));
  put("base_config", o.base_config);
  put("config_fragment", o.fragment);
  put("lean", o.lean ? "yes" : "no");
  put("jobs", std::to_string(o.jobs));
  put("accel", o.accel);
  put("timeout_scale", o.timeout_scale);
  put("profile", o.profile);
  put("original_branch", o.original_branch);
  put("original_head", o.original_head);
  put("good_sha", o.good_sha);
  put("bad_sha", o.bad_sha);
  write_file_atomically(path, text);
}

BisectOptions load_bisect_options(const std::string& path) {
  auto text = read_text_file(path);
  if (!text)
    throw UsageError("no bisect to resume: cannot read " + path + "; fix: pass the folder that "
                     "'daxtorture bisect' named when it started (it holds options.txt)");
  BisectOptions o;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(": ");
    std::string key = line.substr(0, colon == std::string::npos ? line.size() - 1 : colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 2);
    if (key == "tree") o.tree = value;
    else if (key == "good") o.good = value;
    else if (key == "bad") o.bad = value;
    else if (key == "test") o.patterns.push_back(value);
    else if (key == "repeat") o.repeat = std::stoi(value);
    else if (key == "find_fix") o.find_fix = value == "yes";
    else if (key == "check_endpoints") o.check_endpoints = value == "yes";
    else if (key == "build_command") o.build_command = unescape_newlines(value);
    else if (key == "base_config") o.base_config = value;
    else if (key == "config_fragment") o.fragment = value;
    else if (key == "lean") o.lean = value == "yes";
    else if (key == "jobs") o.jobs = std::stoi(value);
    else if (key == "accel") o.accel = value;
    else if (key == "timeout_scale") o.timeout_scale = value;
    else if (key == "profile") o.profile = value;
    else if (key == "original_branch") o.original_branch = value;
    else if (key == "original_head") o.original_head = value;
    else if (key == "good_sha") o.good_sha = value;
    else if (key == "bad_sha") o.bad_sha = value;
  }
  if (o.tree.empty() || o.patterns.empty() || o.good_sha.empty())
    throw UsageError(path + " is not a bisect's options file (no tree, test or good_sha); fix: pass "
                     "the bisect folder itself to --resume");
  return o;
}

}  // namespace dt
