// The one reader of what a guest's runner records for the host: each
// instance's instance.json (its whole result: checks, findings, artifacts)
// and the run's description at the top of its run.json. The wire
// (runners/wire/) says *that* an instance finished; this says *what* it
// found. Under 'daxtorture vm' the records arrive over 9p in the run folder,
// under LAVA inside a job's console (runners/wire/lava_console.h), so each
// reader takes the text wherever it came from.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"

namespace dt {

// An instance.json's text; nullopt with `problem` set when it is no record.
std::optional<InstanceResult> parse_instance_record(const std::string& text, std::string& problem);

// RUN_DIR/instances/FOLDER/instance.json of instance `name` (its folder by
// instance_folder(), repetitions "NAME#2" included); nullopt when it is
// not there (`problem` empty) or unreadable (`problem` says why).
std::optional<InstanceResult> read_instance_record(const std::string& run_dir, const std::string& name,
                                                   std::string& problem);

// The run's description ("info") of a run.json's text; its instances are
// not read: they come one by one from their own records.
std::optional<RunInfo> parse_run_description(const std::string& text, std::string& problem);

}  // namespace dt
