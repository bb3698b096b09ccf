// The run's record of truth: RunResult <-> JSON, lossless both ways.
//
// run.json in the run folder holds the whole run; instance.json in each
// instance folder holds that instance alone, so a folder copied out of a
// run still says what happened in it. Every other report (KTAP, JUnit,
// KCIDB, HTML) can be regenerated from these files.
//
// Encoding choices:
//  - statuses as status_name() ("PASS", "TIMEOUT", ...);
//  - expectations as "none", "new_failure", "known_failure", "fixed";
//  - numbers that are not finite as the strings "nan", "inf", "-inf",
//    because JSON has no such numbers and a lossy null would not read back;
//  - strings with invalid UTF-8 get U+FFFD for the bad bytes (JSON cannot
//    carry them, and nlohmann::json::dump() would throw on them), so the
//    round trip is exact for all valid UTF-8;
//  - run.json also carries "status" and "counts", derived from the
//    instances for readers like jq; they are ignored when reading.
//
// Reading is strict about types and names the offending field in the
// std::runtime_error it throws ("instances[2].failures[0].line: expected an
// integer, got string"). Fields other than the required ones may be
// missing and take the model's defaults; unknown fields are ignored, so
// newer files stay readable.
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.h"

// nlohmann's conversions for the result structs, found by argument-dependent
// lookup: json j = failure; failure = j.get<Failure>(). from_json is as
// strict as run_from_json and names the offending field the same way.
namespace dt {
void to_json(nlohmann::json& j, const Failure& failure);
void to_json(nlohmann::json& j, const KernelFinding& finding);
void to_json(nlohmann::json& j, const FixTag& fix);
void to_json(nlohmann::json& j, const Metric& metric);
void to_json(nlohmann::json& j, const KernelOrigin& origin);
void to_json(nlohmann::json& j, const InstanceResult& instance);
void to_json(nlohmann::json& j, const RunResult& run);
void from_json(const nlohmann::json& j, Failure& failure);
void from_json(const nlohmann::json& j, KernelFinding& finding);
void from_json(const nlohmann::json& j, FixTag& fix);
void from_json(const nlohmann::json& j, Metric& metric);
void from_json(const nlohmann::json& j, KernelOrigin& origin);
void from_json(const nlohmann::json& j, InstanceResult& instance);
void from_json(const nlohmann::json& j, RunResult& run);
}  // namespace dt

namespace dt::reports {

inline constexpr const char* kRunSchema = "daxtorture-run/1";
inline constexpr const char* kInstanceSchema = "daxtorture-instance/1";

// {"schema": "daxtorture-run/1", "info": {...}, "status", "counts",
//  "instances": [...]}. Requires "schema", "info" and "instances".
nlohmann::json to_json(const RunResult& run);
RunResult run_from_json(const nlohmann::json& json);

// One instance object, as it appears in "instances". Requires "name" and
// "status". A "schema" member, when present, must be kInstanceSchema.
nlohmann::json to_json(const InstanceResult& instance);
InstanceResult instance_from_json(const nlohmann::json& json);

// The content of a stand-alone instance.json: to_json(instance) with
// "schema": "daxtorture-instance/1" added.
nlohmann::json instance_document(const InstanceResult& instance);

}  // namespace dt::reports
