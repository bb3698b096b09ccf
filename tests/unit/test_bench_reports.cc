// The bench JSON reader, the comparison, the touch-loop agreement and the
// plot, on Google Benchmark JSON shaped as 'daxtorture bench' writes it.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "reports/bench_compare.h"
#include "reports/bench_json.h"
#include "reports/bench_plot.h"
#include "workloads/bench/fault_case.h"
#include "workloads/bench/latency_stats.h"

namespace dt {
namespace {

const char* const kFault = "BM_fault/fsdax_xfs/4k/write/nosync/first/iterations:256/manual_time/threads:1";
const char* const kLoop = "BM_touch_loop/fsdax_xfs/4k/write/nosync/first/iterations:1/manual_time";

// A bench JSON document: `means` per repetition of the fault benchmark,
// its aggregates (with the NaN cv Google Benchmark writes for an all-zero
// counter), a touch loop, and one benchmark that reported an error.
std::string bench_json(const std::string& release, const std::vector<double>& means, double loop) {
  std::ostringstream out;
  out << R"({"context": {"date": "2026-12-01", "kernel_release": ")" << release
      << R"(", "accelerator": "tcg", "num_cpus": 2}, "benchmarks": [)";
  for (size_t i = 0; i < means.size(); ++i)
    out << R"({"name": ")" << kFault << R"(", "run_name": ")" << kFault
        << R"(", "run_type": "iteration", "repetitions": 9, "repetition_index": )" << i
        << R"(, "threads": 1, "iterations": 256, "real_time": )" << means[i]
        << R"(, "cpu_time": 1.0, "time_unit": "us", "mean_us": )" << means[i] << R"(, "p50_us": )"
        << means[i] * 0.9 << R"(, "p99_us": )" << means[i] * 3 << R"(, "major_faults": 0},)";
  out << R"({"name": ")" << kFault << R"(_cv", "run_name": ")" << kFault
      << R"(", "run_type": "aggregate", "aggregate_name": "cv", "major_faults": NaN, "mean_us": 0.01},)";
  out << R"({"name": ")" << kLoop << R"(", "run_name": ")" << kLoop
      << R"(", "run_type": "iteration", "repetition_index": 0, "threads": 1, "real_time": 1, "time_unit": "us", "per_fault_us": )"
      << loop << R"(, "paired_timed_mean_us": )" << loop * 1.05 << R"(},)";
  out << R"({"name": "BM_fault/devdax_1g/1g/read/nosync/first/iterations:2/manual_time/threads:1", "run_name": "BM_fault/devdax_1g/1g/read/nosync/first/iterations:2/manual_time/threads:1", "run_type": "iteration", "repetition_index": 0, "threads": 1, "real_time": 0, "time_unit": "us", "error_occurred": true, "error_message": "fault size not verified"}]})";
  return out.str();
}

std::vector<double> nine(double base, double step) {
  std::vector<double> v;
  for (int i = 0; i < 9; ++i) v.push_back(base + step * i);
  return v;
}

TEST(BenchJson, ReadsRepetitionsCountersContextAndErrors) {
  auto file = reports::parse_bench_json(bench_json("6.1.0-57-amd64", nine(20, 0.1), 19.5), "a.json");
  EXPECT_EQ(file.label(), "6.1.0-57-amd64");
  EXPECT_EQ(file.context.at("accelerator"), "tcg");
  EXPECT_EQ(file.context.count("num_cpus"), 0u);   // numbers are not string context
  ASSERT_EQ(file.names().size(), 3u);               // aggregates left out
  EXPECT_EQ(file.values(kFault, "mean_us").size(), 9u);
  EXPECT_DOUBLE_EQ(file.values(kFault, "p99_us")[0], 60);
  EXPECT_EQ(file.error(kFault), "");
  EXPECT_EQ(file.error("BM_fault/devdax_1g/1g/read/nosync/first/iterations:2/manual_time/threads:1"),
            "fault size not verified");
}

