// The one reader of a guest runner's records (runners/results/guest_record.h):
// an instance's instance.json, by the instance's name (a repetition's
// folder included), and the run's description without its instances.
#include "runners/results/guest_record.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>

#include "core/text_file.h"
#include "reports/json_report.h"
#include "runners/results/results_store.h"

namespace dt {
namespace {

namespace fs = std::filesystem;

struct RunFolder {
  std::string dir = fs::temp_directory_path() / ("guest-record-" + std::to_string(getpid()) + "-" +
                                                  std::to_string(reinterpret_cast<uintptr_t>(this)));
  RunFolder() { make_directories(dir + "/instances"); }
  ~RunFolder() { fs::remove_all(dir); }
};

InstanceResult failed(const std::string& name) {
  InstanceResult result;
  result.name = name;
  result.workload = "pmd_fault";
  result.fs = "xfs";
  result.variant = "2m";
  result.status = Status::fail;
  result.reason = "3 of 512 faults were not PMD faults";
  result.failures.push_back({"workloads/pmd_fault.cc", 42, "pmd == 512", "509"});
  result.artifacts = instance_folder(name);
  return result;
}

TEST(GuestRecord, ReadsAnInstanceByItsName) {
  RunFolder run;
  save_instance(run.dir, failed("pmd_fault/xfs/2m"));
  std::string problem;
  auto record = read_instance_record(run.dir, "pmd_fault/xfs/2m", problem);
  ASSERT_TRUE(record) << problem;
  EXPECT_EQ(record->status, Status::fail);
  EXPECT_EQ(record->failures.size(), 1u);
  EXPECT_EQ(record->artifacts, "instances/pmd_fault~xfs~2m");
}

TEST(GuestRecord, ARepetitionHasAFolderOfItsOwn) {
  RunFolder run;
  save_instance(run.dir, failed("pmd_fault/xfs/2m"));
  InstanceResult second = failed("pmd_fault/xfs/2m#2");
  second.status = Status::pass;
  second.failures.clear();
  save_instance(run.dir, second);
  EXPECT_TRUE(fs::exists(run.dir + "/instances/pmd_fault~xfs~2m#2/instance.json"));
  std::string problem;
  auto record = read_instance_record(run.dir, "pmd_fault/xfs/2m#2", problem);
  ASSERT_TRUE(record) << problem;
  EXPECT_EQ(record->name, "pmd_fault/xfs/2m#2");
  EXPECT_EQ(record->status, Status::pass);
  EXPECT_EQ(read_instance_record(run.dir, "pmd_fault/xfs/2m", problem)->status, Status::fail);
}

TEST(GuestRecord, AMissingRecordIsNoProblemButABadOneIs) {
  RunFolder run;
  std::string problem = "stale";
  EXPECT_FALSE(read_instance_record(run.dir, "pmd_fault/xfs/2m", problem));
  EXPECT_EQ(problem, "");
  make_directories(run.dir + "/instances/pmd_fault~xfs~2m");
  write_text_file(run.dir + "/instances/pmd_fault~xfs~2m/instance.json", "{\"name\": \"pmd_fault/xfs/2m\"");
  EXPECT_FALSE(read_instance_record(run.dir, "pmd_fault/xfs/2m", problem));
  EXPECT_NE(problem.find("instances/pmd_fault~xfs~2m/instance.json: not valid JSON"), std::string::npos) << problem;
  EXPECT_FALSE(parse_instance_record("{\"name\": \"x\", \"status\": \"MAYBE\"}", problem));
  EXPECT_NE(problem.find("status"), std::string::npos) << problem;
}

TEST(GuestRecord, TheRunDescriptionIgnoresTheInstances) {
  RunResult run;
  run.info.run_id = "r";
  run.info.kernel_release = "6.12.118+deb12-amd64";
  run.info.environment["mount_options"] = "dax";
  run.instances.push_back(failed("pmd_fault/xfs/2m"));
  nlohmann::json json = reports::to_json(run);
  // An instance the reader would refuse does not cost the description.
  json["instances"][0]["status"] = "MAYBE";
  std::string problem;
  auto info = parse_run_description(json.dump(), problem);
  ASSERT_TRUE(info) << problem;
  EXPECT_EQ(info->kernel_release, "6.12.118+deb12-amd64");
  EXPECT_EQ(info->environment.at("mount_options"), "dax");
  EXPECT_FALSE(parse_run_description("[1, 2]", problem));
  EXPECT_FALSE(parse_run_description("{\"schema\": \"daxtorture-run/1\"}", problem));
  EXPECT_NE(problem, "");
}

}  // namespace
}  // namespace dt
