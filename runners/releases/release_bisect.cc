#include "runners/releases/release_bisect.h"

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>

#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "runners/kernel/logged_process.h"
#include "runners/results/progress.h"
#include "runners/releases/release_list.h"
#include "runners/releases/release_run.h"

namespace fs = std::filesystem;

namespace dt {


int bisect_releases(size_t count, const std::function<Outcome(size_t)>& judge, std::string* why) {
  // good side: [0, lo], bad side: [hi, count-1]; the ends are assumed.
  std::map<size_t, Outcome> known;
  auto outcome_of = [&](size_t i) {
    if (!known.count(i)) known[i] = judge(i);
    return known[i];
  };
  size_t lo = 0, hi = count - 1;
  while (hi - lo > 1) {
    // The middle, or the nearest release between lo and hi that can be judged.
    size_t mid = lo + (hi - lo) / 2;
    std::optional<Outcome> outcome;
    for (size_t offset = 0; !outcome && offset < hi - lo; ++offset)
      for (size_t i : {mid + offset, mid - offset})
        if (!outcome && i > lo && i < hi && (!known.count(i) || known[i] != Outcome::skip)) {
          Outcome o = outcome_of(i);
          if (o != Outcome::skip) outcome = o, mid = i;
        }
    if (!outcome) {
      *why = "no release between the " + std::to_string(lo + 1) + "th and the " + std::to_string(hi + 1) +
             "th could be judged (each was BROKEN, SKIP or did not boot)";
      return -1;
    }
    (*outcome == Outcome::passes ? lo : hi) = mid;
  }
  // The answer is hi, resting on lo being good and hi bad: boot an end that
  // was only assumed.
  if (lo == 0 && outcome_of(0) != Outcome::passes) {
    *why = "the first release is not good (" + std::string(outcome_name(known[0])) + "): no change in the range";
    return -1;
  }
  if (hi == count - 1 && outcome_of(hi) != Outcome::fails) {
    *why = "the last release is not bad (" + std::string(outcome_name(known[hi])) + "): no change in the range";
    return -1;
  }
  return static_cast<int>(hi);
}

namespace {
struct Options {
  std::string range, suite, results = "results", id;
  std::vector<std::string> patterns, vm_options;
  bool find_fix = false;
  int repeat = 1;
};

Options parse(Args& args) {
  Options o;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture bisect --releases' takes options only");
    if (*option == "--releases") o.range = args.value(*option);
    else if (*option == "--suite") o.suite = args.value(*option);
    else if (*option == "-t" || *option == "--test") o.patterns.push_back(args.value(*option));
    else if (*option == "--find-fix") o.find_fix = true;
    else if (*option == "--repeat") o.repeat = static_cast<int>(args.positive_number(*option));
    else if (*option == "--results") o.results = args.value(*option);
    else if (*option == "--bisect-id") o.id = args.value(*option);
    else if (take_vm_option(args, *option, o.vm_options)) continue;
    else if (*option == "--tree" || *option == "--good" || *option == "--bad")
      throw UsageError(*option + " bisects commits of a tree; --releases bisects packaged releases: use one or the other");
    else unknown_option("bisect --releases", *option);
  }
  if (o.patterns.empty()) throw UsageError("-t PATTERN is required: the instances to judge releases by");
  return o;
}
}  // namespace

int release_bisect_main(Args& args) {
  Options options = parse(args);
  select_instances(options.patterns);   // an unknown pattern is refused before anything boots
  if (geteuid() != 0) throw UsageError("'daxtorture bisect' boots guests and needs root; run it with sudo");
  std::vector<Release> releases = packaged_releases(options.range, options.suite);
  const std::string dir = make_release_folder(options.results, options.id, "bisect-releases", "--bisect-id", releases);
  const auto started = std::chrono::steady_clock::now();
  std::cerr << "daxtorture bisect: " << releases.size() << " releases " << releases.front().version << " .. "
            << releases.back().version << " (" << (options.find_fix ? "bad .. good" : "good .. bad")
            << "); at most " << (64 - __builtin_clzll(releases.size() - 1)) + 1 << " boots" << std::endl;

  std::string steps;
  int boots = 0;
  auto judge = [&](size_t i) {
    ++boots;
    std::cerr << "daxtorture bisect: [" << Progress::format_elapsed(seconds_since(started)) << "] boot " << boots
              << ": " << releases[i].version << " (" << releases[i].package << ")" << std::endl;
    ReleaseRun run = run_release({releases[i], options.patterns, dir + "/runs", releases[i].version,
                                  options.repeat, 1, options.vm_options});
    std::string reason;
    Outcome outcome = !run.ran ? Outcome::skip : judge_run(run.run, &reason);
    if (!run.ran) reason = "did not run (vm exit " + std::to_string(run.exit_status) + ", log: " + run.log + ")";
    // With --find-fix the question is turned around: passing is "after the change".
    Outcome as_asked = !options.find_fix || outcome == Outcome::skip ? outcome
                     : outcome == Outcome::passes ? Outcome::fails : Outcome::passes;
    std::string line = releases[i].version + " " + outcome_name(outcome) + " " + whole_seconds(run.seconds) +
                       " s: " + reason;
    steps += line + "\n";
    write_text_file(dir + "/steps.txt", steps);
    std::cerr << "daxtorture bisect: " << line << std::endl;
    return as_asked;
  };
  std::string why;
  int answer = bisect_releases(releases.size(), judge, &why);
  const std::string elapsed = Progress::format_elapsed(seconds_since(started));
  if (answer < 0) {
    write_text_file(dir + "/summary.txt", "no answer: " + why + "\n" + steps);
    std::cerr << "daxtorture bisect: no answer after " << boots << " boots in " << elapsed << ": " << why << std::endl;
    std::cout << "no " << (options.find_fix ? "fixed" : "bad") << " release found: " << why << std::endl;
    return 1;
  }
  const std::string found = releases[answer].version, before = releases[answer - 1].version;
  const std::string summary = options.find_fix ? "first fixed release: " + found + " (last bad: " + before + ")"
                                               : "first bad release: " + found + " (last good: " + before + ")";
  write_text_file(dir + "/summary.txt", summary + "\n" + std::to_string(boots) + " boots in " + elapsed + "\n" + steps);
  std::cerr << "daxtorture bisect: " << boots << " boots in " << elapsed << "; folder " << dir << std::endl;
  std::cout << summary << std::endl;
  return 0;
}

}  // namespace dt
