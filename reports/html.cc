#include "reports/html.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <string>

#include "reports/failure_text.h"
#include "reports/html_parts.h"
#include "reports/kcidb.h"
#include "reports/text.h"

namespace dt::reports {

namespace {

using Esc = std::string;
Esc esc(std::string_view s) { return html_text(s); }
Esc attr(std::string_view s) { return html_attribute(s); }

constexpr Need kNeeds[] = {Need::new_failure, Need::fixed, Need::known, Need::passed,
                           Need::skipped};

double finite(double value) { return std::isfinite(value) ? value : 0; }

std::string card_id(size_t run, const std::string& name) { return card_anchor(run, name); }

std::string link(const HtmlRun& run, const std::string& path, const std::string& label) {
  return "<a href=\"" + attr(run.link_prefix + url_path(path)) + "\">" + esc(label) + "</a>";
}

// The instance folder's file by name, "" when it has none.
std::string instance_file(const HtmlRun& run, const std::string& instance, const std::string& name) {
  auto files = run.files.find(instance);
  if (files == run.files.end()) return "";
  for (const auto& path : files->second)
    if (file_name(path) == name) return path;
  return "";
}

struct Counts {
  size_t by_need[std::size(kNeeds)] = {};
  size_t of(Need need) const { return by_need[static_cast<size_t>(need)]; }
};

Counts count(const RunResult& run) {
  Counts counts;
  for (const auto& instance : run.instances) ++counts.by_need[static_cast<size_t>(need_of(instance))];
  return counts;
}

bool judged(const RunResult& run) {
  for (const auto& instance : run.instances)
    if (instance.expectation != Expectation::none) return true;
  return false;
}

// One sentence: does anything need doing?
void write_verdict(std::ostream& out, const RunResult& run, const Counts& counts) {
  const size_t fresh = counts.of(Need::new_failure), fixed = counts.of(Need::fixed),
               known = counts.of(Need::known);
  std::string text, cls;
  if (fresh > 0) {
    cls = "need-new";
    text = "Action needed: " + std::to_string(fresh) +
           (judged(run) ? " new failure" : " failure") + (fresh == 1 ? "" : "s") +
           (judged(run) ? "" : " (no expectations file applied)");
  } else if (fixed > 0) {
    cls = "need-fixed";
    text = "Nothing new fails; " + std::to_string(fixed) + " known failure" +
           (fixed == 1 ? " passes" : "s pass") + " now: update the expectations file";
  } else if (known > 0) {
    cls = "need-known";
    text = "Nothing new: " + std::to_string(known) + " known failure" + (known == 1 ? "" : "s");
  } else {
    cls = "need-pass";
    text = "All passed";
  }
  out << "<p class=\"verdict " << cls << "\">" << esc(text) << "</p>\n";
}

void write_headline(std::ostream& out, const std::vector<HtmlRun>& runs) {
  for (size_t r = 0; r < runs.size(); ++r) {
    const RunResult& run = *runs[r].run;
    const Counts counts = count(run);
    if (runs.size() > 1) out << "<h3>" << esc(run_label(run)) << "</h3>\n";
    write_verdict(out, run, counts);
    out << "<div class=\"headline\">\n";
    for (Need need : kNeeds) {
      const size_t n = counts.of(need);
      out << "<div class=\"tile " << (n > 0 ? need_class(need) : "zero") << "\"><b>" << n
          << "</b>" << need_title(need) << "</div>\n";
    }
    out << "</div>\n";
    const RunInfo& info = run.info;
    out << "<p class=\"sub\">run " << esc(info.run_id) << " &#183; " << esc(info.kernel_release);
    const KernelOrigin& origin = info.kernel_origin;
    if (!origin.package.empty())
      out << " &#183; " << esc(origin.package) << " " << esc(origin.package_version);
    if (!origin.describe.empty() || !origin.commit.empty())
      out << " &#183; " << esc(origin.describe.empty() ? origin.commit : origin.describe);
    out << " &#183; started " << esc(info.started_at) << " &#183; "
        << fixed(finite(info.duration_s), 0) << " s &#183; " << esc(info.machine);
    for (const auto& path : runs[r].run_files)
      if (path == "console.log" || path == "run.json" || path == "results.ktap")
        out << " &#183; " << link(runs[r], path, path);
    out << "</p>\n";
  }
}

void write_card(std::ostream& out, const HtmlRun& html, size_t run_index, const InstanceResult& r) {
  const Need need = need_of(r);
  out << "<div class=\"card " << need_class(need) << "\" id=\"" << card_id(run_index, r.name)
      << "\">\n<h4><span class=\"badge " << need_class(need) << "\">"
      << (need == Need::known ? "known" : "new") << "</span><span class=\"status\">"
      << status_name(r.status) << "</span> " << esc(r.name) << "</h4>\n";
  if (need == Need::known) out << "<p>" << esc(expectation_line(r)) << "</p>\n";
  const auto lines = verdict_lines(r, {.hints = false});
  if (!lines.empty()) {
    out << "<ul class=\"lines\">\n";
    for (const auto& line : lines) out << "<li>" << esc(line) << "</li>\n";
    out << "</ul>\n";
  }
  auto dmesg = html.dmesg.find(r.name);
  if (dmesg != html.dmesg.end() && !dmesg->second.empty()) {
    const size_t lines_in_slice = std::count(dmesg->second.begin(), dmesg->second.end(), '\n');
    out << "<details><summary>kernel log of this instance (" << lines_in_slice
        << " lines, call traces included)</summary>\n<pre>" << esc(dmesg->second)
        << "</pre></details>\n";
  }
  out << "<p><small>";
  if (status_blames_kernel(r.status) && !r.fixes.empty())
    out << "<a href=\"#" << fragment_id("hints-", r.workload) << "\">fixes " << esc(r.workload)
        << " guards</a> &#183; ";
  out << "duration " << fixed(finite(r.duration_s), 2) << " s";
  if (r.taint_after != r.taint_before)
    out << " &#183; taint " << hex(r.taint_before) << " &#8594; " << hex(r.taint_after);
  auto files = html.files.find(r.name);
  if (files != html.files.end() && !files->second.empty()) {
    out << " &#183; evidence:";
    for (const auto& path : files->second) out << " " << link(html, path, file_name(path));
  } else if (!r.artifacts.empty()) {
    out << " &#183; folder <code>" << esc(r.artifacts) << "</code>";
  }
  out << "</small></p>\n</div>\n";
}

void write_cards(std::ostream& out, const std::vector<HtmlRun>& runs, Need need,
                 const char* heading) {
  bool any = false;
  for (const auto& html : runs)
    for (const auto& instance : html.run->instances) any = any || need_of(instance) == need;
  if (!any) return;
  out << "<h2>" << heading << "</h2>\n";
  for (size_t r = 0; r < runs.size(); ++r) {
    if (runs.size() > 1) out << "<h3>" << esc(run_label(*runs[r].run)) << "</h3>\n";
    for (const auto& instance : runs[r].run->instances)
      if (need_of(instance) == need) write_card(out, runs[r], r, instance);
  }
}

void write_fixed(std::ostream& out, const std::vector<HtmlRun>& runs) {
  bool any = false;
  for (const auto& html : runs)
    for (const auto& instance : html.run->instances) any = any || need_of(instance) == Need::fixed;
  if (!any) return;
  out << "<h2>Fixed: listed as failing, passed</h2>\n<ul>\n";
  for (const auto& html : runs)
    for (const auto& instance : html.run->instances)
      if (need_of(instance) == Need::fixed)
        out << "<li><code>" << esc(instance.name) << "</code> on " << esc(run_label(*html.run))
            << ": " << esc(expectation_line(instance)) << "</li>\n";
  out << "</ul>\n";
}

// The pin matrix's variant shapes: CHANGE.STATE.SIZE (pin_<source>
// workloads) or SOURCE.CHANGE.STATE.SIZE (pin_matrix_sample and the like).
struct MatrixCell {
  std::string row_head, change, state, size;
};
bool matrix_cell(const InstanceResult& instance, MatrixCell& cell) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t dot = instance.variant.find('.', start);
    parts.push_back(instance.variant.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.size() == 3) parts.insert(parts.begin(), instance.workload);
  else if (parts.size() == 4) parts[0] = instance.workload + " " + parts[0];
  else return false;
  for (const auto& part : parts)
    if (part.empty()) return false;
  cell = {parts[0], parts[1], parts[2], parts[3]};
  return true;
}

template <typename T>
void add_once(std::vector<T>& list, const T& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

void write_matrix(std::ostream& out, const HtmlRun& html, size_t run_index) {
  const RunResult& run = *html.run;
  std::vector<std::string> filesystems;
  for (const auto& instance : run.instances) {
    MatrixCell cell;
    if (matrix_cell(instance, cell)) add_once(filesystems, instance.fs);
  }
  for (const auto& fs : filesystems) {
    using Row = std::pair<std::string, std::string>;      // workload (and source), change
    using Column = std::pair<std::string, std::string>;   // state, size
    std::vector<Row> rows;
    std::vector<Column> columns;
    std::map<std::pair<Row, Column>, const InstanceResult*> cells;
    for (const auto& instance : run.instances) {
      MatrixCell cell;
      if (instance.fs != fs || !matrix_cell(instance, cell)) continue;
      const Row row{cell.row_head, cell.change};
      const Column column{cell.state, cell.size};
      add_once(rows, row);
      add_once(columns, column);
      cells.emplace(std::make_pair(row, column), &instance);
    }
    if (cells.size() < 2) continue;
    out << "<h3>" << esc(fs) << (html.run ? " &#183; " + esc(run_label(run)) : "") << "</h3>\n"
        << "<table class=\"grid\">\n<tr><th rowspan=\"2\">workload / change</th>";
    std::vector<std::string> states;
    for (const auto& column : columns) add_once(states, column.first);
    for (const auto& state : states) {
      size_t span = 0;
      for (const auto& column : columns) span += column.first == state;
      out << "<th colspan=\"" << span << "\">" << esc(state) << "</th>";
    }
    out << "</tr>\n<tr>";
    for (const auto& state : states)
      for (const auto& column : columns)
        if (column.first == state) out << "<th>" << esc(column.second) << "</th>";
    out << "</tr>\n";
    for (const auto& row : rows) {
      out << "<tr><td class=\"row\">" << esc(row.first) << " / " << esc(row.second) << "</td>";
      for (const auto& state : states)
        for (const auto& column : columns) {
          if (column.first != state) continue;
          auto it = cells.find({row, column});
          if (it == cells.end()) {
            out << "<td class=\"need-skip\">&#8212;</td>";
            continue;
          }
          const InstanceResult& r = *it->second;
          const Need need = need_of(r);
          const std::string word = need == Need::known ? std::string(status_name(r.status)) + " known"
                                                       : status_name(r.status);
          out << "<td class=\"" << need_class(need) << "\" title=\"" << attr(r.name) << "\">";
          if (status_is_failure(r.status)) {
            out << "<a href=\"#" << card_id(run_index, r.name) << "\">" << esc(word) << "</a>";
          } else if (const std::string output = instance_file(html, r.name, "output.txt");
                     !output.empty()) {
            out << link(html, output, word);
          } else {
            out << esc(word);
          }
          out << "</td>";
        }
      out << "</tr>\n";
    }
    out << "</table>\n";
  }
}

void write_matrices(std::ostream& out, const std::vector<HtmlRun>& runs) {
  std::ostringstream grids;
  for (size_t r = 0; r < runs.size(); ++r) write_matrix(grids, runs[r], r);
  if (grids.str().empty()) return;  // no filesystem with two cells or more
  out << "<h2>Matrices</h2>\n<p><small>rows: workload and pin source &#215; layout change; "
         "columns: mapping state &#215; page size. A failing cell links to its card, a "
         "passing one to its output.</small></p>\n" << grids.str();
}

// Each workload's fix tags once, not on every failing card.
void write_hints(std::ostream& out, const std::vector<HtmlRun>& runs) {
  std::vector<std::string> workloads;
  std::map<std::string, std::vector<FixTag>> fixes;
  std::map<std::string, size_t> failing;
  for (const auto& html : runs)
    for (const auto& instance : html.run->instances) {
      if (!status_blames_kernel(instance.status) || instance.fixes.empty()) continue;
      add_once(workloads, instance.workload);
      fixes[instance.workload] = instance.fixes;
      ++failing[instance.workload];
    }
  if (workloads.empty()) return;
  out << "<h2>Kernel fixes the failing workloads guard</h2>\n";
  for (const auto& workload : workloads) {
    out << "<p id=\"" << fragment_id("hints-", workload) << "\"><code>" << esc(workload)
        << "</code> (" << failing[workload] << " failing instance"
        << (failing[workload] == 1 ? "" : "s") << "): you may be missing</p>\n<ul>\n";
    for (const auto& fix : fixes[workload])
      out << "<li><code>" << esc(fix.sha) << "</code> &quot;" << esc(fix.subject) << "&quot;</li>\n";
    out << "</ul>\n";
  }
}

std::string column_title(const RunResult& run) {
  return esc(run.info.kernel_release) + "<br><small>" + esc(run.info.run_id) + "<br>" +
         esc(run.info.started_at) + "</small>";
}

void write_instances(std::ostream& out, const std::vector<HtmlRun>& runs) {
  std::vector<std::string> names;
  std::vector<std::map<std::string, const InstanceResult*>> index(runs.size());
  for (size_t r = 0; r < runs.size(); ++r)
    for (const auto& instance : runs[r].run->instances) {
      index[r].emplace(instance.name, &instance);
      add_once(names, instance.name);
    }
  const bool compare = runs.size() > 1;
  out << "<h2>Instances</h2>\n";
  if (compare) out << "<p><small>&#8800;: the verdict differs between the runs.</small></p>\n";
  out << "<table>\n<tr>";
  if (compare) out << "<th>&#8800;</th>";
  out << "<th>instance</th>";
  for (const auto& html : runs) out << "<th>" << column_title(*html.run) << "</th>";
  out << "</tr>\n";
  for (const auto& name : names) {
    std::set<std::string> verdicts;
    for (size_t r = 0; r < runs.size(); ++r) {
      auto it = index[r].find(name);
      verdicts.insert(it == index[r].end() ? "-" : status_name(it->second->status));
    }
    out << "<tr>";
    if (compare) out << "<td>" << (verdicts.size() > 1 ? "&#8800;" : "") << "</td>";
    out << "<td><code>" << esc(name) << "</code></td>";
    for (size_t r = 0; r < runs.size(); ++r) {
      auto it = index[r].find(name);
      if (it == index[r].end()) {
        out << "<td class=\"need-skip\">&#8212;</td>";
        continue;
      }
      const InstanceResult& instance = *it->second;
      const Need need = need_of(instance);
      out << "<td class=\"" << need_class(need) << "\"";
      if (!instance.reason.empty()) out << " title=\"" << attr(instance.reason) << "\"";
      out << ">";
      const std::string word = status_name(instance.status);
      if (status_is_failure(instance.status))
        out << "<a href=\"#" << card_id(r, name) << "\">" << word << "</a>";
      else if (const std::string output = instance_file(runs[r], name, "output.txt"); !output.empty())
        out << link(runs[r], output, word);
      else
        out << word;
      if (need == Need::known || need == Need::fixed)
        out << " <small>" << (need == Need::known ? "known" : "fixed") << "</small>";
      out << " <small>" << fixed(finite(instance.duration_s), 1) << " s</small></td>";
    }
    out << "</tr>\n";
  }
  out << "</table>\n";
}

const char* bar_colour(const InstanceResult& r) {
  switch (need_of(r)) {
    case Need::new_failure: return "#d9534f";
    case Need::fixed: return "#3a87c8";
    case Need::known: return "#e0b93a";
    case Need::passed: return "#5cb85c";
    case Need::skipped: return "#aaaaaa";
  }
  return "#000000";
}

// Horizontal bars, longest first, so the slow instances head the chart.
void write_duration_chart(std::ostream& out, const RunResult& run) {
  constexpr int kLabelWidth = 360, kBarWidth = 420, kValueWidth = 90;
  constexpr int kRow = 16, kBar = 12;
  std::vector<const InstanceResult*> order;
  for (const auto& instance : run.instances) order.push_back(&instance);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) {
    return finite(a->duration_s) > finite(b->duration_s);
  });
  double longest = 0;
  for (auto* instance : order) longest = std::max(longest, finite(instance->duration_s));
  const int height = static_cast<int>(order.size()) * kRow + 4;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kLabelWidth + kBarWidth + kValueWidth
      << "\" height=\"" << height << "\" role=\"img\" aria-label=\""
      << attr("Instance durations, " + run_label(run)) << "\">\n"
      << "<g font-family=\"sans-serif\" font-size=\"11\">\n";
  for (size_t row = 0; row < order.size(); ++row) {
    const InstanceResult& instance = *order[row];
    const double seconds = std::max(0.0, finite(instance.duration_s));
    const int y = static_cast<int>(row) * kRow + 2;
    const double width = longest > 0 ? seconds / longest * kBarWidth : 0;
    std::string name = instance.name;
    if (name.size() > 56) name = name.substr(0, 55) + "\xE2\x80\xA6";
    out << "<text x=\"" << kLabelWidth - 6 << "\" y=\"" << y + 10 << "\" text-anchor=\"end\">"
        << esc(valid_utf8(name)) << "</text>\n<rect x=\"" << kLabelWidth << "\" y=\"" << y
        << "\" width=\"" << fixed(width, 1) << "\" height=\"" << kBar << "\" fill=\""
        << bar_colour(instance) << "\"><title>"
        << esc(instance.name + ": " + fixed(seconds, 2) + " s (" + status_name(instance.status) + ")")
        << "</title></rect>\n<text x=\"" << kLabelWidth + static_cast<int>(width) + 4 << "\" y=\""
        << y + 10 << "\">" << fixed(seconds, 2) << " s</text>\n";
  }
  out << "</g>\n</svg>\n";
}

