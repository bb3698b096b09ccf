#include "runners/results/kernel_coverage.h"

#include <filesystem>
#include <sstream>

#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "runners/results/coverage_counts.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
constexpr const char* kCoverageFolder = "coverage";

std::string chomped(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Runs gcov over `data` (.gcda files, each with its .gcno beside it, or
// .gcno files alone: "not executed") and adds what it prints. gcov's
// warnings go to a file of their own, so that they cannot split a line of
// its JSON.
void run_gcov(const std::vector<std::string>& data, const std::vector<std::string>& files, const std::string& scratch,
              CoverageCounts& counts) {
  if (data.empty()) return;
  std::string warnings = scratch + "/gcov-warnings.txt";
  std::vector<std::string> argv = {"sh", "-c", "cd \"$0\" && exec gcov --json-format --stdout \"$@\" 2>>\"$0/gcov-warnings.txt\"",
                                   scratch};
  argv.insert(argv.end(), data.begin(), data.end());
  CommandResult result = run_command(argv, std::chrono::seconds(600));
  if (result.exit_status != 0)
    throw SetupError("gcov failed on " + std::to_string(data.size()) + " coverage files (" + describe_failure(result) +
                     "; " + chomped(read_text_file(warnings).value_or("")) + ")");
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] == '{' && !add_gcov_json(line, files, counts))
      throw SetupError("gcov printed a line that is not its JSON: " + line.substr(0, 120));
}

// The instance's counters: each .gcda below its gcov/ folder gets the
// build's .gcno beside it (a symlink), found by its path in the O= folder.
std::vector<std::string> instance_counters(const std::string& gcov_dir, const std::string& objtree,
                                           const std::string& notes) {
  std::vector<std::string> data;
  fs::path mirrored = fs::path(gcov_dir) / fs::path(objtree).relative_path();
  std::error_code error;
  for (fs::recursive_directory_iterator it(mirrored, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension() != ".gcda") continue;
    fs::path relative = fs::relative(it->path(), mirrored);
    fs::path note = fs::path(notes) / "notes" / fs::path(relative).replace_extension(".gcno");
    if (!fs::exists(note)) continue;  // an object outside the covered set
    fs::path link = fs::path(it->path()).replace_extension(".gcno");
    fs::remove(link);
    fs::create_symlink(note, link);
    data.push_back(it->path());
  }
  return data;
}

// Every covered object's lines and functions at zero: the totals hold even
// for code no instance loaded (a module never probed).
CoverageCounts zero_counts(const CoverageInputs& inputs, const std::string& scratch) {
  std::vector<std::string> notes;
  std::error_code error;
  for (fs::recursive_directory_iterator it(inputs.notes + "/notes", error), end; !error && it != end;
       it.increment(error))
    if (it->path().extension() == ".gcno") notes.push_back(it->path());
  CoverageCounts counts;
  run_gcov(notes, inputs.files, scratch, counts);
  return counts;
}

void draw_html(const std::string& coverage_dir, const CoverageInputs& inputs, KernelCoverage& coverage) {
  if (!program_available("genhtml")) {
    coverage.note = "no HTML: genhtml is not installed; fix: apt-get install lcov, then genhtml " +
                    coverage_dir + "/kernel.info -o " + coverage_dir + "/html";
    return;
  }
  CommandResult result = run_command({"genhtml", "--quiet", "--function-coverage", "--prefix",
                                      inputs.notes + "/source", "--title", inputs.title, "--output-directory",
                                      coverage_dir + "/html", coverage_dir + "/kernel.info"},
                                     std::chrono::seconds(600));
  if (result.exit_status != 0) {
    coverage.note = "no HTML: genhtml failed: " + describe_failure(result);
    return;
  }
  coverage.html = std::string(kCoverageFolder) + "/html/index.html";
}
}  // namespace

KernelCoverage collect_kernel_coverage(const std::string& run_dir, const CoverageInputs& inputs,
                                       std::vector<InstanceResult>& instances, const CoverageProgress& progress) {
  std::string objtree = chomped(read_text_file(inputs.notes + "/objtree").value_or(""));
  if (objtree.empty())
    throw SetupError("no gcov notes in " + inputs.notes + " (objtree missing); fix: build the kernel again with "
                     "'daxtorture build --tree DIR --coverage'");
  std::string coverage_dir = run_dir + "/" + kCoverageFolder;
  make_directories(coverage_dir);
  CoverageCounts total = zero_counts(inputs, coverage_dir);
  KernelCoverage coverage;
  for (size_t i = 0; i < instances.size(); ++i) {
    InstanceResult& instance = instances[i];
    std::string gcov_dir = run_dir + "/" + instance.artifacts + "/gcov";
    if (!instance.artifacts.empty() && fs::exists(gcov_dir)) {
      CoverageCounts counts;
      run_gcov(instance_counters(gcov_dir, objtree, inputs.notes), inputs.files, coverage_dir, counts);
      instance.kernel_functions_reached = functions_reached(counts);
      add_counts(total, counts);
      ++coverage.instances;
      fs::remove_all(gcov_dir);
    }
    if (progress) progress(i + 1, instances.size());
  }
  coverage.files = summarize_coverage(total, inputs.files);
  write_text_file(coverage_dir + "/kernel.info", lcov_tracefile(total, inputs.notes + "/source", "daxtorture"));
  coverage.tracefile = std::string(kCoverageFolder) + "/kernel.info";
  // gcov said "not executed" of every object no instance loaded: expected, and nothing to keep.
  fs::remove(coverage_dir + "/gcov-warnings.txt");
  draw_html(coverage_dir, inputs, coverage);
  return coverage;
}

}  // namespace dt
