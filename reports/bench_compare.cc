#include "reports/bench_compare.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "reports/mann_whitney.h"

namespace dt::reports {

namespace {
std::string number(double value, const char* format = "%.2f") {
  char buffer[64];
  snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string percent(double change) { return number(change * 100, "%+.1f%%"); }

// A latency cell: "-" where the side has no value of that statistic.
std::string cell(size_t n, double value) { return n && value > 0 ? number(value) : std::string("-"); }

std::string p_text(const BenchDelta& d, double p) {
  if (d.old_n == 0 || d.new_n == 0) return "-";
  return p < 0.0001 ? number(p, "%.1e") : number(p, "%.4f");
}
}  // namespace

std::string short_bench_name(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(start, end - start);
    if (part.rfind("iterations:", 0) != 0 && part != "manual_time")
      out += (out.empty() ? "" : "/") + part;
    start = end + 1;
  }
  return out;
}

std::vector<double> latency_values(const BenchFile& file, const std::string& name) {
  std::vector<double> values = file.values(name, "mean_us");
  return values.empty() ? file.values(name, "per_fault_us") : values;
}

double default_min_change(const BenchFile& old_file, const BenchFile& new_file) {
  auto clock = [](const BenchFile& file) {
    auto it = file.context.find("clock");
    return it == file.context.end() ? std::string("wall") : it->second;
  };
  return clock(old_file) == "icount" && clock(new_file) == "icount" ? kIcountMinChange : 0;
}

std::vector<BenchDelta> compare_bench(const BenchFile& old_file, const BenchFile& new_file,
                                      double alpha, double min_change) {
  std::vector<std::string> names = old_file.names();
  std::set<std::string> known(names.begin(), names.end());
  for (const auto& name : new_file.names())
    if (!known.count(name)) names.push_back(name);

  std::vector<BenchDelta> deltas;
  for (const auto& name : names) {
    BenchDelta d;
    d.name = name;
    std::vector<double> old_values = latency_values(old_file, name);
    std::vector<double> new_values = latency_values(new_file, name);
    d.old_n = old_values.size();
    d.new_n = new_values.size();
    d.old_mean = median(old_values);
    d.new_mean = median(new_values);
    d.old_p50 = median(old_file.values(name, "p50_us"));
    d.new_p50 = median(new_file.values(name, "p50_us"));
    d.old_p99 = median(old_file.values(name, "p99_us"));
    d.new_p99 = median(new_file.values(name, "p99_us"));
    if (std::string e = old_file.error(name); !e.empty()) d.note = "old: " + e;
    if (std::string e = new_file.error(name); !e.empty()) d.note += (d.note.empty() ? "" : "; ") + ("new: " + e);
    if (d.old_n == 0 || d.new_n == 0) {
      if (d.note.empty()) d.note = d.old_n == 0 ? "not in old" : "not in new";
      deltas.push_back(d);
      continue;
    }
    d.change = d.old_mean > 0 ? d.new_mean / d.old_mean - 1 : 0;
    MannWhitneyResult test = mann_whitney_u(old_values, new_values);
    d.p = test.p;
    d.significant = test.p < alpha && std::fabs(d.change) >= min_change;
    std::vector<double> old_p50s = old_file.values(name, "p50_us"), new_p50s = new_file.values(name, "p50_us");
    if (!old_p50s.empty() && !new_p50s.empty()) {
      d.p50_change = d.old_p50 > 0 ? d.new_p50 / d.old_p50 - 1 : 0;
      MannWhitneyResult p50_test = mann_whitney_u(old_p50s, new_p50s);
      d.p50_p = p50_test.p;
      d.p50_significant = p50_test.p < alpha && std::fabs(d.p50_change) >= min_change;
    }
    if (d.old_n < kMinRepetitions || d.new_n < kMinRepetitions)
      d.note += (d.note.empty() ? "" : "; ") + std::string("fewer than 9 repetitions: the U test has little power");
    deltas.push_back(d);
  }
  return deltas;
}

TouchLoopAgreement touch_loop_agreement(const BenchFile& file) {
  TouchLoopAgreement result;
  const std::string kFault = "BM_fault/fsdax_xfs/4k/write/nosync/first/";
  const std::string kLoop = "BM_touch_loop/fsdax_xfs/4k/write/nosync/first";
  std::vector<double> fault, loop, paired;
  for (const auto& name : file.names()) {
    if (name.rfind(kFault, 0) == 0 && name.find("threads:1") != std::string::npos) fault = latency_values(file, name);
    if (name.rfind(kLoop, 0) == 0) {
      loop = latency_values(file, name);
      paired = file.values(name, "paired_timed_mean_us");
    }
  }
  if (fault.empty() || loop.empty()) return result;
  result.found = true;
  result.fault_mean_us = median(fault);
  result.loop_per_fault_us = median(loop);
  result.difference = result.loop_per_fault_us > 0 ? result.fault_mean_us / result.loop_per_fault_us - 1 : 0;
  if (!paired.empty()) {
    result.paired_timed_mean_us = median(paired);
    result.paired_difference =
        result.loop_per_fault_us > 0 ? result.paired_timed_mean_us / result.loop_per_fault_us - 1 : 0;
  }
  return result;
}

std::vector<std::pair<std::string, double>> repetition_cvs(const BenchFile& file) {
  std::vector<std::pair<std::string, double>> cvs;
  for (const auto& name : file.names()) {
    std::vector<double> values = latency_values(file, name);
    if (values.size() < 2) continue;
    double mean = 0;
    for (double v : values) mean += v;
    mean /= static_cast<double>(values.size());
    double squares = 0;
    for (double v : values) squares += (v - mean) * (v - mean);
    const double stddev = std::sqrt(squares / static_cast<double>(values.size() - 1));
    cvs.emplace_back(name, mean > 0 ? stddev / mean : 0);
  }
  return cvs;
}

std::string significance_rule(double min_change) {
  std::string rule = "two-sided Mann-Whitney U over repetitions, p < 0.05";
  if (min_change > 0) rule += ", and a change of at least " + number(min_change * 100, "%.1f") + " %";
  return rule;
}

// What the columns hold: each repetition gives one per-fault mean, p50 and
// p99; a column is the median of those over the repetitions.
constexpr const char* kColumnLegend =
    "mean, p50, p99: the median over the repetitions of each repetition's per-fault mean, "
    "median and 99th percentile";

void write_comparison_text(std::ostream& out, const std::vector<BenchDelta>& deltas,
                           const std::string& old_label, const std::string& new_label, double min_change) {
  out << "old: " << old_label << "\nnew: " << new_label << "\n" << kColumnLegend << "\n";
  char line[512];
  snprintf(line, sizeof line, "%-58s %9s %9s %8s %8s %9s %9s %8s %8s %9s %9s  %s\n", "benchmark (us per fault)",
           "old mean", "new mean", "change", "U p", "old p50", "new p50", "change", "U p", "old p99", "new p99", "");
  out << line;
  size_t significant = 0, p50_significant = 0;
  for (const auto& d : deltas) {
    const bool both = d.old_n > 0 && d.new_n > 0;
    std::string verdict = d.significant && d.p50_significant ? "mean and p50 changed"
                          : d.significant                    ? "mean changed"
                          : d.p50_significant                ? "p50 changed"
                                                             : "";
    snprintf(line, sizeof line, "%-58s %9s %9s %8s %8s %9s %9s %8s %8s %9s %9s  %s", short_bench_name(d.name).c_str(),
             d.old_n ? number(d.old_mean).c_str() : "-", d.new_n ? number(d.new_mean).c_str() : "-",
             both ? percent(d.change).c_str() : "-", p_text(d, d.p).c_str(),
             cell(d.old_n, d.old_p50).c_str(), cell(d.new_n, d.new_p50).c_str(),
             both && d.old_p50 > 0 ? percent(d.p50_change).c_str() : "-",
             d.old_p50 > 0 ? p_text(d, d.p50_p).c_str() : "-", cell(d.old_n, d.old_p99).c_str(),
             cell(d.new_n, d.new_p99).c_str(), verdict.c_str());
    out << line;
    if (!d.note.empty()) out << "  (" << d.note << ")";
    out << "\n";
    significant += d.significant;
    p50_significant += d.p50_significant;
  }
  out << significant << " of " << deltas.size() << " benchmarks changed significantly in the mean, "
      << p50_significant << " in the p50 (" << significance_rule(min_change) << ")\n";
}

void write_comparison_markdown(std::ostream& out, const std::vector<BenchDelta>& deltas,
                               const std::string& old_label, const std::string& new_label, double min_change) {
  out << kColumnLegend << "; ** significant (" << significance_rule(min_change) << ").\n\n";
  out << "| benchmark | p50 " << old_label << " | p50 " << new_label << " | p50 change | p50 U p | p99 "
      << old_label << " | p99 " << new_label << " | mean " << old_label << " | mean " << new_label
      << " | mean change | mean U p |\n"
      << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& d : deltas) {
    const bool both = d.old_n > 0 && d.new_n > 0;
    out << "| `" << short_bench_name(d.name) << "` | " << cell(d.old_n, d.old_p50) << " | "
        << cell(d.new_n, d.new_p50) << " | " << (both && d.old_p50 > 0 ? percent(d.p50_change) : "-") << " | "
        << (d.old_p50 > 0 ? p_text(d, d.p50_p) : "-") << (d.p50_significant ? " **" : "") << " | " << cell(d.old_n, d.old_p99) << " | "
        << cell(d.new_n, d.new_p99) << " | " << cell(d.old_n, d.old_mean) << " | " << cell(d.new_n, d.new_mean)
        << " | " << (both ? percent(d.change) : "-") << " | " << p_text(d, d.p) << (d.significant ? " **" : "")
        << (d.note.empty() ? "" : " (" + d.note + ")") << " |\n";
  }
}

}  // namespace dt::reports
