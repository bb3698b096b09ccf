// The workload registry: instance selection, repetitions, and what
// registration refuses.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "core/registry.h"

namespace dt {
namespace {

TEST(Registry, DefaultSetLeavesSelftestsOut) {
  auto instances = select_instances({});
  ASSERT_FALSE(instances.empty());
  for (const auto& instance : instances) EXPECT_NE(instance.workload->spec.group, "selftest");
}

// The guests of 'vm --jobs' select instances from their own threads while
// others hold Instances that point into the registry: reading it must not
// write it. (It sorted itself on every read, and CI's 'vm --jobs 2' died
// of "double free" at its guests' start.)
TEST(Registry, SelectingFromSeveralThreadsAtOnceIsSafe) {
  const std::vector<Instance> before = select_instances({"*"});
  ASSERT_FALSE(before.empty());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int round = 0; round < 25; ++round) {
        auto again = select_instances({"*"});
        if (again.size() != before.size() || again.front().name() != before.front().name()) ++wrong;
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(select_instances({"*"}).back().name(), before.back().name());
}

TEST(Registry, BareWorkloadNameSelectsAllItsInstances) {
  auto instances = select_instances({"uring_fixed_buffers_fsdax"});
  ASSERT_EQ(instances.size(), 4u);
  EXPECT_EQ(instances[0].name(), "uring_fixed_buffers_fsdax/xfs/shared");
  EXPECT_EQ(instances[3].name(), "uring_fixed_buffers_fsdax/ext4/private");
}

TEST(Registry, GlobsGroupsAndOrderOfPatterns) {
  auto instances = select_instances({"selftest_leave_mess", "selftest_expect_clean"});
  ASSERT_EQ(instances.size(), 2u);
  EXPECT_EQ(instances[0].workload->spec.name, "selftest_leave_mess");
  // Counts grow with every workload: check what each selection means.
  auto ext4 = select_instances({"*/ext4/*"});
  ASSERT_FALSE(ext4.empty());
  for (const auto& instance : ext4) EXPECT_EQ(instance.fs, "ext4");
  auto huge = select_instances({"group:huge"});
  bool has_pmd_write = false;
  for (const auto& instance : huge) {
    EXPECT_EQ(instance.workload->spec.group, "huge");
    has_pmd_write |= instance.name() == "pmd_fault_xfs/xfs/write";
  }
  EXPECT_TRUE(has_pmd_write);
}

TEST(Registry, PatternMatchingNothingIsAnError) {
  EXPECT_THROW(select_instances({"no_such_workload"}), UsageError);
}

TEST(Registry, DuplicateOrMalformedNamesAreRefused) {
  WorkloadSpec bad;
  bad.name = "Bad Name";
  EXPECT_THROW(register_workload(bad, nullptr, "x.cc"), std::logic_error);
  WorkloadSpec twice;
  twice.name = "pmd_fault_xfs";
  EXPECT_THROW(register_workload(twice, nullptr, "y.cc"), std::logic_error);
}

TEST(Registry, RepeatNumbersTheExtraRuns) {
  auto once = select_instances({"pmd_fault_xfs/xfs/write"});
  auto thrice = repeat_instances(once, 3);
  ASSERT_EQ(thrice.size(), 3u);
  EXPECT_EQ(thrice[0].name(), "pmd_fault_xfs/xfs/write");
  EXPECT_EQ(thrice[2].name(), "pmd_fault_xfs/xfs/write#3");
  EXPECT_EQ(base_instance_name(thrice[2].name()), "pmd_fault_xfs/xfs/write");
}

// A later boot of a --repeat run is given the names left, "NAME#2" among
// them; each must select exactly that repetition, and stay it.
TEST(Registry, ARepetitionNameSelectsThatRepetition) {
  auto chosen = repeat_instances(select_instances({"pmd_fault_xfs/xfs/write#3", "pmd_fault_xfs/xfs/write"}), 1);
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(chosen[0].name(), "pmd_fault_xfs/xfs/write#3");
  EXPECT_EQ(chosen[1].name(), "pmd_fault_xfs/xfs/write");
  EXPECT_THROW(select_instances({"pmd_fault_xfs/xfs/write#"}), UsageError);
  EXPECT_THROW(select_instances({"pmd_fault_xfs/xfs/write#0"}), UsageError);
  EXPECT_THROW(select_instances({"pmd_fault_xfs/xfs/write#x"}), UsageError);
}

TEST(Registry, VariantsAndInjectionsMustBeSlugsOnce) {
  WorkloadSpec spec;
  spec.name = "registry_test_variants";
  spec.needs.mode = NamespaceMode::none;
  spec.variants = {"a", "a"};
  EXPECT_THROW(register_workload(spec, nullptr, "v.cc"), std::logic_error);
  spec.variants = {"A b"};
  EXPECT_THROW(register_workload(spec, nullptr, "v.cc"), std::logic_error);
  spec.variants = {};
  EXPECT_THROW(register_workload(spec, nullptr, "v.cc"), std::logic_error);
  spec.variants = {"ok"};
  spec.injections = {"x", "x"};
  EXPECT_THROW(register_workload(spec, nullptr, "v.cc"), std::logic_error);
}

TEST(Registry, ATypedVariantSetRefusesUnknownNames) {
  WorkloadSpec spec;
  spec.name = "registry_test_typed";
  spec.needs.mode = NamespaceMode::none;
  spec.variants = {"rw", "rx"};
  spec.variants.known = [](const std::string& v) { return v == "rw"; };
  try {
    register_workload(spec, nullptr, "t.cc");
    FAIL() << "an unknown variant was registered";
  } catch (const std::logic_error& error) {
    EXPECT_NE(std::string(error.what()).find("variant 'rx' is not one its body knows"),
              std::string::npos)
        << error.what();
  }
}

TEST(Registry, EveryRegisteredVariantIsOneItsBodyKnows) {
  // Registration already refused the others; this proves the tables did
  // declare a parser where they type their variants.
  size_t typed = 0;
  for (const auto& workload : all_workloads()) {
    if (!workload.spec.variants.known) continue;
    ++typed;
    for (const auto& variant : workload.spec.variants)
      EXPECT_TRUE(workload.spec.variants.known(variant)) << workload.spec.name << "/" << variant;
    EXPECT_FALSE(workload.spec.variants.known("no_such_variant")) << workload.spec.name;
  }
  EXPECT_GE(typed, 13u);  // 7 pin matrix rows, 6 teardowns
}

const Workload& registered(const std::string& name) {
  for (const auto& workload : all_workloads())
    if (workload.spec.name == name) return workload;
  throw std::logic_error(name + " is not registered");
}

// Registers a copy of a real workload's spec under another name, its
// parsers kept, and returns registration's refusal ("" when accepted).
std::string refusal_of_copy(const std::string& name, const std::string& extra_variant,
                            const std::string& extra_injection) {
  WorkloadSpec copy = registered(name).spec;
  copy.name = "registry_test_copy_of_" + name;
  if (!extra_variant.empty()) copy.variants.push_back(extra_variant);
  if (!extra_injection.empty()) copy.injections.push_back(extra_injection);
  try {
    register_workload(copy, nullptr, "copy.cc");
  } catch (const std::logic_error& error) {
    return error.what();
  }
  return "";
}

TEST(Registry, AnUnknownVariantOrInjectionOfARealWorkloadIsRefused) {
  // uring_fixed_buffers_devdax once ran ring_exit_inflight for any variant
  // it did not know; its phase table now refuses the name at registration.
  EXPECT_NE(refusal_of_copy("uring_fixed_buffers_devdax", "ring_exit", "").find(
                "variant 'ring_exit' is not one its body knows"),
            std::string::npos);
  EXPECT_NE(refusal_of_copy("uring_fixed_buffers_devdax", "", "keep_ring").find(
                "injection 'keep_ring' is not one its body knows"),
            std::string::npos);
  EXPECT_NE(refusal_of_copy("pmd_fault_ext4", "writes", "").find("variant 'writes'"),
            std::string::npos);
  EXPECT_NE(refusal_of_copy("teardown_umount", "", "hold_somewhere").find(
                "injection 'hold_somewhere'"),
            std::string::npos);
}

TEST(Registry, EveryVariantSetWithAChoiceAndEveryInjectionIsTyped) {
  // A body that chooses between variants, or asks for an injection, does it
  // through a NameTable (or a cell type): its spec carries the parser.
  size_t injections = 0;
  for (const auto& workload : all_workloads()) {
    const WorkloadSpec& spec = workload.spec;
    if (spec.name.rfind("registry_test_", 0) == 0) continue;
    if (spec.variants.size() > 1)
      EXPECT_TRUE(spec.variants.known) << spec.name << " has untyped variants";
    if (spec.injections.empty()) continue;
    ASSERT_TRUE(spec.injections.known) << spec.name << " has untyped injections";
    for (const auto& injection : spec.injections) {
      EXPECT_TRUE(spec.injections.known(injection)) << spec.name << "/" << injection;
      ++injections;
    }
    EXPECT_FALSE(spec.injections.known("no_such_injection")) << spec.name;
  }
  EXPECT_GE(injections, 60u);
}

TEST(Registry, PmdFaultTableKeepsItsInstanceNames) {
  std::vector<std::string> names;
  for (const auto& instance : select_instances({"pmd_fault_xfs", "pmd_fault_ext4"}))
    names.push_back(instance.name());
  EXPECT_EQ(names, (std::vector<std::string>{"pmd_fault_xfs/xfs/write", "pmd_fault_xfs/xfs/read",
                                             "pmd_fault_ext4/ext4/write",
                                             "pmd_fault_ext4/ext4/read"}));
}

}  // namespace
}  // namespace dt
