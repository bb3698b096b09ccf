#include "reports/kcidb.h"

#include <cmath>
#include <set>

#include "reports/failure_text.h"
#include "reports/json_report.h"
#include "reports/text.h"

namespace dt::reports {

using nlohmann::json;

namespace {

// The schema caps log_excerpt at 16384 characters; bytes are a safe bound.
constexpr size_t kMaxExcerpt = 16384;
constexpr int kIssueVersion = 1;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

bool is_hex40(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Origins and architectures must match ^[a-z0-9_]+$ / ^[a-z0-9_]*$.
std::string lower_identifier(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out += (is_alnum(c) || c == '_') ? c : '_';
  }
  return out;
}

std::string origin_of(const KcidbOptions& options) {
  const std::string origin = lower_identifier(options.origin);
  return origin.empty() ? "daxtorture" : origin;
}

json text(const std::string& s) { return valid_utf8(s); }

void set_if(json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = text(value);
}

std::string first_of(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

// At most kMaxExcerpt bytes, cut on a UTF-8 character boundary.
std::string excerpt(const std::string& all) {
  std::string clean = valid_utf8(all);
  if (clean.size() <= kMaxExcerpt) return clean;
  size_t cut = kMaxExcerpt;
  while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80)
    --cut;
  clean.resize(cut);
  return clean;
}

// The checkout stands for the kernel's source, whichever run tested it.
std::string checkout_key(const RunInfo& info) {
  const KernelOrigin& o = info.kernel_origin;
  if (!o.commit.empty()) return "git:" + o.commit;
  if (!o.package.empty())
    return "debian:" + o.package + (o.package_version.empty() ? "" : "=" + o.package_version);
  return "kernel:" + info.kernel_release + " " + info.kernel_version;
}

json checkout_of(const RunInfo& info, const KcidbOptions& options, const std::string& id,
                 const std::string& origin) {
  const KernelOrigin& o = info.kernel_origin;
  json checkout = {{"id", text(id)}, {"origin", origin}, {"valid", true}};
  const std::string url = first_of(options.git_repository_url, o.repository_url);
  // The schema takes only the https:// form of a repository URL.
  if (url.rfind("https://", 0) == 0) checkout["git_repository_url"] = text(url);
  const std::string commit = first_of(options.git_commit_hash, o.commit);
  if (is_hex40(commit)) checkout["git_commit_hash"] = commit;
  set_if(checkout, "git_commit_name", o.describe);
  set_if(checkout, "git_repository_branch", first_of(options.git_repository_branch, o.branch));
  std::string tree_name = options.tree_name;
  if (tree_name.empty() && o.kind == "debian-package") tree_name = "debian";
  set_if(checkout, "tree_name", tree_name);
  std::string comment = "Linux " + info.kernel_release;
  if (!o.package.empty())
    comment += ", Debian package " + o.package + (o.package_version.empty() ? "" : " " + o.package_version);
  checkout["comment"] = text(comment);
  json misc = json::object();
  set_if(misc, "kind", o.kind);
  set_if(misc, "package", o.package);
  set_if(misc, "package_version", o.package_version);
  set_if(misc, "tree", o.tree);
  if (!url.empty() && !checkout.contains("git_repository_url")) misc["repository_url"] = text(url);
  if (!misc.empty()) checkout["misc"] = misc;
  return checkout;
}

json build_of(const RunInfo& info, const KcidbOptions& options, const std::string& id,
              const std::string& checkout_id, const std::string& origin) {
  const KernelOrigin& o = info.kernel_origin;
  json build = {
      {"id", text(id)},
      {"checkout_id", text(checkout_id)},
      {"origin", origin},
      {"status", "PASS"},  // it booted and ran the suite
      {"comment", text(info.kernel_release)},
  };
  const std::string architecture = lower_identifier(first_of(options.architecture, o.architecture));
  if (!architecture.empty()) build["architecture"] = architecture;
  set_if(build, "config_name", o.config_name);
  set_if(build, "compiler", o.compiler);
  json misc = {{"kernel_release", text(info.kernel_release)},
               {"kernel_version", text(info.kernel_version)}};
  set_if(misc, "config_sha256", o.config_sha256);
  build["misc"] = misc;
  return build;
}

json resources(const KcidbOptions& options, const std::vector<std::string>& paths,
               const std::string& except = "") {
  json list = json::array();
  std::set<std::string> names;
  for (const auto& path : paths) {
    const std::string name = file_name(path);
    if (path == except || name.empty() || !names.insert(name).second) continue;
    list.push_back({{"name", text(name)}, {"url", text(options.artifacts_url + url_path(path))}});
  }
  return list;
}

// The instance's log: output.txt, when its folder has one.
std::string log_file(const std::vector<std::string>& files) {
  for (const auto& path : files)
    if (file_name(path) == "output.txt") return path;
  return "";
}

json test_misc(const InstanceResult& r, const RunInfo& info) {
  json failures = json::array();
  for (const auto& f : r.failures) failures.push_back(text(failure_line(f)));
  json metrics = json::array();
  for (const auto& m : r.metrics)
    if (std::isfinite(m.value)) metrics.push_back(m);
  json misc = {
      {"status", status_name(r.status)},
      {"instance", text(r.name)},
      {"workload", text(r.workload)},
      {"fs", text(r.fs)},
      {"variant", text(r.variant)},
      {"failures", failures},
      {"kernel_findings", r.kernel_findings},
      {"fixes", r.fixes},
      {"metrics", metrics},
      {"taint_before", r.taint_before},
      {"taint_after", r.taint_after},
      {"run_id", text(info.run_id)},
  };
  if (r.status == Status::timeout) misc["timeout"] = true;
  if (!r.reason.empty()) misc["reason"] = text(r.reason);
  if (r.expectation != Expectation::none) misc["expectation"] = text(expectation_line(r));
  if (std::isfinite(r.workload_s)) misc["workload_duration"] = r.workload_s;
  if (!r.artifacts.empty()) misc["artifacts"] = text(r.artifacts);
  return misc;
}

json test_of(const InstanceResult& r, const RunInfo& info, const KcidbOptions& options,
             const std::string& origin, const std::string& build_id) {
  json test = {
      {"id", text(origin + ":" + info.run_id + ":" + r.name)},
      {"build_id", text(build_id)},
      {"origin", origin},
      {"path", kcidb_path(r.name)},
      {"comment", text(r.name)},
      {"status", kcidb_status(r.status)},
      // The whole environment is on the run's node; this says which run.
      {"environment", {{"comment", text(info.machine + ", run " + info.run_id)}}},
      {"misc", test_misc(r, info)},
  };
  if (std::isfinite(r.duration_s) && r.duration_s >= 0) test["duration"] = r.duration_s;
  set_if(test, "start_time", r.started_at);
  const std::string log = joined_lines(verdict_lines(r));
  if (!log.empty()) test["log_excerpt"] = excerpt(log);
  if (!options.artifacts_url.empty()) {
    auto files = options.artifact_files.find(r.name);
    if (files != options.artifact_files.end()) {
      const std::string log_path = log_file(files->second);
      if (!log_path.empty()) test["log_url"] = text(options.artifacts_url + url_path(log_path));
      json outputs = resources(options, files->second, log_path);
      if (!outputs.empty()) test["output_files"] = outputs;
    }
  }
  return test;
}

// The run as the root of its instances' tree: its worst status, and the
// environment every instance shared, written once.
json run_node(const RunResult& run, const KcidbOptions& options, const std::string& origin,
              const std::string& build_id) {
  const RunInfo& info = run.info;
  json environment_misc = json::object();
  for (const auto& [key, value] : info.environment) environment_misc[valid_utf8(key)] = text(value);
  json node = {
      {"id", text(origin + ":" + info.run_id)},
      {"build_id", text(build_id)},
      {"origin", origin},
      {"path", "daxtorture"},
      {"comment", text("daxtorture run " + info.run_id + " on " + info.kernel_release)},
      {"status", kcidb_status(overall_status(run))},
      {"environment", {{"comment", text(info.machine)}, {"misc", environment_misc}}},
      {"misc", {{"status", status_name(overall_status(run))},
                {"run_id", text(info.run_id)},
                {"tool_version", text(info.tool_version)},
                {"instances", run.instances.size()}}},
  };
  if (std::isfinite(info.duration_s) && info.duration_s > 0) node["duration"] = info.duration_s;
  set_if(node, "start_time", info.started_at);
  if (!options.artifacts_url.empty()) {
    for (const auto& path : options.run_files)
      if (path == "console.log") node["log_url"] = text(options.artifacts_url + url_path(path));
    json outputs = resources(options, options.run_files, "console.log");
    if (!outputs.empty()) node["output_files"] = outputs;
  }
  return node;
}

std::string issue_id(const InstanceResult& r, const std::string& origin) {
  return origin + ":expect:" + file_name(r.expectation_source.substr(0, r.expectation_source.rfind(':'))) +
         ":" + r.expectation_pattern;
}

}  // namespace

const char* kcidb_status(Status status) {
  switch (status) {
    case Status::pass: return "PASS";
    case Status::fail: return "FAIL";
    case Status::skip: return "SKIP";
    case Status::broken:
    case Status::timeout:
    case Status::crash: return "ERROR";
  }
  return "ERROR";
}

std::string kcidb_path(const std::string& instance_name) {
  std::string path = "daxtorture";
  std::string part;
  auto flush = [&] {
    if (!part.empty()) path += "." + part;
    part.clear();
  };
  for (char c : instance_name) {
    if (c == '/') {
      flush();
    } else {
      // A dot inside a part would split it into two tree levels.
      part += (is_alnum(c) || c == '_' || c == '-') ? c : '_';
    }
  }
  flush();
  return path;
}

std::string url_path(const std::string& path) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += '%';
      out += kDigits[byte >> 4];
      out += kDigits[byte & 0xF];
    }
  }
  return out;
}