void write_details(std::ostream& out, const std::vector<HtmlRun>& runs) {
  out << "<h2>Durations and environment</h2>\n";
  for (const auto& html : runs) {
    const RunResult& run = *html.run;
    out << "<details><summary>durations of " << esc(run_label(run)) << "</summary>\n";
    write_duration_chart(out, run);
    out << "</details>\n<details><summary>environment of " << esc(run_label(run))
        << "</summary>\n<table>\n";
    const RunInfo& info = run.info;
    out << "<tr><th>tool_version</th><td>" << esc(info.tool_version) << "</td></tr>\n"
        << "<tr><th>finished_at</th><td>" << esc(info.finished_at) << "</td></tr>\n";
    for (const auto& [key, value] : info.environment)
      out << "<tr><th>" << esc(key) << "</th><td>" << esc(value) << "</td></tr>\n";
    out << "</table>\n</details>\n";
  }
}

// Kernel lines seen while an instance ran that judge none (an earlier
// instance's mm freed late, or a line nothing can place): said once, near
// the top, so that nobody reads them as the instance's.
void write_unplaced(std::ostream& out, const std::vector<HtmlRun>& runs) {
  bool any = false;
  for (const auto& html : runs)
    for (const auto& r : html.run->instances) any |= !r.unplaced_kernel_lines.empty();
  if (!any) return;
  out << "<h2>Kernel lines not charged to any instance</h2>\n<ul class=\"lines\">\n";
  for (const auto& html : runs)
    for (const auto& r : html.run->instances)
      for (const auto& u : r.unplaced_kernel_lines)
        out << "<li>" << esc(u.line) << " <small>(seen during " << esc(r.name) << "; " << esc(u.why)
            << ")</small></li>\n";
  out << "</ul>\n";
}

