#include "reports/html.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "reports/text.h"

namespace dt::reports {

namespace {

constexpr Status kStatuses[] = {Status::pass,   Status::skip,
                                Status::fail,   Status::broken,
                                Status::timeout, Status::crash};

std::string esc(std::string_view s) { return xml_escape(s, false); }
std::string attr(std::string_view s) { return xml_escape(s, true); }

// Fill colours shared by the tables (via CSS) and the SVG bars (inline, so
// the chart keeps its colours when copied out of the page).
const char* colour(Status s) {
  switch (s) {
    case Status::pass: return "#5cb85c";
    case Status::skip: return "#aaaaaa";
    case Status::fail: return "#d9534f";
    case Status::broken: return "#f0ad4e";
    case Status::timeout: return "#b36bd6";
    case Status::crash: return "#7a1f1f";
  }
  return "#000000";
}

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left;
         vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; }
.st { font-weight: bold; }
.st-PASS { background: #dff0d8; }
.st-SKIP { background: #eeeeee; color: #666; }
.st-FAIL { background: #f2dede; }
.st-BROKEN { background: #fcf0d8; }
.st-TIMEOUT { background: #eedcf5; }
.st-CRASH { background: #7a1f1f; color: #fff; }
.st-CRASH a { color: #fff; }
td.absent { color: #999; }
tr.differs td.mark { color: #d9534f; font-weight: bold; }
div.failure { border-left: 4px solid #d9534f; padding: 0 1em; margin: 1em 0; }
pre { background: #f8f8f8; padding: 4px; white-space: pre-wrap; }
small { color: #666; }
)";

// Cut to at most `limit` bytes on a character boundary, marking the cut.
std::string shorten(const std::string& s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
}

double finite(double value) { return std::isfinite(value) ? value : 0; }

std::string run_label(const RunResult& run, size_t index) {
  if (!run.info.kernel_release.empty()) return run.info.kernel_release;
  if (!run.info.run_id.empty()) return run.info.run_id;
  return "run " + std::to_string(index + 1);
}

std::string anchor(size_t run, size_t instance) {
  return "f-" + std::to_string(run) + "-" + std::to_string(instance);
}

std::string status_span(Status s) {
  return std::string("<span class=\"st st-") + status_name(s) + "\">" +
         status_name(s) + "</span>";
}

void write_runs(std::ostream& out, const std::vector<RunResult>& runs) {
  out << "<h2>Runs</h2>\n<table>\n<tr><th>Run</th><th>Kernel</th>"
         "<th>Machine</th><th>Started</th><th>Duration</th><th>Verdict</th>";
  for (Status s : kStatuses) out << "<th>" << status_name(s) << "</th>";
  out << "<th>Total</th></tr>\n";
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunInfo& info = runs[i].info;
    size_t counts[std::size(kStatuses)] = {};
    for (const auto& instance : runs[i].instances)
      ++counts[static_cast<size_t>(instance.status)];
    const Status verdict = overall_status(runs[i]);
    out << "<tr><td>" << esc(info.run_id) << "</td><td>"
        << esc(info.kernel_release) << "<br><small>"
        << esc(info.kernel_version) << "</small></td><td>"
        << esc(info.machine) << "</td><td>" << esc(info.started_at)
        << "</td><td class=\"num\">" << fixed(finite(info.duration_s), 1)
        << " s</td><td class=\"st-" << status_name(verdict) << "\">"
        << status_span(verdict) << "</td>";
    for (size_t k = 0; k < std::size(kStatuses); ++k)
      out << "<td class=\"num\">" << counts[k] << "</td>";
    out << "<td class=\"num\">" << runs[i].instances.size() << "</td></tr>\n";
  }
  out << "</table>\n";

  for (size_t i = 0; i < runs.size(); ++i) {
    const RunInfo& info = runs[i].info;
    if (info.environment.empty() && info.tool_version.empty()) continue;
    out << "<details><summary>Environment of " << esc(run_label(runs[i], i))
        << " (" << esc(info.run_id) << ")</summary>\n<table>\n";
    out << "<tr><th>tool_version</th><td>" << esc(info.tool_version)
        << "</td></tr>\n";
    out << "<tr><th>finished_at</th><td>" << esc(info.finished_at)
        << "</td></tr>\n";
    for (const auto& [key, value] : info.environment)
      out << "<tr><th>" << esc(key) << "</th><td>" << esc(value)
          << "</td></tr>\n";
    out << "</table>\n</details>\n";
  }
}

void write_comparison(std::ostream& out, const std::vector<RunResult>& runs) {
  // Instance names in first-seen order, and where each sits in each run.
  std::vector<std::string> names;
  std::set<std::string> seen;
  std::vector<std::map<std::string, size_t>> index(runs.size());
  for (size_t r = 0; r < runs.size(); ++r)
    for (size_t i = 0; i < runs[r].instances.size(); ++i) {
      const std::string& name = runs[r].instances[i].name;
      index[r].emplace(name, i);
      if (seen.insert(name).second) names.push_back(name);
    }

  const bool compare = runs.size() > 1;
  out << "<h2>Instances</h2>\n<table>\n<tr>";
  if (compare) out << "<th title=\"status differs between runs\">&#8800;</th>";
  out << "<th>Instance</th>";
  for (size_t r = 0; r < runs.size(); ++r)
    out << "<th>" << esc(run_label(runs[r], r)) << "<br><small>"
        << esc(runs[r].info.run_id) << "</small></th>";
  out << "</tr>\n";

  for (const auto& name : names) {
    std::set<Status> statuses;
    bool absent_somewhere = false;
    for (size_t r = 0; r < runs.size(); ++r) {
      auto it = index[r].find(name);
      if (it == index[r].end())
        absent_somewhere = true;
      else
        statuses.insert(runs[r].instances[it->second].status);
    }
    const bool differs = compare && (statuses.size() > 1 || absent_somewhere);
    out << (differs ? "<tr class=\"differs\">" : "<tr>");
    if (compare) out << "<td class=\"mark\">" << (differs ? "&#8800;" : "")
                     << "</td>";
    out << "<td>" << esc(name) << "</td>";
    for (size_t r = 0; r < runs.size(); ++r) {
      auto it = index[r].find(name);
      if (it == index[r].end()) {
        out << "<td class=\"absent\">&#8212;</td>";
        continue;
      }
      const InstanceResult& instance = runs[r].instances[it->second];
      const char* word = status_name(instance.status);
      out << "<td class=\"st-" << word << "\"";
      if (!instance.reason.empty()) out << " title=\"" << attr(instance.reason) << "\"";
      out << ">";
      if (status_is_failure(instance.status))
        out << "<a href=\"#" << anchor(r, it->second) << "\">" << word << "</a>";
      else
        out << word;
      out << " <small>" << fixed(finite(instance.duration_s), 2) << " s</small>";
      if (instance.expectation != Expectation::none)
        out << "<br><small>" << esc(expectation_name(instance.expectation))
            << "</small>";
      out << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</table>\n";
}

void write_failure(std::ostream& out, const InstanceResult& r,
                   const std::string& id) {
  out << "<div class=\"failure\" id=\"" << attr(id) << "\">\n<h4>"
      << status_span(r.status) << " " << esc(r.name) << "</h4>\n";
  if (!r.reason.empty()) out << "<p>" << esc(r.reason) << "</p>\n";
  if (!r.failures.empty()) {
    out << "<ul>\n";
    for (const auto& f : r.failures)
      out << "<li><code>" << esc(f.file) << ":" << f.line << "</code>: <code>"
          << esc(f.check) << "</code>: " << esc(f.message) << "</li>\n";
    out << "</ul>\n";
  }
  if (!r.kernel_findings.empty()) {
    out << "<pre>";
    for (const auto& k : r.kernel_findings)
      out << esc(k.kind) << ": " << esc(k.line) << "\n";
    out << "</pre>\n";
  }
  for (const auto& fix : r.fixes)
    out << "<p>You may be missing kernel fix <code>" << esc(fix.sha)
        << "</code> (&quot;" << esc(fix.subject) << "&quot;)</p>\n";
  out << "<p><small>";
  if (r.expectation != Expectation::none)
    out << esc(expectation_name(r.expectation)) << " &#183; ";
  out << "duration " << fixed(finite(r.duration_s), 3) << " s";
  if (r.taint_after != r.taint_before)
    out << " &#183; taint " << hex(r.taint_before) << " &#8594; "
        << hex(r.taint_after);
  if (!r.artifacts.empty())
    out << " &#183; artifacts <code>" << esc(r.artifacts) << "</code>";
  out << "</small></p>\n</div>\n";
}

void write_failures(std::ostream& out, const std::vector<RunResult>& runs) {
  out << "<h2>Failures</h2>\n";
  for (size_t r = 0; r < runs.size(); ++r) {
    out << "<h3>" << esc(run_label(runs[r], r)) << " <small>"
        << esc(runs[r].info.run_id) << "</small></h3>\n";
    bool any = false;
    for (size_t i = 0; i < runs[r].instances.size(); ++i) {
      const InstanceResult& instance = runs[r].instances[i];
      if (!status_is_failure(instance.status)) continue;
      write_failure(out, instance, anchor(r, i));
      any = true;
    }
    if (!any) out << "<p>No failures.</p>\n";
  }
}

// Horizontal bars, longest first, so the slow instances head the chart.
void write_duration_chart(std::ostream& out, const RunResult& run,
                          const std::string& label) {
  constexpr int kLabelWidth = 320, kBarWidth = 420, kValueWidth = 90;
  constexpr int kRow = 18, kBar = 13;
  std::vector<const InstanceResult*> order;
  for (const auto& instance : run.instances) order.push_back(&instance);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) {
    return finite(a->duration_s) > finite(b->duration_s);
  });
  double longest = 0;
  for (auto* instance : order)
    longest = std::max(longest, finite(instance->duration_s));

  const int height = static_cast<int>(order.size()) * kRow + 4;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
      << kLabelWidth + kBarWidth + kValueWidth << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"" << attr("Instance durations, " + label)
      << "\">\n<g font-family=\"sans-serif\" font-size=\"12\">\n";
  for (size_t row = 0; row < order.size(); ++row) {
    const InstanceResult& instance = *order[row];
    const double seconds = std::max(0.0, finite(instance.duration_s));
    const int y = static_cast<int>(row) * kRow + 2;
    const double width = longest > 0 ? seconds / longest * kBarWidth : 0;
    const std::string value = fixed(seconds, 3) + " s";
    out << "<text x=\"" << kLabelWidth - 6 << "\" y=\"" << y + 11
        << "\" text-anchor=\"end\">" << esc(shorten(instance.name, 48))
        << "<title>" << esc(instance.name) << "</title></text>\n";
    out << "<rect x=\"" << kLabelWidth << "\" y=\"" << y << "\" width=\""
        << fixed(width, 1) << "\" height=\"" << kBar << "\" fill=\""
        << colour(instance.status) << "\"><title>"
        << esc(instance.name + ": " + value + " (" +
               status_name(instance.status) + ")")
        << "</title></rect>\n";
    out << "<text x=\"" << kLabelWidth + static_cast<int>(width) + 4
        << "\" y=\"" << y + 11 << "\">" << value << "</text>\n";
  }
  out << "</g>\n</svg>\n";
}

}  // namespace

void write_html(std::ostream& out, const std::vector<RunResult>& runs,
                std::string_view title) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>" << esc(title) << "</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n<h1>" << esc(title) << "</h1>\n";
  write_runs(out, runs);
  write_comparison(out, runs);
  write_failures(out, runs);
  out << "<h2>Durations</h2>\n";
  for (size_t r = 0; r < runs.size(); ++r) {
    const std::string label = run_label(runs[r], r);
    out << "<h3>" << esc(label) << " <small>" << esc(runs[r].info.run_id)
        << "</small></h3>\n";
    write_duration_chart(out, runs[r], label);
  }
  out << "</body>\n</html>\n";
}

}  // namespace dt::reports