TEST(BenchJson, RefusalsNameEachBenchmarkThatDidNotMeasureOnce) {
  auto file = reports::parse_bench_json(bench_json("7.2.12+deb13-amd64", nine(20, 0.1), 19.5), "a.json");
  ASSERT_EQ(file.refusals().size(), 1u);
  EXPECT_EQ(file.refusals()[0],
            "BM_fault/devdax_1g/1g/read/nosync/first/iterations:2/manual_time/threads:1 did not measure: "
            "fault size not verified");
}

TEST(BenchJson, RejectsWhatIsNotBenchmarkJson) {
  EXPECT_THROW(reports::parse_bench_json("{\"context\": {}}"), std::runtime_error);
  EXPECT_THROW(reports::parse_bench_json("not json"), std::runtime_error);
  EXPECT_THROW(reports::parse_bench_json("{\"benchmarks\": [{\"run_type\": \"iteration\"}]}"), std::runtime_error);
}

TEST(BenchCompare, SameFileShowsNoSignificantChange) {
  auto file = reports::parse_bench_json(bench_json("6.12", nine(20, 0.1), 19.5));
  auto deltas = reports::compare_bench(file, file);
  ASSERT_EQ(deltas.size(), 3u);
  EXPECT_EQ(reports::short_bench_name(deltas[0].name), "BM_fault/fsdax_xfs/4k/write/nosync/first/threads:1");
  EXPECT_DOUBLE_EQ(deltas[0].change, 0);
  EXPECT_NEAR(deltas[0].p, 1, 1e-12);
  EXPECT_FALSE(deltas[0].significant);
  EXPECT_NE(deltas[2].note.find("fault size not verified"), std::string::npos);
}

