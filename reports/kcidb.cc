#include "reports/kcidb.h"

#include <cmath>

#include "reports/text.h"

namespace dt::reports {

using nlohmann::json;

namespace {

// The schema caps log_excerpt at 16384 characters; bytes are a safe bound.
constexpr size_t kMaxExcerpt = 16384;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
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

json test_misc(const InstanceResult& r) {
  json failures = json::array();
  for (const auto& f : r.failures)
    failures.push_back(text(f.file + ":" + std::to_string(f.line) + ": " +
                            f.check + ": " + f.message));
  json findings = json::array();
  for (const auto& k : r.kernel_findings)
    findings.push_back({{"kind", text(k.kind)}, {"line", text(k.line)}});
  json fixes = json::array();
  for (const auto& fix : r.fixes)
    fixes.push_back({{"sha", text(fix.sha)}, {"subject", text(fix.subject)}});
  json metrics = json::array();
  for (const auto& m : r.metrics)
    if (std::isfinite(m.value))
      metrics.push_back(
          {{"name", text(m.name)}, {"value", m.value}, {"unit", text(m.unit)}});

  json misc = {
      {"status", status_name(r.status)},
      {"instance", text(r.name)},
      {"workload", text(r.workload)},
      {"fs", text(r.fs)},
      {"variant", text(r.variant)},
      {"failures", failures},
      {"kernel_findings", findings},
      {"fixes", fixes},
      {"metrics", metrics},
      {"taint_before", r.taint_before},
      {"taint_after", r.taint_after},
  };
  if (r.status == Status::timeout) misc["timeout"] = true;
  if (!r.reason.empty()) misc["reason"] = text(r.reason);
  if (r.expectation != Expectation::none)
    misc["expectation"] = expectation_name(r.expectation);
  if (std::isfinite(r.workload_s)) misc["workload_duration"] = r.workload_s;
  if (!r.artifacts.empty()) misc["artifacts"] = text(r.artifacts);
  return misc;
}

std::string log_lines(const InstanceResult& r) {
  std::string all;
  if (!r.reason.empty()) all += std::string(status_name(r.status)) + ": " +
                                r.reason + "\n";
  for (const auto& f : r.failures)
    all += f.file + ":" + std::to_string(f.line) + ": " + f.check + ": " +
           f.message + "\n";
  for (const auto& k : r.kernel_findings)
    all += "kernel: " + k.kind + ": " + k.line + "\n";
  return all;
}

json environment_of(const RunInfo& info) {
  json misc = json::object();
  for (const auto& [key, value] : info.environment)
    misc[valid_utf8(key)] = text(value);
  json environment = {{"misc", misc}};
  if (!info.machine.empty()) environment["comment"] = text(info.machine);
  return environment;
}

json test_of(const InstanceResult& r, const RunInfo& info,
             const std::string& origin, const std::string& build_id,
             const json& environment) {
  json test = {
      {"id", text(origin + ":" + info.run_id + ":" + r.name)},
      {"build_id", text(build_id)},
      {"origin", origin},
      {"path", kcidb_path(r.name)},
      {"comment", text(r.name)},
      {"status", kcidb_status(r.status)},
      {"environment", environment},
      {"misc", test_misc(r)},
  };
  if (std::isfinite(r.duration_s) && r.duration_s >= 0)
    test["duration"] = r.duration_s;
  if (!r.started_at.empty()) test["start_time"] = text(r.started_at);
  if (r.expectation == Expectation::known_failure) test["waived"] = true;
  const std::string log = log_lines(r);
  if (!log.empty()) test["log_excerpt"] = excerpt(log);
  return test;
}

void set_if(json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = text(value);
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

json to_kcidb(const RunResult& run, const KcidbOptions& options) {
  const RunInfo& info = run.info;
  const std::string origin = origin_of(options);
  const std::string run_key = info.run_id.empty() ? "run" : info.run_id;
  const std::string checkout_id = options.checkout_id.empty()
                                      ? origin + ":" + run_key
                                      : options.checkout_id;
  const std::string build_id =
      options.build_id.empty() ? origin + ":" + run_key : options.build_id;

  json checkout = {
      {"id", text(checkout_id)},
      {"origin", origin},
      {"valid", true},  // a kernel was built from it and booted
  };
  set_if(checkout, "tree_name", options.tree_name);
  set_if(checkout, "git_repository_url", options.git_repository_url);
  set_if(checkout, "git_commit_hash", options.git_commit_hash);
  set_if(checkout, "git_repository_branch", options.git_repository_branch);
  if (!info.kernel_release.empty())
    checkout["comment"] = text("Linux " + info.kernel_release);

  json build = {
      {"id", text(build_id)},
      {"checkout_id", text(checkout_id)},
      {"origin", origin},
      {"valid", true},  // it booted and ran the suite
      {"misc",
       {{"kernel_release", text(info.kernel_release)},
        {"kernel_version", text(info.kernel_version)}}},
  };
  const std::string architecture = lower_identifier(options.architecture);
  if (!architecture.empty()) build["architecture"] = architecture;
  if (!info.kernel_release.empty())
    build["comment"] = text(info.kernel_release);

  const json environment = environment_of(info);
  json tests = json::array();
  for (const auto& instance : run.instances) {
    json test = test_of(instance, info, origin, build_id, environment);
    test["misc"]["run_id"] = text(info.run_id);
    test["misc"]["tool_version"] = text(info.tool_version);
    tests.push_back(std::move(test));
  }

  return {
      {"version", {{"major", 4}, {"minor", 3}}},
      {"checkouts", json::array({checkout})},
      {"builds", json::array({build})},
      {"tests", tests},
  };
}

}  // namespace dt::reports
