#include "reports/bench_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace dt::reports {

namespace {
// Keys of a benchmark record that are not user counters.
const std::set<std::string> kStandardKeys = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
    "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit",
    "aggregate_name", "aggregate_unit", "error_occurred", "error_message", "label",
    "bytes_per_second", "items_per_second"};

// Google Benchmark prints a counter's cv aggregate of an all-zero counter
// as a bare NaN (0/0), which JSON has no word for; such values become null.
std::string without_non_numbers(const std::string& text) {
  static const std::regex kNonNumber(R"((:\s*)-?(NaN|nan|inf|Infinity)\b)");
  return std::regex_replace(text, kNonNumber, "$1null");
}
double time_unit_per_us(const std::string& unit) {
  if (unit == "ns") return 1e3;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1e-6;
  return 1;   // us
}

double aggregate(const std::string& name, std::vector<double> values) {
  if (values.empty()) return 0;
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  if (name == "mean") return mean;
  if (name == "median") return median(values);
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  const double stddev = values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0;
  if (name == "stddev") return stddev;
  return mean > 0 ? stddev / mean : 0;   // cv
}
}  // namespace

std::string strict_bench_json(const std::string& text, const std::map<std::string, std::string>& context) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(without_non_numbers(text));
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(std::string("Google Benchmark wrote no JSON: ") + error.what());
  }
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array())
    throw std::runtime_error("Google Benchmark's output has no \"benchmarks\" array");
  for (const auto& [key, value] : context) doc["context"][key] = value;
  std::map<std::string, std::vector<double>> cpu_by_run;
  for (auto& entry : doc["benchmarks"]) {
    for (auto it = entry.begin(); it != entry.end();) it = it->is_null() ? entry.erase(it) : std::next(it);
    if (entry.value("run_type", std::string("iteration")) != "iteration") continue;
    if (!entry.contains("cpu_us") || !entry["cpu_us"].is_number() || entry.value("error_occurred", false)) continue;
    const double cpu = entry["cpu_us"].get<double>() * time_unit_per_us(entry.value("time_unit", std::string("ns")));
    entry["cpu_time"] = cpu;
    cpu_by_run[entry.value("run_name", std::string())].push_back(cpu);
  }
  for (auto& entry : doc["benchmarks"]) {
    if (entry.value("run_type", std::string()) != "aggregate") continue;
    auto values = cpu_by_run.find(entry.value("run_name", std::string()));
    if (values == cpu_by_run.end()) continue;
    entry["cpu_time"] = aggregate(entry.value("aggregate_name", std::string()), values->second);
  }
  return doc.dump(2) + "\n";
}

std::vector<std::string> BenchFile::names() const {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& r : repetitions)
    if (seen.insert(r.name).second) names.push_back(r.name);
  return names;
}

std::vector<double> BenchFile::values(const std::string& name, const std::string& counter) const {
  std::vector<double> values;
  for (const auto& r : repetitions) {
    if (r.name != name || r.error) continue;
    auto it = r.counters.find(counter);
    if (it != r.counters.end()) values.push_back(it->second);
  }
  return values;
}

std::string BenchFile::error(const std::string& name) const {
  for (const auto& r : repetitions)
    if (r.name == name && r.error) return r.error_message.empty() ? "error" : r.error_message;
  return "";
}

std::vector<std::string> BenchFile::refusals() const {
  std::vector<std::string> lines;
  for (const auto& name : names())
    if (std::string why = error(name); !why.empty()) lines.push_back(name + " did not measure: " + why);
  return lines;
}

std::string BenchFile::label() const {
  auto it = context.find("kernel_release");
  if (it != context.end() && !it->second.empty()) return it->second;
  return path;
}

BenchFile parse_bench_json(const std::string& text, const std::string& path) {
  const std::string where = path.empty() ? "bench JSON" : path;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(without_non_numbers(text));
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(where + " is not JSON: " + error.what());
  }
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array())
    throw std::runtime_error(where + " has no \"benchmarks\" array: not Google Benchmark JSON "
                             "(write it with 'daxtorture bench' or --benchmark_out_format=json)");
  BenchFile file;
  file.path = path;
  if (doc.contains("context") && doc["context"].is_object())
    for (const auto& [key, value] : doc["context"].items())
      if (value.is_string()) file.context[key] = value.get<std::string>();
  for (const auto& entry : doc["benchmarks"]) {
    if (!entry.is_object()) throw std::runtime_error(where + ": a benchmark entry is not an object");
    if (entry.value("run_type", std::string("iteration")) != "iteration") continue;
    BenchRepetition r;
    r.name = entry.value("run_name", entry.value("name", std::string()));
    if (r.name.empty()) throw std::runtime_error(where + ": a benchmark entry has no name");
    r.repetition = entry.value("repetition_index", 0);
    r.threads = entry.value("threads", 1);
    r.time_unit = entry.value("time_unit", std::string("ns"));
    if (entry.contains("real_time") && entry["real_time"].is_number()) r.real_time = entry["real_time"].get<double>();
    r.error = entry.value("error_occurred", false);
    r.error_message = entry.value("error_message", std::string());
    for (const auto& [key, value] : entry.items())
      if (!kStandardKeys.count(key) && value.is_number()) r.counters[key] = value.get<double>();
    file.repetitions.push_back(std::move(r));
  }
  return file;
}

BenchFile load_bench_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse_bench_json(text.str(), path);
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace dt::reports
