#include "runners/results/coverage_counts.h"

#include <nlohmann/json.hpp>

namespace dt {

namespace {
using nlohmann::json;

// The covered file gcov's path names, or "": the compiler saw
// "/src/fs/dax.c" or "../../src/fs/dax.c" for "fs/dax.c"; a bare
// "inode.c" must not pass for "fs/ext4/inode.c".
std::string covered_file(const std::string& path, const std::vector<std::string>& files) {
  for (const auto& file : files) {
    if (path == file) return file;
    if (path.size() > file.size() && path.compare(path.size() - file.size(), file.size(), file) == 0 &&
        path[path.size() - file.size() - 1] == '/')
      return file;
  }
  return "";
}
}  // namespace

bool add_gcov_json(const std::string& line, const std::vector<std::string>& files, CoverageCounts& counts) {
  json document = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("files") || !document["files"].is_array()) return false;
  for (const auto& entry : document["files"]) {
    std::string file = covered_file(entry.value("file", ""), files);
    if (file.empty()) continue;
    SourceCounts& source = counts[file];
    for (const auto& l : entry.value("lines", json::array()))
      source.lines[l.value("line_number", 0)] += l.value("count", uint64_t{0});
    for (const auto& f : entry.value("functions", json::array())) {
      FunctionCount& function = source.functions[f.value("name", "")];
      function.start_line = f.value("start_line", 0);
      function.count += f.value("execution_count", uint64_t{0});
    }
  }
  return true;
}

void add_counts(CoverageCounts& a, const CoverageCounts& b) {
  for (const auto& [file, source] : b) {
    SourceCounts& into = a[file];
    for (const auto& [line, count] : source.lines) into.lines[line] += count;
    for (const auto& [name, function] : source.functions) {
      into.functions[name].start_line = function.start_line;
      into.functions[name].count += function.count;
    }
  }
}

std::vector<FileCoverage> summarize_coverage(const CoverageCounts& counts, const std::vector<std::string>& files) {
  std::vector<FileCoverage> out;
  for (const auto& file : files) {
    auto it = counts.find(file);
    if (it == counts.end()) continue;
    FileCoverage coverage;
    coverage.file = file;
    for (const auto& [line, count] : it->second.lines) {
      ++coverage.lines_total;
      if (count > 0) ++coverage.lines_hit;
    }
    for (const auto& [name, function] : it->second.functions) {
      ++coverage.functions_total;
      if (function.count > 0) ++coverage.functions_hit;
      else coverage.functions_missed.push_back(name);
    }
    out.push_back(coverage);
  }
  return out;
}

std::map<std::string, std::vector<std::string>> functions_reached(const CoverageCounts& counts) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [file, source] : counts)
    for (const auto& [name, function] : source.functions)
      if (function.count > 0) out[file].push_back(name);
  return out;
}

std::string lcov_tracefile(const CoverageCounts& counts, const std::string& source_root, const std::string& test_name) {
  std::string out;
  for (const auto& [file, source] : counts) {
    out += "TN:" + test_name + "\nSF:" + source_root + "/" + file + "\n";
    int functions_hit = 0, lines_hit = 0;
    for (const auto& [name, function] : source.functions)
      out += "FN:" + std::to_string(function.start_line) + "," + name + "\n";
    for (const auto& [name, function] : source.functions) {
      out += "FNDA:" + std::to_string(function.count) + "," + name + "\n";
      if (function.count > 0) ++functions_hit;
    }
    out += "FNF:" + std::to_string(source.functions.size()) + "\nFNH:" + std::to_string(functions_hit) + "\n";
    for (const auto& [line, count] : source.lines) {
      out += "DA:" + std::to_string(line) + "," + std::to_string(count) + "\n";
      if (count > 0) ++lines_hit;
    }
    out += "LF:" + std::to_string(source.lines.size()) + "\nLH:" + std::to_string(lines_hit) + "\nend_of_record\n";
  }
  return out;
}

}  // namespace dt
