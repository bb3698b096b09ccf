#include "reports/bench_plot.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "reports/text.h"

namespace dt::reports {

namespace {
struct Column {
  const char* label;
  const char* prefix;   // the benchmark name up to the touch mode
};
// Smallest faults first; baselines beside the DAX mappings of their size.
const Column kColumns[] = {
    {"4 KiB anon", "BM_fault/anon/4k/write/nosync/first/"},
    {"4 KiB tmpfs", "BM_fault/tmpfs/4k/write/nosync/first/"},
    {"4 KiB xfs page cache", "BM_fault/xfs_pagecache/4k/write/nosync/first/"},
    {"4 KiB fsdax xfs", "BM_fault/fsdax_xfs/4k/write/nosync/first/"},
    {"4 KiB fsdax ext4", "BM_fault/fsdax_ext4/4k/write/nosync/first/"},
    {"2 MiB anon THP", "BM_fault/anon/2m/write/nosync/first/"},
    {"2 MiB fsdax xfs", "BM_fault/fsdax_xfs/2m/write/nosync/first/"},
    {"2 MiB fsdax ext4", "BM_fault/fsdax_ext4/2m/write/nosync/first/"},
    {"2 MiB devdax", "BM_fault/devdax_2m/2m/write/nosync/first/"},
    {"1 GiB devdax", "BM_fault/devdax_1g/1g/write/nosync/first/"},
};
const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

std::string esc(const std::string& text) { return xml_escape(text); }

std::string num(double v) { return fixed(v, 1); }

}  // namespace

double single_thread_median(const BenchFile& file, const std::string& prefix,
                            const std::string& counter) {
  for (const auto& name : file.names())
    if (name.rfind(prefix, 0) == 0 && name.find("threads:1") != std::string::npos) {
      auto values = file.values(name, counter);
      if (!values.empty()) return median(values);
    }
  return NAN;
}

void write_latency_svg(std::ostream& out, const std::vector<BenchFile>& files) {
  constexpr double kLeft = 70, kTop = 40, kPlotW = 640, kPlotH = 300, kBottom = 120, kRight = 200;
  const size_t columns = std::size(kColumns);
  double lo = INFINITY, hi = 0;
  for (const auto& file : files)
    for (const auto& column : kColumns)
      for (const char* counter : {"p50_us", "p99_us"}) {
        double v = single_thread_median(file, column.prefix, counter);
        if (std::isfinite(v) && v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
      }
  if (!(hi > 0)) lo = 1, hi = 10;
  const double decade_lo = std::floor(std::log10(lo)), decade_hi = std::ceil(std::log10(hi));
  const double span = std::max(1.0, decade_hi - decade_lo);
  auto x_of = [&](size_t i) { return kLeft + kPlotW * (static_cast<double>(i) + 0.5) / static_cast<double>(columns); };
  auto y_of = [&](double v) { return kTop + kPlotH * (1 - (std::log10(v) - decade_lo) / span); };

  const double width = kLeft + kPlotW + kRight, height = kTop + kPlotH + kBottom;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"Page-fault latency by fault size and kernel\">\n"
      << "<g font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<text x=\"" << kLeft << "\" y=\"20\" font-size=\"14\">Write-fault latency, first touch, 1 thread "
      << "(median of repetitions; solid p50, dashed p99)</text>\n"
      << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << kPlotW << "\" height=\"" << kPlotH
      << "\" fill=\"none\" stroke=\"#888\"/>\n";
  for (double d = decade_lo; d <= decade_hi; ++d) {
    const double y = y_of(std::pow(10, d));
    out << "<line x1=\"" << kLeft << "\" x2=\"" << kLeft + kPlotW << "\" y1=\"" << num(y) << "\" y2=\"" << num(y)
        << "\" stroke=\"#ddd\"/>\n<text x=\"" << kLeft - 6 << "\" y=\"" << num(y + 4)
        << "\" text-anchor=\"end\">" << (d >= 0 ? std::to_string(std::lround(std::pow(10, d))) : fixed(std::pow(10, d), static_cast<int>(-d))) << " µs</text>\n";
  }
  for (size_t i = 0; i < columns; ++i) {
    const double x = x_of(i), y = kTop + kPlotH + 12;
    out << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"end\" transform=\"rotate(-40 "
        << num(x) << " " << num(y) << ")\">" << esc(kColumns[i].label) << "</text>\n";
  }
  for (size_t f = 0; f < files.size(); ++f) {
    const char* colour = kColours[f % std::size(kColours)];
    for (const char* counter : {"p50_us", "p99_us"}) {
      const bool p50 = std::string(counter) == "p50_us";
      std::string points;
      for (size_t i = 0; i < columns; ++i) {
        const double v = single_thread_median(files[f], kColumns[i].prefix, counter);
        if (!std::isfinite(v) || v <= 0) continue;
        points += num(x_of(i)) + "," + num(y_of(v)) + " ";
        out << "<circle cx=\"" << num(x_of(i)) << "\" cy=\"" << num(y_of(v)) << "\" r=\"" << (p50 ? 3.5 : 2.5)
            << "\" fill=\"" << colour << "\"><title>" << esc(files[f].label()) << " " << esc(kColumns[i].label)
            << " " << (p50 ? "p50 " : "p99 ") << num(v) << " µs</title></circle>\n";
      }
      if (!points.empty())
        out << "<polyline points=\"" << points << "\" fill=\"none\" stroke=\"" << colour
            << "\" stroke-width=\"1.5\"" << (p50 ? "" : " stroke-dasharray=\"5,4\"") << "/>\n";
    }
    const double ly = kTop + 16 + 20 * static_cast<double>(f);
    out << "<line x1=\"" << kLeft + kPlotW + 12 << "\" x2=\"" << kLeft + kPlotW + 36 << "\" y1=\"" << ly - 4
        << "\" y2=\"" << ly - 4 << "\" stroke=\"" << colour << "\" stroke-width=\"2\"/>\n<text x=\""
        << kLeft + kPlotW + 42 << "\" y=\"" << ly << "\">" << esc(files[f].label()) << "</text>\n";
  }
  out << "</g>\n</svg>\n";
}

}  // namespace dt::reports
