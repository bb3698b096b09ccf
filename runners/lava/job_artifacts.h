// The files a LAVA job downloads, put in one folder ready to upload: the
// kernel and the guest image, each named by its content (the first 16 hex
// digits of its sha256), so that re-uploading the same file changes
// nothing and a job never gets a file it was not written for.
#pragma once

#include <string>

#include "runners/lava/job_writer.h"

namespace dt::lava {

// Copies (or hard-links) `source` into `folder` as PREFIX-SHA16SUFFIX and
// returns its URL under `base_url` with its sha256. Also adds a line to
// folder/SHA256SUMS.
Artifact publish_artifact(const std::string& source, const std::string& folder, const std::string& prefix,
                          const std::string& suffix, const std::string& base_url);

}  // namespace dt::lava
