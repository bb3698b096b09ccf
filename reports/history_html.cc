#include "reports/history_html.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "reports/bench_plot.h"
#include "reports/html_parts.h"
#include "reports/kcidb.h"
#include "reports/text.h"

namespace dt::reports {

namespace {

std::string esc(std::string_view s) { return html_text(s); }
std::string attr(std::string_view s) { return html_attribute(s); }

std::string sort_key(const HistoryRun& run) {
  if (run.run && !run.run->info.started_at.empty()) return run.run->info.started_at;
  if (run.bench) {
    auto date = run.bench->context.find("date");
    if (date != run.bench->context.end()) return date->second;
  }
  return run.folder;
}

// "2026-12-02 01:07" from an ISO time; the folder name when there is none.
std::string short_time(const HistoryRun& run) {
  std::string key = sort_key(run);
  if (key.size() >= 16 && key[10] == 'T') return key.substr(0, 10) + " " + key.substr(11, 5);
  return key;
}

const char* short_status(Status s) {
  switch (s) {
    case Status::pass: return "pass";
    case Status::skip: return "skip";
    case Status::fail: return "FAIL";
    case Status::broken: return "BROKEN";
    case Status::timeout: return "TIMEOUT";
    case Status::crash: return "CRASH";
  }
  return "?";
}

const InstanceResult* find(const HistoryRun& run, const std::string& name) {
  if (!run.run) return nullptr;
  for (const auto& instance : run.run->instances)
    if (instance.name == name) return &instance;
  return nullptr;
}

struct Row {
  std::string name;
  bool ever_failed = false;
  bool failing_now = false;      // in the newest run that has it
  bool known_now = false;
  int first_failing = -1;        // index of the run that began the current failing streak
  int last_passing = -1;
};

std::vector<Row> rows_of(const std::vector<HistoryRun>& runs) {
  std::vector<Row> rows;
  std::map<std::string, size_t> index;
  for (const auto& run : runs) {
    if (!run.run) continue;
    for (const auto& instance : run.run->instances)
      if (index.emplace(instance.name, rows.size()).second) rows.push_back({instance.name});
  }
  for (auto& row : rows) {
    bool streak = false;
    for (size_t r = 0; r < runs.size(); ++r) {
      const InstanceResult* instance = find(runs[r], row.name);
      if (!instance || instance->status == Status::skip) continue;
      const bool failed = status_is_failure(instance->status);
      row.ever_failed = row.ever_failed || failed;
      if (failed && !streak) row.first_failing = static_cast<int>(r);
      if (!failed) row.last_passing = static_cast<int>(r);
      streak = failed;
      row.failing_now = failed;
      row.known_now = failed && instance->expectation == Expectation::known_failure;
    }
    if (!row.failing_now) row.first_failing = -1;
  }
  // What needs action first: failing now and new, failing now and known,
  // then failed once but passes now.
  auto rank = [](const Row& row) {
    if (row.failing_now && !row.known_now) return 0;
    if (row.failing_now) return 1;
    return row.ever_failed ? 2 : 3;
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const Row& a, const Row& b) { return rank(a) < rank(b); });
  return rows;
}

std::string run_link(const HistoryRun& run, const std::string& text) {
  if (!run.run) return esc(text);
  return "<a href=\"" + attr(run.link_prefix + "report.html") + "\">" + esc(text) + "</a>";
}

void write_headline(std::ostream& out, const std::vector<HistoryRun>& runs) {
  const HistoryRun* newest = nullptr;
  const HistoryRun* before = nullptr;
  for (const auto& run : runs)
    if (run.run) before = newest, newest = &run;
  size_t with_runs = 0;
  for (const auto& run : runs) with_runs += run.run != nullptr;
  out << "<p class=\"sub\">" << runs.size() << " run folders (" << with_runs
      << " with results), " << esc(short_time(runs.front())) << " to "
      << esc(short_time(runs.back())) << "</p>\n";
  if (!newest) return;
  size_t counts[5] = {};
  for (const auto& instance : newest->run->instances) ++counts[static_cast<size_t>(need_of(instance))];
  out << "<h2>Newest run: " << run_link(*newest, newest->folder) << " &#183; "
      << esc(newest->run->info.kernel_release) << "</h2>\n<div class=\"headline\">\n";
  for (Need need : {Need::new_failure, Need::fixed, Need::known, Need::passed, Need::skipped}) {
    const size_t n = counts[static_cast<size_t>(need)];
    out << "<div class=\"tile " << (n > 0 ? need_class(need) : "zero") << "\"><b>" << n << "</b>"
        << need_title(need) << "</div>\n";
  }
  out << "</div>\n";
  if (!before) return;
  std::vector<std::string> broke, healed;
  for (const auto& instance : newest->run->instances) {
    const InstanceResult* earlier = find(*before, instance.name);
    if (!earlier) continue;
    const bool now = status_is_failure(instance.status), then = status_is_failure(earlier->status);
    if (now && !then) broke.push_back(instance.name);
    if (!now && then && instance.status != Status::skip) healed.push_back(instance.name);
  }
  out << "<p class=\"verdict " << (broke.empty() ? "need-pass" : "need-new") << "\">Since "
      << esc(before->folder) << ": " << broke.size() << " started failing, " << healed.size()
      << " passed again</p>\n";
  if (!broke.empty() || !healed.empty()) {
    out << "<ul>\n";
    for (const auto& name : broke) out << "<li>started failing: <code>" << esc(name) << "</code></li>\n";
    for (const auto& name : healed) out << "<li>passes again: <code>" << esc(name) << "</code></li>\n";
    out << "</ul>\n";
  }
}

void write_grid(std::ostream& out, const std::vector<HistoryRun>& runs) {
  const std::vector<Row> rows = rows_of(runs);
  out << "<h2>Verdicts by run</h2>\n<p><small>oldest run first; a failing cell links to its "
         "card in that run's report.</small></p>\n<table class=\"grid\">\n<tr><th>instance</th>"
         "<th>first failing</th><th>last passing</th>";
  for (const auto& run : runs) {
    if (!run.run) continue;
    out << "<th>" << run_link(run, short_time(run)) << "<br><small>" << esc(run.folder) << "<br>"
        << esc(run.run->info.kernel_release) << "</small></th>";
  }
  out << "</tr>\n";
  auto label = [&](int index) { return index < 0 ? std::string("&#8212;") : esc(short_time(runs[index])); };
  size_t always_passed = 0;
  for (const auto& row : rows) {
    if (!row.ever_failed) {
      ++always_passed;
      continue;
    }
    out << "<tr><td class=\"row\">" << esc(row.name) << "</td><td>" << label(row.first_failing)
        << "</td><td>" << label(row.last_passing) << "</td>";
    for (const auto& run : runs) {
      if (!run.run) continue;
      const InstanceResult* instance = find(run, row.name);
      if (!instance) {
        out << "<td class=\"need-skip\">&#8212;</td>";
        continue;
      }
      const Need need = need_of(*instance);
      out << "<td class=\"" << need_class(need) << "\" title=\"" << attr(instance->reason) << "\">";
      const std::string word = std::string(short_status(instance->status)) +
                               (need == Need::known ? " known" : "");
      if (status_is_failure(instance->status))
        out << "<a href=\"" << attr(run.link_prefix + "report.html#" + card_anchor(0, row.name))
            << "\">" << esc(word) << "</a>";
      else
        out << esc(word);
      out << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</table>\n";
  if (always_passed > 0) {
    out << "<details><summary>" << always_passed
        << " instances passed (or were skipped) in every run that had them</summary>\n<p>";
    for (const auto& row : rows)
      if (!row.ever_failed) out << "<code>" << esc(row.name) << "</code> ";
    out << "</p></details>\n";
  }
}

struct Series {
  std::string label;
  std::string colour;
  bool dashed = false;
  std::vector<double> values;  // one per run; NAN where there is none
};

// A line chart over the runs: x is the run, y linear or logarithmic.
void write_chart(std::ostream& out, const std::vector<std::string>& x_labels,
                 const std::vector<Series>& series, const std::string& y_unit, bool log_scale,
                 const std::string& title) {
  constexpr double kLeft = 70, kTop = 20, kWidth = 640, kHeight = 220, kBottom = 70, kRight = 230;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : series)
    for (double v : s.values)
      if (std::isfinite(v) && (!log_scale || v > 0)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!std::isfinite(lo)) lo = log_scale ? 1 : 0, hi = log_scale ? 10 : 1;
  if (log_scale) {
    lo = std::pow(10, std::floor(std::log10(lo)));
    hi = std::pow(10, std::ceil(std::log10(hi)));
    if (hi <= lo) hi = lo * 10;
  } else {
    lo = 0;
    if (hi <= 0) hi = 1;
    hi *= 1.1;
  }
  auto y_of = [&](double v) {
    const double f = log_scale ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                               : (v - lo) / (hi - lo);
    return kTop + kHeight * (1 - f);
  };
  const size_t n = x_labels.size();
  auto x_of = [&](size_t i) { return kLeft + (n <= 1 ? kWidth / 2 : kWidth * i / (n - 1.0)); };
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kLeft + kWidth + kRight
      << "\" height=\"" << kTop + kHeight + kBottom << "\" role=\"img\" aria-label=\"" << attr(title)
      << "\">\n<g font-family=\"sans-serif\" font-size=\"11\">\n";
  out << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << kWidth << "\" height=\""
      << kHeight << "\" fill=\"none\" stroke=\"#999\"/>\n";
  std::vector<double> ticks;
  if (log_scale) {
    for (double t = lo; t <= hi * 1.0001; t *= 10) ticks.push_back(t);
  } else {
    for (int i = 0; i <= 4; ++i) ticks.push_back(lo + (hi - lo) * i / 4);
  }
  for (double t : ticks)
    out << "<line x1=\"" << kLeft << "\" x2=\"" << kLeft + kWidth << "\" y1=\"" << fixed(y_of(t), 1)
        << "\" y2=\"" << fixed(y_of(t), 1) << "\" stroke=\"#eee\"/><text x=\"" << kLeft - 4
        << "\" y=\"" << fixed(y_of(t) + 4, 1) << "\" text-anchor=\"end\">"
        << fixed(t, t < 10 ? 1 : 0) << "</text>\n";
  out << "<text x=\"12\" y=\"" << kTop + kHeight / 2 << "\" transform=\"rotate(-90 12 "
      << kTop + kHeight / 2 << ")\" text-anchor=\"middle\">" << esc(y_unit) << "</text>\n";
  for (size_t i = 0; i < n; ++i)
    out << "<text x=\"" << fixed(x_of(i), 1) << "\" y=\"" << kTop + kHeight + 14
        << "\" text-anchor=\"end\" transform=\"rotate(-30 " << fixed(x_of(i), 1) << " "
        << kTop + kHeight + 14 << ")\">" << esc(x_labels[i]) << "</text>\n";
  for (size_t s = 0; s < series.size(); ++s) {
    std::string points;
    for (size_t i = 0; i < series[s].values.size(); ++i) {
      const double v = series[s].values[i];
      if (!std::isfinite(v) || (log_scale && v <= 0)) continue;
      points += fixed(x_of(i), 1) + "," + fixed(y_of(v), 1) + " ";
      out << "<circle cx=\"" << fixed(x_of(i), 1) << "\" cy=\"" << fixed(y_of(v), 1)
          << "\" r=\"3\" fill=\"" << series[s].colour << "\"><title>"
          << esc(series[s].label + ", " + x_labels[i] + ": " + fixed(v, 2) + " " + y_unit)
          << "</title></circle>\n";
    }
    if (!points.empty())
      out << "<polyline fill=\"none\" stroke=\"" << series[s].colour << "\" stroke-width=\"1.5\""
          << (series[s].dashed ? " stroke-dasharray=\"5,3\"" : "") << " points=\"" << points
          << "\"/>\n";
    const double y = kTop + 10 + 16 * s;
    out << "<line x1=\"" << kLeft + kWidth + 12 << "\" x2=\"" << kLeft + kWidth + 36 << "\" y1=\""
        << y << "\" y2=\"" << y << "\" stroke=\"" << series[s].colour << "\" stroke-width=\"2\""
        << (series[s].dashed ? " stroke-dasharray=\"5,3\"" : "") << "/><text x=\""
        << kLeft + kWidth + 40 << "\" y=\"" << y + 4 << "\">" << esc(series[s].label) << "</text>\n";
  }
  out << "</g>\n</svg>\n";
}

void write_durations(std::ostream& out, const std::vector<HistoryRun>& runs) {
  std::vector<std::string> labels;
  Series total{"run duration", "#1f77b4", false, {}};
  for (const auto& run : runs) {
    if (!run.run) continue;
    labels.push_back(short_time(run));
    total.values.push_back(run.run->info.duration_s > 0 ? run.run->info.duration_s : NAN);
  }
  if (labels.empty()) return;
  out << "<h2>Run durations</h2>\n";
  write_chart(out, labels, {total}, "seconds", false, "run durations over time");
}

struct Fault {
  const char* label;
  const char* prefix;
  const char* colour;
};
// Write faults, first touch, no MAP_SYNC, one thread: one per fault size.
const Fault kFaults[] = {
    {"4 KiB fsdax xfs", "BM_fault/fsdax_xfs/4k/write/nosync/first/", "#1f77b4"},
    {"2 MiB fsdax xfs", "BM_fault/fsdax_xfs/2m/write/nosync/first/", "#d62728"},
    {"1 GiB devdax", "BM_fault/devdax_1g/1g/write/nosync/first/", "#2ca02c"},
};

void write_latency(std::ostream& out, const std::vector<HistoryRun>& runs) {
  std::vector<std::string> labels;
  std::vector<Series> series;
  for (const auto& fault : kFaults) {
    series.push_back({std::string(fault.label) + " p50", fault.colour, false, {}});
    series.push_back({std::string(fault.label) + " p99", fault.colour, true, {}});
  }
  for (const auto& run : runs) {
    if (!run.bench) continue;
    labels.push_back(short_time(run));
    for (size_t f = 0; f < std::size(kFaults); ++f) {
      series[2 * f].values.push_back(single_thread_median(*run.bench, kFaults[f].prefix, "p50_us"));
      series[2 * f + 1].values.push_back(single_thread_median(*run.bench, kFaults[f].prefix, "p99_us"));
    }
  }
  if (labels.empty()) return;
  out << "<h2>Fault latency over time</h2>\n<p><small>write faults, first touch, no MAP_SYNC, one "
         "thread; median over repetitions of each run's p50 (solid) and p99 (dashed); under TCG "
         "and on a shared machine, compare several runs before calling a change.</small></p>\n";
  write_chart(out, labels, series, "microseconds per fault", true, "fault latency over time");
}

}  // namespace

void write_history_html(std::ostream& out, std::vector<HistoryRun> runs, std::string_view title) {
  std::stable_sort(runs.begin(), runs.end(),
                   [](const HistoryRun& a, const HistoryRun& b) { return sort_key(a) < sort_key(b); });
  out << page_head(title) << "<h1>" << esc(title) << "</h1>\n";
  if (runs.empty()) {
    out << "<p>No runs.</p>\n" << page_tail();
    return;
  }
  write_headline(out, runs);
  write_grid(out, runs);
  write_durations(out, runs);
  write_latency(out, runs);
  out << page_tail();
}

}  // namespace dt::reports
