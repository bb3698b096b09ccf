#include "reports/json_report.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "reports/text.h"

namespace dt::reports {

using nlohmann::json;

namespace {

constexpr Status kAllStatuses[] = {Status::pass,   Status::skip,
                                   Status::fail,   Status::broken,
                                   Status::timeout, Status::crash};

struct ExpectationToken {
  Expectation expectation;
  const char* token;
};
constexpr ExpectationToken kExpectations[] = {
    {Expectation::none, "none"},
    {Expectation::new_failure, "new_failure"},
    {Expectation::known_failure, "known_failure"},
    {Expectation::fixed, "fixed"},
};

const char* expectation_token(Expectation e) {
  for (const auto& entry : kExpectations)
    if (entry.expectation == e) return entry.token;
  return "none";
}

// ---- writing ----------------------------------------------------------------

json text(const std::string& s) { return valid_utf8(s); }

json json_number(double value) {
  if (std::isfinite(value)) return value;
  if (std::isnan(value)) return "nan";
  return value > 0 ? "inf" : "-inf";
}

json info_to_json(const RunInfo& info) {
  json environment = json::object();
  for (const auto& [key, value] : info.environment)
    environment[valid_utf8(key)] = text(value);
  return {
      {"run_id", text(info.run_id)},
      {"kernel_release", text(info.kernel_release)},
      {"kernel_version", text(info.kernel_version)},
      {"machine", text(info.machine)},
      {"tool_version", text(info.tool_version)},
      {"started_at", text(info.started_at)},
      {"finished_at", text(info.finished_at)},
      {"duration_s", json_number(info.duration_s)},
      {"environment", environment},
      {"kernel_origin", info.kernel_origin},
  };
}

// ---- reading ----------------------------------------------------------------

[[noreturn]] void fail_at(const std::string& where, const std::string& what) {
  throw std::runtime_error("daxtorture JSON: " +
                           (where.empty() ? std::string("top level") : where) +
                           ": " + what);
}

std::string got(const json& value) {
  return std::string(", got ") + value.type_name();
}

// Reads the members of one JSON object, naming each by its path from the
// document root in errors.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path)
      : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) fail_at(path_, "expected an object" + got(object_));
  }

  std::string path(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  // The member, or nullptr when it is absent and not required.
  const json* get(const char* key, bool required = false) const {
    auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) fail_at(path(key), "missing");
      return nullptr;
    }
    return &*it;
  }

  void string(const char* key, std::string& out, bool required = false) const {
    if (const json* value = get(key, required)) {
      if (!value->is_string()) fail_at(path(key), "expected a string" + got(*value));
      out = value->get<std::string>();
    }
  }

  void integer(const char* key, int& out) const {
    const json* value = get(key);
    if (!value) return;
    if (!value->is_number_integer())
      fail_at(path(key), "expected an integer" + got(*value));
    constexpr int64_t low = std::numeric_limits<int>::min();
    constexpr int64_t high = std::numeric_limits<int>::max();
    const bool fits =
        value->is_number_unsigned()
            ? value->get<uint64_t>() <= static_cast<uint64_t>(high)
            : value->get<int64_t>() >= low && value->get<int64_t>() <= high;
    if (!fits) fail_at(path(key), "integer out of range");
    out = value->get<int>();
  }

  void unsigned64(const char* key, uint64_t& out) const {
    if (const json* value = get(key)) {
      if (value->is_number_unsigned()) {
        out = value->get<uint64_t>();
      } else if (value->is_number_integer()) {
        fail_at(path(key), "expected a non-negative integer");
      } else {
        fail_at(path(key), "expected an integer" + got(*value));
      }
    }
  }

  void real(const char* key, double& out) const {
    const json* value = get(key);
    if (!value) return;
    if (value->is_number()) {
      out = value->get<double>();
      return;
    }
    if (value->is_string()) {
      const auto& s = value->get_ref<const std::string&>();
      if (s == "nan") { out = std::numeric_limits<double>::quiet_NaN(); return; }
      if (s == "inf") { out = std::numeric_limits<double>::infinity(); return; }
      if (s == "-inf") { out = -std::numeric_limits<double>::infinity(); return; }
      fail_at(path(key), "expected a number, got string \"" + s + "\"");
    }
    fail_at(path(key), "expected a number" + got(*value));
  }

  // Calls each(element, element_path) for every element of an array member.
  template <typename Each>
  void array(const char* key, Each each, bool required = false) const {
    const json* value = get(key, required);
    if (!value) return;
    if (!value->is_array()) fail_at(path(key), "expected an array" + got(*value));
    for (size_t i = 0; i < value->size(); ++i)
      each((*value)[i], path(key) + "[" + std::to_string(i) + "]");
  }

 private:
  const json& object_;
  std::string path_;
};