json to_kcidb(const RunResult& run, const KcidbOptions& options) {
  const RunInfo& info = run.info;
  const std::string origin = origin_of(options);
  const std::string checkout_id =
      options.checkout_id.empty() ? origin + ":" + checkout_key(info) : options.checkout_id;
  std::string build_id = options.build_id;
  if (build_id.empty()) {
    build_id = checkout_id;
    if (!info.kernel_origin.config_sha256.empty()) build_id += ":" + info.kernel_origin.config_sha256;
  }

  json tests = json::array({run_node(run, options, origin, build_id)});
  json issues = json::array();
  json incidents = json::array();
  std::set<std::string> issues_seen;
  for (const auto& instance : run.instances) {
    json test = test_of(instance, info, options, origin, build_id);
    const bool known = instance.expectation == Expectation::known_failure;
    const bool fixed = instance.expectation == Expectation::fixed;
    if ((known || fixed) && !instance.expectation_pattern.empty()) {
      const std::string id = issue_id(instance, origin);
      if (issues_seen.insert(id).second) {
        json issue = {{"id", text(id)},
                      {"version", kIssueVersion},
                      {"origin", origin},
                      {"culprit", {{"code", true}}},
                      {"comment", text(first_of(instance.expectation_note, instance.expectation_pattern))},
                      {"misc", {{"pattern", text(instance.expectation_pattern)},
                                {"expectations", text(instance.expectation_source)}}}};
        issues.push_back(issue);
      }
      incidents.push_back({{"id", text(test["id"].get<std::string>() + ":" + id)},
                           {"origin", origin},
                           {"issue_id", text(id)},
                           {"issue_version", kIssueVersion},
                           {"test_id", test["id"]},
                           {"present", known},
                           {"comment", text(expectation_line(instance))}});
    }
    tests.push_back(std::move(test));
  }

  json report = {
      {"version", {{"major", 5}, {"minor", 3}}},
      {"checkouts", json::array({checkout_of(info, options, checkout_id, origin)})},
      {"builds", json::array({build_of(info, options, build_id, checkout_id, origin)})},
      {"tests", tests},
  };
  if (!issues.empty()) report["issues"] = issues;
  if (!incidents.empty()) report["incidents"] = incidents;
  return report;
}

}  // namespace dt::reports
