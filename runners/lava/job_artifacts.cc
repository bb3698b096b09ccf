#include "runners/lava/job_artifacts.h"

#include <filesystem>
#include <fstream>

#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"

namespace fs = std::filesystem;

namespace dt::lava {

Artifact publish_artifact(const std::string& source, const std::string& folder, const std::string& prefix,
                          const std::string& suffix, const std::string& base_url) {
  make_directories(folder);
  Artifact artifact;
  artifact.sha256 = run_checked({"sha256sum", source}, std::chrono::seconds(300)).substr(0, 64);
  const std::string name = prefix + "-" + artifact.sha256.substr(0, 16) + suffix;
  const fs::path target = fs::path(folder) / name;
  if (!fs::exists(target)) {
    std::error_code error;
    fs::create_hard_link(source, target.string() + ".tmp", error);
    if (error) fs::copy_file(source, target.string() + ".tmp", fs::copy_options::overwrite_existing);
    fs::rename(target.string() + ".tmp", target);
    std::ofstream(fs::path(folder) / "SHA256SUMS", std::ios::app) << artifact.sha256 << "  " << name << "\n";
  }
  artifact.url = base_url + (base_url.empty() || base_url.back() == '/' ? "" : "/") + name;
  return artifact;
}

}  // namespace dt::lava
