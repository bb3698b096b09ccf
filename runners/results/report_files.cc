#include "runners/results/report_files.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/text_file.h"
#include "reports/failure_text.h"
#include "reports/junit.h"
#include "reports/ktap.h"

namespace dt {

namespace fs = std::filesystem;

namespace {

// The regular files directly in dir, as paths relative to base, sorted.
std::vector<std::string> files_in(const std::string& base, const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(base + "/" + dir, error))
    if (entry.is_regular_file(error))
      files.push_back(dir.empty() ? entry.path().filename().string()
                                  : dir + "/" + entry.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

// The page shows the start of the slice; the whole file is a link away.
constexpr size_t kMaxDmesgShown = 64 * 1024;

}  // namespace

reports::KcidbOptions kcidb_options_for(const std::string& run_dir, const RunResult& run,
                                        const std::string& artifacts_url) {
  reports::KcidbOptions options;
  options.artifacts_url = artifacts_url.empty()
                              ? "file://" + reports::url_path(fs::absolute(run_dir).lexically_normal().string())
                              : artifacts_url;
  if (options.artifacts_url.back() != '/') options.artifacts_url += '/';
  options.run_files = files_in(run_dir, "");
  for (const auto& instance : run.instances)
    if (!instance.artifacts.empty())
      options.artifact_files[instance.name] = files_in(run_dir, instance.artifacts);
  return options;
}

reports::HtmlRun html_run_for(const std::string& run_dir, const RunResult& run,
                              const std::string& link_prefix) {
  reports::HtmlRun html;
  html.run = &run;
  html.link_prefix = link_prefix;
  for (const auto& instance : run.instances) {
    if (instance.artifacts.empty()) continue;
    html.files[instance.name] = files_in(run_dir, instance.artifacts);
    if (!status_is_failure(instance.status)) continue;
    if (auto dmesg = read_text_file(run_dir + "/" + instance.artifacts + "/dmesg.txt"))
      html.dmesg[instance.name] = dmesg->substr(0, kMaxDmesgShown);
  }
  for (const auto& file : files_in(run_dir, "")) html.run_files.push_back(file);
  return html;
}

void write_report_files(const std::string& run_dir, const RunResult& run,
                        const std::string& artifacts_url) {
  std::ostringstream html, junit, ktap;
  reports::write_html(html, {html_run_for(run_dir, run, "")}, "daxtorture " + run.info.run_id);
  write_file_atomically(run_dir + "/report.html", html.str());
  reports::write_junit(junit, run);
  write_file_atomically(run_dir + "/junit.xml", junit.str());
  write_file_atomically(run_dir + "/kcidb.json",
                        reports::to_kcidb(run, kcidb_options_for(run_dir, run, artifacts_url)).dump(2) + "\n");
  reports::write_ktap_document(ktap, run);
  write_file_atomically(run_dir + "/results.ktap", ktap.str());
}

std::string live_expectation_line(const std::vector<ExpectationFile>& files,
                                  const std::string& name, Status status) {
  if (files.empty()) return "";
  RunResult one;
  InstanceResult probe;
  probe.name = name;
  probe.status = status;
  one.instances.push_back(probe);
  apply_expectations(files, one);
  return reports::expectation_line(one.instances.front());
}

}  // namespace dt