Status read_status(const ObjectReader& in, const char* key) {
  std::string name;
  in.string(key, name, /*required=*/true);
  auto status = parse_status(name);
  if (!status) fail_at(in.path(key), "unknown status \"" + name + "\"");
  return *status;
}

Expectation read_expectation(const ObjectReader& in) {
  std::string token = "none";
  in.string("expectation", token);
  for (const auto& entry : kExpectations)
    if (token == entry.token) return entry.expectation;
  fail_at(in.path("expectation"), "unknown expectation \"" + token + "\"");
}

Failure read_failure(const json& j, const std::string& at) {
  ObjectReader f(j, at);
  Failure failure;
  f.string("file", failure.file);
  f.integer("line", failure.line);
  f.string("check", failure.check);
  f.string("message", failure.message);
  return failure;
}

KernelFinding read_finding(const json& j, const std::string& at) {
  ObjectReader k(j, at);
  KernelFinding finding;
  k.string("kind", finding.kind);
  k.string("line", finding.line);
  return finding;
}

UnplacedLine read_unplaced(const json& j, const std::string& at) {
  ObjectReader k(j, at);
  UnplacedLine unplaced;
  k.string("line", unplaced.line);
  k.string("why", unplaced.why);
  return unplaced;
}

FixTag read_fix(const json& j, const std::string& at) {
  ObjectReader t(j, at);
  FixTag fix;
  t.string("sha", fix.sha, /*required=*/true);
  t.string("subject", fix.subject);
  return fix;
}

Metric read_metric(const json& j, const std::string& at) {
  ObjectReader m(j, at);
  Metric metric;
  m.string("name", metric.name, /*required=*/true);
  m.real("value", metric.value);
  m.string("unit", metric.unit);
  return metric;
}

KernelOrigin read_origin(const json& j, const std::string& at) {
  ObjectReader o(j, at);
  KernelOrigin k;
  o.string("kind", k.kind);
  o.string("package", k.package);
  o.string("package_version", k.package_version);
  o.string("tree", k.tree);
  o.string("repository_url", k.repository_url);
  o.string("branch", k.branch);
  o.string("commit", k.commit);
  o.string("describe", k.describe);
  o.string("config_sha256", k.config_sha256);
  o.string("config_name", k.config_name);
  o.string("compiler", k.compiler);
  o.string("architecture", k.architecture);
  return k;
}

std::vector<std::string> read_strings(const json& j, const std::string& at) {
  if (!j.is_array()) fail_at(at, "expected an array" + got(j));
  std::vector<std::string> out;
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string()) fail_at(at + "[" + std::to_string(i) + "]", "expected a string" + got(j[i]));
    out.push_back(j[i].get<std::string>());
  }
  return out;
}

FileCoverage read_file_coverage(const std::string& file, const json& j, const std::string& at) {
  ObjectReader f(j, at);
  FileCoverage coverage;
  coverage.file = file;
  f.integer("lines_hit", coverage.lines_hit);
  f.integer("lines_total", coverage.lines_total);
  f.integer("functions_hit", coverage.functions_hit);
  f.integer("functions_total", coverage.functions_total);
  if (const json* missed = f.get("functions_missed"))
    coverage.functions_missed = read_strings(*missed, f.path("functions_missed"));
  return coverage;
}

KernelCoverage read_kernel_coverage(const json& j, const std::string& at) {
  ObjectReader c(j, at);
  KernelCoverage coverage;
  c.integer("instances", coverage.instances);
  c.string("tracefile", coverage.tracefile);
  c.string("html", coverage.html);
  c.string("note", coverage.note);
  if (const json* files = c.get("files")) {
    if (!files->is_object()) fail_at(c.path("files"), "expected an object" + got(*files));
    for (const auto& [file, value] : files->items())
      coverage.files.push_back(read_file_coverage(file, value, c.path("files") + "." + file));
  }
  return coverage;
}

