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
  // "6.12.117+deb12-amd64" from the context, else the file name.
  std::string label() const;
};

// Throws std::runtime_error naming what is wrong with the text.
BenchFile parse_bench_json(const std::string& text, const std::string& path = "");
BenchFile load_bench_json(const std::string& path);

// The median of values (0 for none).
double median(std::vector<double> values);

}  // namespace dt::reports
