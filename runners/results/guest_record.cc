#include "runners/results/guest_record.h"

#include "core/text_file.h"
#include "reports/json_report.h"
#include "runners/results/results_store.h"

namespace dt {

std::optional<InstanceResult> parse_instance_record(const std::string& text, std::string& problem) {
  problem.clear();
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) {
    problem = "not valid JSON";
    return std::nullopt;
  }
  try {
    return reports::instance_from_json(json);
  } catch (const std::exception& error) {
    problem = error.what();
    return std::nullopt;
  }
}

std::optional<InstanceResult> read_instance_record(const std::string& run_dir, const std::string& name,
                                                   std::string& problem) {
  problem.clear();
  const std::string path = run_dir + "/" + instance_folder(name) + "/instance.json";
  auto text = read_text_file(path);
  if (!text) return std::nullopt;
  auto record = parse_instance_record(*text, problem);
  if (!record) problem = path + ": " + problem;
  return record;
}

std::optional<RunInfo> parse_run_description(const std::string& text, std::string& problem) {
  problem.clear();
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    problem = "not valid JSON";
    return std::nullopt;
  }
  try {
    // Read through the run's own reader, without its instances.
    json["instances"] = nlohmann::json::array();
    return reports::run_from_json(json).info;
  } catch (const std::exception& error) {
    problem = error.what();
    return std::nullopt;
  }
}

}  // namespace dt