InstanceResult read_instance(const json& object, const std::string& path) {
  ObjectReader in(object, path);
  InstanceResult r;
  if (const json* schema = in.get("schema")) {
    if (!schema->is_string() || *schema != kInstanceSchema)
      fail_at(in.path("schema"), std::string("expected \"") + kInstanceSchema +
                                     "\", got " +
                                     schema->dump(-1, ' ', false,
                                                  json::error_handler_t::replace));
  }
  in.string("name", r.name, /*required=*/true);
  in.string("workload", r.workload);
  in.string("fs", r.fs);
  in.string("variant", r.variant);
  r.status = read_status(in, "status");
  in.string("reason", r.reason);
  in.array("failures", [&](const json& j, const std::string& at) {
    r.failures.push_back(read_failure(j, at));
  });
  in.array("kernel_findings", [&](const json& j, const std::string& at) {
    r.kernel_findings.push_back(read_finding(j, at));
  });
  in.array("unplaced_kernel_lines", [&](const json& j, const std::string& at) {
    r.unplaced_kernel_lines.push_back(read_unplaced(j, at));
  });
  in.array("fixes", [&](const json& j, const std::string& at) {
    r.fixes.push_back(read_fix(j, at));
  });
  in.array("metrics", [&](const json& j, const std::string& at) {
    r.metrics.push_back(read_metric(j, at));
  });
  in.array("notes", [&](const json& j, const std::string& at) {
    if (!j.is_string()) fail_at(at, "expected a string" + got(j));
    r.notes.push_back(j.get<std::string>());
  });
  in.unsigned64("taint_before", r.taint_before);
  in.unsigned64("taint_after", r.taint_after);
  in.real("duration_s", r.duration_s);
  in.real("workload_s", r.workload_s);
  in.string("started_at", r.started_at);
  in.string("artifacts", r.artifacts);
  r.expectation = read_expectation(in);
  in.string("expectation_note", r.expectation_note);
  in.string("expectation_source", r.expectation_source);
  in.string("expectation_pattern", r.expectation_pattern);
  if (const json* reached = in.get("kernel_functions_reached")) {
    if (!reached->is_object()) fail_at(in.path("kernel_functions_reached"), "expected an object" + got(*reached));
    for (const auto& [file, names] : reached->items())
      r.kernel_functions_reached[file] = read_strings(names, in.path("kernel_functions_reached") + "." + file);
  }
  return r;
}

RunInfo read_info(const json& object, const std::string& path) {
  ObjectReader in(object, path);
  RunInfo info;
  in.string("run_id", info.run_id, /*required=*/true);
  in.string("kernel_release", info.kernel_release);
  in.string("kernel_version", info.kernel_version);
  in.string("machine", info.machine);
  in.string("tool_version", info.tool_version);
  in.string("started_at", info.started_at);
  in.string("finished_at", info.finished_at);
  in.real("duration_s", info.duration_s);
  if (const json* environment = in.get("environment")) {
    if (!environment->is_object())
      fail_at(in.path("environment"), "expected an object" + got(*environment));
    for (const auto& [key, value] : environment->items()) {
      if (!value.is_string())
        fail_at(in.path("environment") + "." + key,
                "expected a string" + got(value));
      info.environment[key] = value.get<std::string>();
    }
  }
  if (const json* origin = in.get("kernel_origin"))
    info.kernel_origin = read_origin(*origin, in.path("kernel_origin"));
  return info;
}

}  // namespace

json to_json(const InstanceResult& r) {
  json notes = json::array();
  for (const auto& n : r.notes) notes.push_back(text(n));
  json out = {
      {"name", text(r.name)},
      {"workload", text(r.workload)},
      {"fs", text(r.fs)},
      {"variant", text(r.variant)},
      {"status", status_name(r.status)},
      {"reason", text(r.reason)},
      {"failures", r.failures},
      {"kernel_findings", r.kernel_findings},
      {"fixes", r.fixes},
      {"metrics", r.metrics},
      {"notes", notes},
      {"taint_before", r.taint_before},
      {"taint_after", r.taint_after},
      {"duration_s", json_number(r.duration_s)},
      {"workload_s", json_number(r.workload_s)},
      {"started_at", text(r.started_at)},
      {"artifacts", text(r.artifacts)},
      {"expectation", expectation_token(r.expectation)},
  };
  if (!r.unplaced_kernel_lines.empty()) {
    json unplaced = json::array();
    for (const auto& u : r.unplaced_kernel_lines) unplaced.push_back({{"line", text(u.line)}, {"why", text(u.why)}});
    out["unplaced_kernel_lines"] = unplaced;
  }
  if (!r.expectation_note.empty()) out["expectation_note"] = text(r.expectation_note);
  if (!r.expectation_source.empty()) out["expectation_source"] = text(r.expectation_source);
  if (!r.expectation_pattern.empty()) out["expectation_pattern"] = text(r.expectation_pattern);
  if (!r.kernel_functions_reached.empty()) {
    json reached = json::object();
    for (const auto& [file, names] : r.kernel_functions_reached) {
      json list = json::array();
      for (const auto& name : names) list.push_back(text(name));
      reached[text(file)] = list;
    }
    out["kernel_functions_reached"] = reached;
  }
  return out;
}

json instance_document(const InstanceResult& instance) {
  json document = to_json(instance);
  document["schema"] = kInstanceSchema;
  return document;
}

InstanceResult instance_from_json(const json& object) {
  return read_instance(object, "");
}

