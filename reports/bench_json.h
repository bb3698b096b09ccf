// Reads the Google Benchmark JSON that 'daxtorture bench' writes: the
// context block (kernel release, accelerator, namespaces, mkfs options)
// and one record per repetition of each benchmark, with its counters.
// Aggregate rows (mean, median, stddev, cv) are left out: the comparison
// works on the repetitions themselves.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace dt::reports {

struct BenchRepetition {
  std::string name;          // run_name: the benchmark's stable ID
  int repetition = 0;
  int threads = 1;
  double real_time = 0;      // in time_unit
  std::string time_unit;
  std::map<std::string, double> counters;
  bool error = false;
  std::string error_message;
};

struct BenchFile {
  std::string path;
  std::map<std::string, std::string> context;   // string-valued context keys
  std::vector<BenchRepetition> repetitions;

  // Names in the order they first appear.
  std::vector<std::string> names() const;
  // The counter's value over the error-free repetitions of one benchmark.
  std::vector<double> values(const std::string& name, const std::string& counter) const;
  // The first error message of a benchmark, "" when none.
  std::string error(const std::string& name) const;
  // "NAME did not measure: WHY" for each benchmark with an error, in order.
  std::vector<std::string> refusals() const;
  // "6.12.117+deb12-amd64" from the context, else the file name.
  std::string label() const;
};

// Throws std::runtime_error naming what is wrong with the text.
BenchFile parse_bench_json(const std::string& text, const std::string& path = "");
BenchFile load_bench_json(const std::string& path);

// Google Benchmark's JSON made acceptable to strict parsers and honest in
// its time columns:
// - values it printed as NaN or inf (a cv aggregate of an all-zero
//   counter) are left out of their record;
// - cpu_time of each repetition becomes the counter cpu_us (the thread CPU
//   time per fault over the timed faults, in the record's time_unit), so
//   that it measures the same unit as real_time (Google Benchmark's own
//   cpu_time covers the whole iteration: set-up, a populate call of many
//   faults, the touch loop's three passes); the mean, median, stddev and
//   cv rows of cpu_time are computed again from those;
// - context keys in `context` replace or add to Google Benchmark's (its
//   host_name is the guest's, "(none)", in a VM).
// Throws std::runtime_error when the text is not Google Benchmark JSON.
std::string strict_bench_json(const std::string& text, const std::map<std::string, std::string>& context);

// The median of values (0 for none).
double median(std::vector<double> values);

}  // namespace dt::reports
