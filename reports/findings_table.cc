#include "reports/findings_table.h"

#include "reports/failure_text.h"

#include <cstdio>
#include <string>
#include <vector>

namespace dt::reports {

namespace {
std::string one_line(std::string text, size_t limit) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() > limit) text = text.substr(0, limit - 3) + "...";
  return text;
}

std::string metric_ms(const InstanceResult& instance, const std::string& name) {
  for (const auto& metric : instance.metrics) {
    if (metric.name != name) continue;
    char text[32];
    snprintf(text, sizeof text, "%.0f", metric.unit == "s" ? metric.value * 1e3 : metric.value);
    return text;
  }
  return "";
}

std::string escape_cell(std::string text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string regex_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string(".^$|()[]{}*+?\\").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

std::string first_evidence(const InstanceResult& instance) {
  if (!instance.failures.empty()) return one_line(instance.failures.front().message, 200);
  if (!instance.reason.empty()) return one_line(instance.reason, 200);
  if (!instance.kernel_findings.empty())
    return one_line(kernel_line(instance.kernel_findings.front()), 200);
  return "";
}

std::string all_evidence(const InstanceResult& instance) {
  std::vector<std::string> pieces;
  for (const auto& failure : instance.failures) pieces.push_back(one_line(failure.message, 320));
  if (pieces.empty() && !instance.reason.empty()) pieces.push_back(one_line(instance.reason, 320));
  for (const auto& finding : instance.kernel_findings)
    if (finding.kind != "taint") pieces.push_back(one_line(kernel_line(finding), 200));
  std::string joined;
  for (const auto& piece : pieces) joined += (joined.empty() ? "" : "<br>") + piece;
  return joined;
}

void write_markdown_table(std::ostream& out, const RunResult& run) {
  out << "| instance | verdict | wait ms | release→return ms | evidence |\n"
      << "|---|---|---|---|---|\n";
  for (const auto& instance : run.instances) {
    bool failed = status_is_failure(instance.status);
    out << "| " << instance.name << " | " << status_name(instance.status) << " | "
        << metric_ms(instance, "change_wait") << " | "
        << metric_ms(instance, "release_to_change_return") << " | "
        << escape_cell(failed || instance.status == Status::skip ? all_evidence(instance) : "")
        << " |\n";
  }
}

void write_known_failures(std::ostream& out, const RunResult& run) {
  const std::string& release = run.info.kernel_release;
  out << "# Known failures seen on " << release << " in run " << run.info.run_id
      << ".\n# Review each line (and widen the kernel pattern) before committing.\n"
      << "kernel: ^" << regex_escaped(release) << "$\n\n";
  for (const auto& instance : run.instances) {
    if (!status_is_failure(instance.status)) continue;
    out << instance.name << "  " << status_name(instance.status) << "  "
        << one_line(first_evidence(instance), 160) << " (" << release << ")\n";
  }
}

}  // namespace dt::reports
