// KCIDB v4.3 report (https://github.com/kernelci/kcidb-io) for submitting a
// run to KernelCI: one checkout and one build standing for the kernel under
// test, and one test per instance.
//
//   status    PASS → PASS, FAIL → FAIL, SKIP → SKIP, and BROKEN, TIMEOUT,
//             CRASH → ERROR ("didn't complete; status of the tested code is
//             unknown"). misc.status keeps our own word, and a timeout also
//             sets misc.timeout = true.
//   path      "daxtorture.<name with / as .>", each part reduced to the
//             schema's [a-zA-Z0-9_-] (so "truncate_vs_pinned_dio/xfs/4k"
//             becomes "daxtorture.truncate_vs_pinned_dio.xfs.4k"). The
//             prefix names the suite, not the origin: the same test has
//             the same path whoever submits it.
//   waived    true for a known failure listed in the expectations file,
//             which is what the schema means by "status should be ignored".
//   ids       "<origin>:<run_id>" for checkout and build unless given,
//             "<origin>:<run_id>:<instance name>" for tests.
//
// The schema forbids null anywhere, so absent data is left out rather than
// written as null, and non-finite numbers never appear.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace dt::reports {

struct KcidbOptions {
  // The submitting CI system; reduced to the schema's [a-z0-9_]+.
  std::string origin = "daxtorture";
  // Full ids ("origin:...") of a checkout/build the CI system already
  // submitted; derived from the run id when empty.
  std::string checkout_id;
  std::string build_id;
  // Optional checkout and build facts, written only when set.
  std::string tree_name;            // "mainline", "linux-next", ...
  std::string git_repository_url;   // https:// or git://
  std::string git_commit_hash;      // 40 hex digits
  std::string git_repository_branch;
  std::string architecture;         // "x86_64", ...
};

nlohmann::json to_kcidb(const RunResult& run, const KcidbOptions& options = {});

// The KCIDB status word for one of ours ("PASS", "FAIL", "ERROR", "SKIP").
const char* kcidb_status(Status status);

// "daxtorture.<instance name>" as a KCIDB test path.
std::string kcidb_path(const std::string& instance_name);

}  // namespace dt::reports