namespace {
json coverage_to_json(const KernelCoverage& coverage) {
  json files = json::object();
  for (const auto& file : coverage.files) {
    json missed = json::array();
    for (const auto& name : file.functions_missed) missed.push_back(text(name));
    files[text(file.file)] = {{"lines_hit", file.lines_hit},         {"lines_total", file.lines_total},
                              {"functions_hit", file.functions_hit}, {"functions_total", file.functions_total},
                              {"functions_missed", missed}};
  }
  json out = {{"instances", coverage.instances}, {"tracefile", text(coverage.tracefile)},
              {"html", text(coverage.html)}, {"files", files}};
  if (!coverage.note.empty()) out["note"] = text(coverage.note);
  return out;
}
}  // namespace

json to_json(const RunResult& run) {
  json counts = json::object();
  for (Status s : kAllStatuses) counts[status_name(s)] = 0;
  json instances = json::array();
  for (const auto& instance : run.instances) {
    instances.push_back(to_json(instance));
    counts[status_name(instance.status)] =
        counts[status_name(instance.status)].get<int>() + 1;
  }
  // Kernel lines no instance is charged with, on the run itself, so that a
  // reader of the run sees them without opening every instance.
  json unplaced = json::array();
  for (const auto& instance : run.instances)
    for (const auto& u : instance.unplaced_kernel_lines)
      unplaced.push_back({{"line", text(u.line)}, {"why", text(u.why)}, {"seen_during", text(instance.name)}});
  json out = {
      {"schema", kRunSchema},
      {"info", info_to_json(run.info)},
      {"status", status_name(overall_status(run))},
      {"counts", counts},
      {"unplaced_kernel_lines", unplaced},
      {"instances", instances},
  };
  if (run.kernel_coverage) out["kernel_coverage"] = coverage_to_json(*run.kernel_coverage);
  return out;
}

RunResult run_from_json(const json& document) {
  ObjectReader in(document, "");
  std::string schema;
  in.string("schema", schema, /*required=*/true);
  if (schema != kRunSchema)
    fail_at("schema", std::string("expected \"") + kRunSchema + "\", got \"" +
                          schema + "\"");
  RunResult run;
  run.info = read_info(*in.get("info", /*required=*/true), "info");
  in.array(
      "instances",
      [&](const json& j, const std::string& at) {
        run.instances.push_back(read_instance(j, at));
      },
      /*required=*/true);
  if (const json* coverage = in.get("kernel_coverage"))
    run.kernel_coverage = read_kernel_coverage(*coverage, "kernel_coverage");
  return run;
}

}  // namespace dt::reports

namespace dt {

using nlohmann::json;
using reports::valid_utf8;

void to_json(json& j, const Failure& f) {
  j = {{"file", valid_utf8(f.file)},
       {"line", f.line},
       {"check", valid_utf8(f.check)},
       {"message", valid_utf8(f.message)}};
}
void to_json(json& j, const KernelFinding& k) {
  j = {{"kind", valid_utf8(k.kind)}, {"line", valid_utf8(k.line)}};
}
void to_json(json& j, const FixTag& fix) {
  j = {{"sha", valid_utf8(fix.sha)}, {"subject", valid_utf8(fix.subject)}};
}
void to_json(json& j, const Metric& m) {
  j = {{"name", valid_utf8(m.name)}, {"value", reports::json_number(m.value)},
       {"unit", valid_utf8(m.unit)}};
}
void to_json(json& j, const KernelOrigin& o) {
  j = json::object();
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = valid_utf8(value);
  };
  put("kind", o.kind);
  put("package", o.package);
  put("package_version", o.package_version);
  put("tree", o.tree);
  put("repository_url", o.repository_url);
  put("branch", o.branch);
  put("commit", o.commit);
  put("describe", o.describe);
  put("config_sha256", o.config_sha256);
  put("config_name", o.config_name);
  put("compiler", o.compiler);
  put("architecture", o.architecture);
}
void to_json(json& j, const InstanceResult& instance) { j = reports::to_json(instance); }
void to_json(json& j, const RunResult& run) { j = reports::to_json(run); }

void from_json(const json& j, Failure& f) { f = reports::read_failure(j, ""); }
void from_json(const json& j, KernelFinding& k) { k = reports::read_finding(j, ""); }
void from_json(const json& j, FixTag& fix) { fix = reports::read_fix(j, ""); }
void from_json(const json& j, Metric& m) { m = reports::read_metric(j, ""); }
void from_json(const json& j, KernelOrigin& o) { o = reports::read_origin(j, ""); }
void from_json(const json& j, InstanceResult& instance) { instance = reports::instance_from_json(j); }
void from_json(const json& j, RunResult& run) { run = reports::run_from_json(j); }

}  // namespace dt