std::string share(int hit, int total) {
  std::string text = std::to_string(hit) + " / " + std::to_string(total);
  if (total > 0) text += " (" + fixed(100.0 * hit / total, 1) + "%)";
  return text;
}

// 'vm --coverage': what of the DAX code the run executed, the genhtml pages
// for line detail, and which functions each instance reached.
void write_coverage(std::ostream& out, const std::vector<HtmlRun>& runs) {
  for (const auto& html : runs) {
    if (!html.run->kernel_coverage) continue;
    const KernelCoverage& coverage = *html.run->kernel_coverage;
    out << "<h2>Kernel coverage of " << esc(run_label(*html.run)) << "</h2>\n<p>" << coverage.instances
        << " instances' gcov counters summed";
    if (!coverage.html.empty())
      out << "; line by line: <a href=\"" << html_attribute(html.link_prefix + coverage.html) << "\">genhtml report</a>";
    out << ".</p>\n";
    if (!coverage.note.empty()) out << "<p>" << esc(coverage.note) << "</p>\n";
    out << "<table>\n<tr><th>file</th><th>lines</th><th>functions</th><th>functions no instance ran</th></tr>\n";
    for (const auto& file : coverage.files) {
      out << "<tr><td>" << esc(file.file) << "</td><td>" << share(file.lines_hit, file.lines_total) << "</td><td>"
          << share(file.functions_hit, file.functions_total) << "</td><td><details><summary>"
          << file.functions_missed.size() << "</summary><small>";
      for (size_t i = 0; i < file.functions_missed.size(); ++i)
        out << (i ? ", " : "") << esc(file.functions_missed[i]);
      out << "</small></details></td></tr>\n";
    }
    out << "</table>\n<details><summary>functions each instance reached</summary>\n<table>\n";
    for (const auto& instance : html.run->instances) {
      if (instance.kernel_functions_reached.empty()) continue;
      out << "<tr><td>" << esc(instance.name) << "</td><td><small>";
      bool first = true;
      for (const auto& [file, names] : instance.kernel_functions_reached) {
        out << (first ? "" : "; ") << esc(file) << ": " << names.size();
        first = false;
      }
      out << "</small></td></tr>\n";
    }
    out << "</table>\n</details>\n";
  }
}

}  // namespace

void write_html(std::ostream& out, const std::vector<HtmlRun>& runs, std::string_view title) {
  out << page_head(title) << "<h1>" << esc(title) << "</h1>\n";
  write_headline(out, runs);
  write_cards(out, runs, Need::new_failure, "New failures");
  write_unplaced(out, runs);
  write_fixed(out, runs);
  // Side by side, where the runs differ is what the reader came for.
  if (runs.size() > 1) write_instances(out, runs);
  write_matrices(out, runs);
  write_cards(out, runs, Need::known, "Known failures");
  write_hints(out, runs);
  if (runs.size() == 1) write_instances(out, runs);
  write_coverage(out, runs);
  write_details(out, runs);
  out << page_tail();
}

void write_html(std::ostream& out, const std::vector<RunResult>& runs, std::string_view title) {
  std::vector<HtmlRun> plain;
  for (const auto& run : runs) plain.push_back({&run, "", {}, {}, {}});
  write_html(out, plain, title);
}

}  // namespace dt::reports
