#include "reports/junit.h"

#include <string>

#include "reports/failure_text.h"
#include "reports/text.h"

namespace dt::reports {

namespace {

std::string attr(std::string_view value) { return xml_escape(value, true); }
std::string body(std::string_view value) { return xml_escape(value, false); }

std::string seconds(double s) { return fixed(s > 0 ? s : 0, 3); }

struct Counts {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double time = 0;

  void add(const RunResult& run) {
    for (const auto& instance : run.instances) {
      ++tests;
      switch (instance.status) {
        case Status::pass: break;
        case Status::skip: ++skipped; break;
        case Status::fail: ++failures; break;
        case Status::broken:
        case Status::timeout:
        case Status::crash: ++errors; break;
      }
    }
    if (run.info.duration_s > 0) time += run.info.duration_s;
  }

  // junit-10.xsd allows "skipped" on <testsuite> only, not on <testsuites>.
  std::string attributes(bool with_skipped) const {
    return " tests=\"" + std::to_string(tests) + "\" failures=\"" +
           std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
           (with_skipped ? "\" skipped=\"" + std::to_string(skipped) : std::string()) +
           "\" time=\"" + seconds(time) + "\"";
  }
};

// Everything else worth seeing next to the verdict.
std::vector<std::string> context_lines(const InstanceResult& r) {
  std::vector<std::string> lines;
  if (r.expectation != Expectation::none)
    lines.push_back("expectation: " + expectation_line(r));
  if (r.taint_after != r.taint_before)
    lines.push_back("taint: " + hex(r.taint_before) + " -> " +
                    hex(r.taint_after));
  for (const auto& m : r.metrics)
    lines.push_back("metric: " + m.name + " = " + fixed(m.value, 3) +
                    (m.unit.empty() ? "" : " " + m.unit));
  if (!r.artifacts.empty()) lines.push_back("artifacts: " + r.artifacts);
  return lines;
}

// The one-line message of a <failure>/<error>: the first reason to look,
// after "known failure: " when the expectations file knows it, so that a CI
// page tells the known from the new at a glance.
std::string headline(const InstanceResult& r,
                     const std::vector<std::string>& verdict) {
  const std::string first = verdict.empty() ? status_name(r.status) : verdict.front();
  if (r.expectation == Expectation::known_failure) return "known failure: " + first;
  return first;
}

void write_testcase(std::ostream& out, const InstanceResult& r) {
  const std::string classname = r.workload.empty() ? "daxtorture" : r.workload;
  out << "    <testcase name=\"" << attr(r.name) << "\" classname=\""
      << attr(classname) << "\" time=\"" << seconds(r.duration_s) << "\"";

  const auto verdict = verdict_lines(r);
  auto context = context_lines(r);
  std::string children;
  switch (r.status) {
    case Status::pass: break;
    case Status::skip:
      children += "      <skipped message=\"" + attr(r.reason) + "\"/>\n";
      break;
    case Status::fail:
      children += "      <failure message=\"" + attr(headline(r, verdict)) +
                  "\" type=\"FAIL\">" + body(joined_lines(verdict)) + "</failure>\n";
      break;
    case Status::broken:
    case Status::timeout:
    case Status::crash:
      children += "      <error message=\"" + attr(headline(r, verdict)) +
                  "\" type=\"" + status_name(r.status) + "\">" +
                  body(joined_lines(verdict)) + "</error>\n";
      break;
  }
  std::vector<std::string> output = verdict;
  output.insert(output.end(), context.begin(), context.end());
  if (!output.empty())
    children += "      <system-out>" + body(joined_lines(output)) + "</system-out>\n";

  if (children.empty()) {
    out << "/>\n";
  } else {
    out << ">\n" << children << "    </testcase>\n";
  }
}

void write_property(std::ostream& out, std::string_view name,
                    std::string_view value) {
  out << "      <property name=\"" << attr(name) << "\" value=\""
      << attr(value) << "\"/>\n";
}

void write_testsuite(std::ostream& out, const RunResult& run, size_t id) {
  const RunInfo& info = run.info;
  Counts counts;
  counts.add(run);
  // Unique per run: two runs of one kernel in one file are two suites.
  std::string name = "daxtorture";
  if (!info.kernel_release.empty()) name += "/" + info.kernel_release;
  if (!info.run_id.empty()) name += "/" + info.run_id;
  out << "  <testsuite name=\"" << attr(name) << "\" id=\"" << id << "\""
      << counts.attributes(true);
  if (!info.started_at.empty())
    out << " timestamp=\"" << attr(info.started_at) << "\"";
  if (!info.machine.empty())
    out << " hostname=\"" << attr(info.machine) << "\"";
  out << ">\n";

  out << "    <properties>\n";
  write_property(out, "run_id", info.run_id);
  write_property(out, "kernel_release", info.kernel_release);
  write_property(out, "kernel_version", info.kernel_version);
  write_property(out, "machine", info.machine);
  write_property(out, "tool_version", info.tool_version);
  write_property(out, "started_at", info.started_at);
  write_property(out, "finished_at", info.finished_at);
  write_property(out, "status", status_name(overall_status(run)));
  for (const auto& [key, value] : info.environment)
    write_property(out, "environment." + key, value);
  out << "    </properties>\n";

  for (const auto& instance : run.instances) write_testcase(out, instance);
  out << "  </testsuite>\n";
}

void write_document(std::ostream& out,
                    const std::vector<const RunResult*>& runs) {
  Counts total;
  for (const RunResult* run : runs) total.add(*run);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"daxtorture\"" << total.attributes(false) << ">\n";
  for (size_t i = 0; i < runs.size(); ++i) write_testsuite(out, *runs[i], i);
  out << "</testsuites>\n";
}

}  // namespace

void write_junit(std::ostream& out, const std::vector<RunResult>& runs) {
  std::vector<const RunResult*> all;
  for (const auto& run : runs) all.push_back(&run);
  write_document(out, all);
}

void write_junit(std::ostream& out, const RunResult& run) {
  write_document(out, {&run});
}

}  // namespace dt::reports
