// What the icount clock mode adds to the bench: the idle count read from
// /proc/schedstat, the strict JSON rewrite of Google Benchmark's output
// (no NaN, cpu_time per fault, context) and the smallest change that
// counts when both files are icount.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "reports/bench_compare.h"
#include "reports/bench_json.h"
#include "workloads/bench/idle_watch.h"

namespace dt {
namespace {

// /proc/schedstat as 6.1 and 6.12 print it (version 15): cpuN yld_count 0
// sched_count sched_goidle ttwu_count ttwu_local rq_cpu_time run_delay
// pcount, then domain lines.
const char* const kSchedstat =
    "version 15\ntimestamp 4295020000\n"
    "cpu0 0 0 7345 2210 3560 1840 8323481920 702384480 5120\n"
    "domain0 00000003 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
    "cpu1 0 0 1000 15 900 700 100 200 300\n";

TEST(IdleWatch, SumsWentIdleOverCpus) {
  EXPECT_EQ(bench::idle_entries_from(kSchedstat), 2225u);
  EXPECT_EQ(bench::idle_entries_from("version 15\ntimestamp 1\n"), std::nullopt);
  EXPECT_EQ(bench::idle_entries_from("version 15\ncpu0 1 2\n"), std::nullopt);   // truncated line
}

const char* const kName = "BM_fault/fsdax_xfs/4k/write/nosync/first/iterations:256/manual_time/threads:1";

// Google Benchmark's output as it is before the rewrite: cpu_time of the
// whole iteration, a NaN cv of the all-zero counter major_faults, an inf.
std::string raw_json(const std::vector<double>& cpu_us) {
  std::ostringstream out;
  out << R"x({"context": {"host_name": "(none)", "library_build_type": "debug", "clock": "icount"},
             "benchmarks": [)x";
  for (size_t i = 0; i < cpu_us.size(); ++i)
    out << R"({"name": ")" << kName << R"(", "run_name": ")" << kName
        << R"(", "run_type": "iteration", "repetition_index": )" << i
        << R"(, "iterations": 256, "real_time": 13.5, "cpu_time": 900.0, "time_unit": "us", "mean_us": 13.5,)"
        << R"( "cpu_us": )" << cpu_us[i] << R"(, "major_faults": 0},)";
  for (const char* aggregate : {"mean", "median", "stddev", "cv"})
    out << R"({"name": ")" << kName << "_" << aggregate << R"(", "run_name": ")" << kName
        << R"(", "run_type": "aggregate", "aggregate_name": ")" << aggregate
        << R"(", "real_time": 1, "cpu_time": 900.0, "time_unit": "us", "major_faults": NaN, "faults_per_s": inf},)";
  out << R"({"name": "BM_touch_loop/x", "run_name": "BM_touch_loop/x", "run_type": "iteration",
             "real_time": 13.4, "cpu_time": 7000, "time_unit": "ns", "cpu_us": 13.4}]})";
  return out.str();
}

TEST(StrictBenchJson, NoNonNumbersCpuTimePerFaultAndContext) {
  const std::string text = reports::strict_bench_json(raw_json({13.0, 14.0, 15.0}), {{"host_name", "buildhost"}});
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
  EXPECT_EQ(text.find("null"), std::string::npos);
  // A strict parser (no NaN/Infinity allowed) accepts it.
  nlohmann::json doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc["context"]["host_name"], "buildhost");
  EXPECT_EQ(doc["context"]["clock"], "icount");
  const auto& rows = doc["benchmarks"];
  EXPECT_DOUBLE_EQ(rows[0]["cpu_time"].get<double>(), 13.0);
  EXPECT_DOUBLE_EQ(rows[2]["cpu_time"].get<double>(), 15.0);
  EXPECT_DOUBLE_EQ(rows[3]["cpu_time"].get<double>(), 14.0);   // mean
  EXPECT_DOUBLE_EQ(rows[4]["cpu_time"].get<double>(), 14.0);   // median
  EXPECT_DOUBLE_EQ(rows[5]["cpu_time"].get<double>(), 1.0);    // stddev
  EXPECT_NEAR(rows[6]["cpu_time"].get<double>(), 1.0 / 14.0, 1e-12);   // cv
  EXPECT_FALSE(rows[6].contains("major_faults"));
  EXPECT_FALSE(rows[6].contains("faults_per_s"));
  // time_unit ns: 13.4 us per fault.
  EXPECT_DOUBLE_EQ(rows[7]["cpu_time"].get<double>(), 13400);
  // And the reader still reads it.
  auto file = reports::parse_bench_json(text, "strict.json");
  EXPECT_EQ(file.values(kName, "mean_us").size(), 3u);
}

TEST(StrictBenchJson, RejectsWhatIsNotGoogleBenchmarkJson) {
  EXPECT_THROW(reports::strict_bench_json("{\"benchmarks\": 3}", {}), std::runtime_error);
  EXPECT_THROW(reports::strict_bench_json("not json", {}), std::runtime_error);
}

// Two files whose nine repetitions never overlap, shifted by `shift`.
std::pair<reports::BenchFile, reports::BenchFile> shifted(double shift, const std::string& clock) {
  auto file = [&](double base) {
    std::ostringstream out;
    out << R"({"context": {"clock": ")" << clock << R"("}, "benchmarks": [)";
    for (int i = 0; i < 9; ++i)
      out << (i ? "," : "") << R"({"name": ")" << kName << R"(", "run_name": ")" << kName
          << R"(", "run_type": "iteration", "repetition_index": )" << i << R"(, "real_time": 1, "mean_us": )"
          << base + i * 1e-4 << R"(, "p50_us": )" << base + i * 1e-4 << "}";
    out << "]}";
    return reports::parse_bench_json(out.str());
  };
  return {file(100), file(100 * (1 + shift))};
}

TEST(BenchCompareIcount, ATinyConsistentShiftIsNotSignificantUnderIcount) {
  auto [old_file, new_file] = shifted(0.001, "icount");   // +0.1 %, every repetition
  const double min_change = reports::default_min_change(old_file, new_file);
  EXPECT_DOUBLE_EQ(min_change, reports::kIcountMinChange);
  auto deltas = reports::compare_bench(old_file, new_file, 0.05, min_change);
  ASSERT_EQ(deltas.size(), 1u);
  EXPECT_LT(deltas[0].p, 0.001);          // the U test alone would call it
  EXPECT_FALSE(deltas[0].significant);
  EXPECT_FALSE(deltas[0].p50_significant);
  auto [old_big, new_big] = shifted(0.02, "icount");
  EXPECT_TRUE(reports::compare_bench(old_big, new_big, 0.05, min_change)[0].significant);
}

TEST(BenchCompareIcount, WallFilesKeepThePlainUTest) {
  auto [old_file, new_file] = shifted(0.001, "wall");
  EXPECT_DOUBLE_EQ(reports::default_min_change(old_file, new_file), 0);
  EXPECT_TRUE(reports::compare_bench(old_file, new_file)[0].significant);
}

}  // namespace
}  // namespace dt
