// The fault-latency plot of 'daxtorture bench --plot': write-fault latency
// (first touch, no MAP_SYNC, one thread) by fault size and mapping, one
// colour per bench file (kernel), p50 as a solid line with dots and p99
// as a dashed line, on a logarithmic latency axis. Plain SVG, embeddable
// in a report or a Markdown page.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "reports/bench_json.h"

namespace dt::reports {

// Median over repetitions of a counter ("p50_us") of the single-thread
// benchmark whose name starts with prefix; NAN when the file has none.
double single_thread_median(const BenchFile& file, const std::string& prefix,
                            const std::string& counter);

void write_latency_svg(std::ostream& out, const std::vector<BenchFile>& files);

}  // namespace dt::reports
