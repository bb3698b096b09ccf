#include "reports/failure_text.h"

#include <cstdint>

namespace dt::reports {

std::string failure_line(const Failure& f) {
  return f.file + ":" + std::to_string(f.line) + ": " + f.check + ": " + f.message;
}

std::string kernel_line(const KernelFinding& k) {
  const bool says_kind = !k.kind.empty() && k.line.compare(0, k.kind.size(), k.kind) == 0;
  return says_kind || k.kind.empty() ? "kernel: " + k.line : "kernel: " + k.kind + ": " + k.line;
}

std::string unplaced_line(const UnplacedLine& u) {
  return "kernel line not charged to this instance (" + u.why + "): " + u.line;
}

std::string fix_hint(const FixTag& fix) {
  return "HINT: you may be missing kernel fix " + fix.sha + " (\"" + fix.subject + "\")";
}

std::string expectation_line(const InstanceResult& r) {
  if (r.expectation == Expectation::none) return "";
  std::string line = expectation_name(r.expectation);
  if (r.expectation == Expectation::new_failure) return line;
  if (!r.expectation_note.empty()) line += ": " + r.expectation_note;
  // The file as the project names it, wherever the checkout is.
  std::string source = r.expectation_source;
  if (const size_t at = source.find("/vm-configs/"); at != std::string::npos) source.erase(0, at + 1);
  if (!source.empty()) line += " (" + source + ")";
  return line;
}

std::vector<std::string> verdict_lines(const InstanceResult& r, const VerdictOptions& options) {
  std::vector<std::string> lines;
  // A reason that is one of the kernel lines below is said there.
  bool reason_is_kernel_line = false;
  for (const auto& k : r.kernel_findings) reason_is_kernel_line |= r.reason == kernel_line(k);
  if (options.reason && !r.reason.empty() && r.status != Status::pass && !reason_is_kernel_line)
    lines.push_back(std::string(status_name(r.status)) + ": " + r.reason);
  for (const auto& f : r.failures) lines.push_back(failure_line(f));
  const size_t shown = std::min(r.kernel_findings.size(), options.max_kernel_lines);
  for (size_t i = 0; i < shown; ++i) lines.push_back(kernel_line(r.kernel_findings[i]));
  if (shown < r.kernel_findings.size())
    lines.push_back("kernel: " + std::to_string(r.kernel_findings.size() - shown) +
                    " more findings in the instance's dmesg.txt");
  for (const auto& u : r.unplaced_kernel_lines) lines.push_back(unplaced_line(u));
  if (options.hints && status_blames_kernel(r.status))
    for (const auto& fix : r.fixes) lines.push_back(fix_hint(fix));
  return lines;
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  return all;
}

}  // namespace dt::reports