TEST(BenchCompare, ShiftedRepetitionsAreSignificant) {
  // Every new repetition slower than every old one: exact p = 2/C(18,9).
  auto old_file = reports::parse_bench_json(bench_json("6.1", nine(20, 0.1), 19.5));
  auto new_file = reports::parse_bench_json(bench_json("6.12", nine(25, 0.1), 24.5));
  auto deltas = reports::compare_bench(old_file, new_file);
  EXPECT_TRUE(deltas[0].significant);
  EXPECT_NEAR(deltas[0].p, 2.0 / 48620, 1e-12);
  EXPECT_NEAR(deltas[0].change, 25.4 / 20.4 - 1, 1e-9);   // medians 20.4 and 25.4
  std::ostringstream text, markdown;
  reports::write_comparison_text(text, deltas, "6.1", "6.12");
  EXPECT_NE(text.str().find("+24.5%"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("1 of 3 benchmarks changed significantly in the mean, 1 in the p50"),
            std::string::npos) << text.str();
  EXPECT_NE(text.str().find("mean and p50 changed"), std::string::npos) << text.str();
  EXPECT_TRUE(deltas[0].p50_significant);
  EXPECT_NEAR(deltas[0].p50_change, 22.86 / 18.36 - 1, 1e-9);   // p50 = 0.9 * mean
  reports::write_comparison_markdown(markdown, deltas, "6.1", "6.12");
  EXPECT_NE(markdown.str().find("| `BM_fault/fsdax_xfs/4k/write/nosync/first/threads:1` | 18.36 | 22.86 | +24.5% | 4.1e-05 ** |"),
            std::string::npos) << markdown.str();
}

TEST(BenchCompare, FewRepetitionsAreFlagged) {
  auto file = reports::parse_bench_json(bench_json("6.12", {20, 21, 22}, 19.5));
  auto deltas = reports::compare_bench(file, file);
  EXPECT_NE(deltas[0].note.find("fewer than 9 repetitions"), std::string::npos);
}

TEST(BenchCompare, TouchLoopAgreementAndRepetitionCv) {
  auto file = reports::parse_bench_json(bench_json("6.12", nine(20, 0.1), 19.5));
  auto agreement = reports::touch_loop_agreement(file);
  ASSERT_TRUE(agreement.found);
  EXPECT_DOUBLE_EQ(agreement.fault_mean_us, 20.4);
  EXPECT_DOUBLE_EQ(agreement.loop_per_fault_us, 19.5);
  EXPECT_NEAR(agreement.difference, 20.4 / 19.5 - 1, 1e-12);
  EXPECT_DOUBLE_EQ(agreement.paired_timed_mean_us, 19.5 * 1.05);
  EXPECT_NEAR(agreement.paired_difference, 0.05, 1e-12);
  auto cvs = reports::repetition_cvs(file);
  ASSERT_EQ(cvs.size(), 1u);   // the loop and the error have fewer than 2 values
  // 20.0 .. 20.8 in steps of 0.1: sample sd = 0.1 * sqrt(7.5) = 0.273861.
  EXPECT_NEAR(cvs[0].second, 0.273861 / 20.4, 1e-6);
}

TEST(BenchPlot, DrawsOneSeriesPerFileOnALogAxis) {
  auto a = reports::parse_bench_json(bench_json("6.1.0-57-amd64", nine(20, 0.1), 19.5));
  auto b = reports::parse_bench_json(bench_json("6.12.117+deb12-amd64", nine(2, 0.1), 2));
  std::ostringstream svg;
  reports::write_latency_svg(svg, {a, b});
  const std::string text = svg.str();
  EXPECT_EQ(text.rfind("<svg", 0), 0u);
  EXPECT_NE(text.find("6.1.0-57-amd64"), std::string::npos);
  EXPECT_NE(text.find("6.12.117+deb12-amd64"), std::string::npos);
  EXPECT_NE(text.find("4 KiB fsdax xfs p50 18.4"), std::string::npos);   // 0.9 * 20.4
  EXPECT_NE(text.find(">100 µs<"), std::string::npos);   // p99 61.2 needs the decade to 100
  EXPECT_NE(text.find(">1 µs<"), std::string::npos);     // p50 1.8 needs the decade from 1
  // p50 and p99 of two files: four polylines.
  size_t lines = 0;
  for (size_t at = text.find("<polyline"); at != std::string::npos; at = text.find("<polyline", at + 1)) ++lines;
  EXPECT_EQ(lines, 4u);
}

TEST(LatencyStats, NearestRankPercentiles) {
  std::vector<double> samples;
  for (int i = 100; i >= 1; --i) samples.push_back(i);
  bench::LatencySummary s = bench::summarize(samples);
  EXPECT_DOUBLE_EQ(s.mean, 50.5);
  EXPECT_DOUBLE_EQ(s.p50, 50);
  EXPECT_DOUBLE_EQ(s.p99, 99);
  EXPECT_DOUBLE_EQ(s.max, 100);
  std::vector<double> few = {3, 1, 2};
  s = bench::summarize(few);
  EXPECT_DOUBLE_EQ(s.p50, 2);   // rank ceil(1.5) = 2
  EXPECT_DOUBLE_EQ(s.p99, 3);
}

TEST(FaultCase, NamesAreStableAndUnique) {
  auto matrix = bench::fault_matrix();
  std::set<std::string> names;
  for (const auto& c : matrix) names.insert(bench::case_name(c) + "/t" + std::to_string(c.threads));
  EXPECT_EQ(names.size(), matrix.size());
  EXPECT_EQ(bench::case_name({bench::MappingKind::fsdax_xfs, 4096, true, true, bench::Touch::first, 1}),
            "BM_fault/fsdax_xfs/4k/write/map_sync/first");
  EXPECT_EQ(bench::touch_loop_name(), "BM_touch_loop/fsdax_xfs/4k/write/nosync/first");
  EXPECT_EQ(bench::size_name(1ull << 30), "1g");
}

}  // namespace
}  // namespace dt
