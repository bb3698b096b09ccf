// KCIDB I/O schema v5.3 report (kernelci/kcidb-io; vendored for the tests in
// tests/schemas/) for submitting a run to KernelCI.
//
//   checkout  one per kernel source, its id derived from where the kernel
//             came from (RunInfo::kernel_origin), never from the run, so two
//             runs of one kernel land on one checkout:
//               tree            "<origin>:git:<commit>", with the repository
//                               URL (https only, as the schema asks), branch,
//                               commit hash and `git describe` name;
//               debian-package  "<origin>:debian:<package>=<version>";
//               anything else   "<origin>:kernel:<uname -r> <uname -v>".
//   build     one per checkout and config: "<checkout id>:<config sha256>"
//             for a tree, the checkout id again for a package or image;
//             architecture, config name and compiler when known; status PASS
//             (it booted and ran the suite).
//   tests     one node "daxtorture" per run (its worst status, the whole
//             run's environment, console.log as log_url), then one test per
//             instance: path "daxtorture.<name with / as .>" (each part
//             reduced to [a-zA-Z0-9_-]), id "<origin>:<run_id>:<name>",
//             start_time with milliseconds, log_url output.txt and the other
//             files of its folder as output_files.
//   status    PASS → PASS, FAIL → FAIL, SKIP → SKIP, and BROKEN, TIMEOUT,
//             CRASH → ERROR ("didn't complete; status of the tested code is
//             unknown"); misc.status keeps our own word.
//   known     v5 has no "waived": a known failure is an incident of an
//             issue. Each expectations-file line that judged an instance is
//             an issue "<origin>:expect:<file name>:<instance pattern>"
//             (version 1, comment: the line's note, culprit: the code); each
//             known failure is an incident with present = true, and each
//             instance the file expected to fail but that passed ("fixed")
//             one with present = false.
//
// The schema forbids null anywhere, so absent data is left out, and
// non-finite numbers never appear.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace dt::reports {

struct KcidbOptions {
  // The submitting CI system; reduced to the schema's [a-z0-9_]+.
  std::string origin = "daxtorture";
  // Full ids ("origin:...") of a checkout/build the CI system already
  // submitted; derived from the kernel's origin when empty.
  std::string checkout_id;
  std::string build_id;
  // Overrides of what kernel_origin says, written only when set.
  std::string tree_name;            // "mainline", "linux-next", ...
  std::string git_repository_url;   // https://
  std::string git_commit_hash;      // 40 hex digits
  std::string git_repository_branch;
  std::string architecture;         // "x86_64", ...
  // Where the run folder is published, ending in "/": log_url and
  // output_files are this plus the file's path inside the run folder.
  // Empty: no URLs are written (the schema wants absolute URIs).
  std::string artifacts_url;
  // Files of each instance folder, by instance name, as paths relative to
  // the run folder ("instances/x~xfs~4k/dmesg.txt"); the writer does no I/O.
  std::map<std::string, std::vector<std::string>> artifact_files;
  // The run folder's own files (console.log, ...), relative to it.
  std::vector<std::string> run_files;
};

nlohmann::json to_kcidb(const RunResult& run, const KcidbOptions& options = {});

// The KCIDB status word for one of ours ("PASS", "FAIL", "ERROR", "SKIP").
const char* kcidb_status(Status status);

// "daxtorture.<instance name>" as a KCIDB test path.
std::string kcidb_path(const std::string& instance_name);

// `path` with every byte outside RFC 3986's unreserved set and "/"
// percent-encoded, to append to an artifacts URL.
std::string url_path(const std::string& path);

}  // namespace dt::reports
