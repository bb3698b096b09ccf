#include "runners/bisect/bisect_record.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/text_file.h"
#include "runners/kernel/logged_process.h"

namespace dt {

namespace {
std::string no_tabs(std::string text) {
  for (char& c : text)
    if (c == '\t' || c == '\n') c = ' ';
  return text;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) fields.push_back(field);
  return fields;
}
}  // namespace

std::string verdict_word(Outcome outcome, bool find_fix) {
  if (outcome == Outcome::skip) return "skip";
  if (find_fix) return outcome == Outcome::passes ? "fixed" : "broken";
  return outcome == Outcome::passes ? "good" : "bad";
}

int boot_bound(long commits) {
  if (commits <= 1) return 1;
  return static_cast<int>(std::ceil(std::log2(static_cast<double>(commits)))) + 1;
}

void append_step(const std::string& bisect_dir, const StepResult& step) {
  std::string path = bisect_dir + "/steps.tsv";
  std::string text = read_text_file(path).value_or(
      "# number\trole\tcommit\tsubject\tbuild_s\trun_s\toutcome\treason\trun_dir\n");
  char times[64];
  snprintf(times, sizeof times, "%.1f\t%.1f", step.build_s, step.run_s);
  text += std::to_string(step.number) + "\t" + step.role + "\t" + step.commit + "\t" + no_tabs(step.subject) +
          "\t" + times + "\t" + outcome_name(step.outcome) + "\t" + no_tabs(step.reason) + "\t" + step.run_dir + "\n";
  write_file_atomically(path, text);
}

std::vector<StepResult> load_steps(const std::string& bisect_dir) {
  std::vector<StepResult> steps;
  std::istringstream lines(read_text_file(bisect_dir + "/steps.tsv").value_or(""));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto f = split_tabs(line);
    if (f.size() < 8) continue;
    StepResult step;
    step.number = std::stoi(f[0]);
    step.role = f[1];
    step.commit = f[2];
    step.subject = f[3];
    step.build_s = std::stod(f[4]);
    step.run_s = std::stod(f[5]);
    step.outcome = f[6] == "pass" ? Outcome::passes : f[6] == "fail" ? Outcome::fails : Outcome::skip;
    step.reason = f[7];
    step.run_dir = f.size() > 8 ? f[8] : "";
    steps.push_back(step);
  }
  return steps;
}

std::string steps_table(const std::vector<StepResult>& steps, bool find_fix) {
  std::string table;
  char line[512];
  snprintf(line, sizeof line, "%-3s %-9s %-12s %-48s %7s %10s  %-7s %s\n", "#", "role", "commit", "subject",
           "build s", "boot+run s", "verdict", "note");
  table += line;
  for (const auto& step : steps) {
    std::string subject = step.subject.size() > 48 ? step.subject.substr(0, 45) + "..." : step.subject;
    std::string note = step.reason.size() > 160 ? step.reason.substr(0, 157) + "..." : step.reason;
    snprintf(line, sizeof line, "%-3d %-9s %-12s %-48s %7s %10s  %-7s ", step.number, step.role.c_str(),
             step.commit.substr(0, 12).c_str(), subject.c_str(), whole_seconds(step.build_s).c_str(),
             whole_seconds(step.run_s).c_str(), verdict_word(step.outcome, find_fix).c_str());
    table += line + note + "\n";
  }
  return table;
}

}  // namespace dt
