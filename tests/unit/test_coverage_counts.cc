// gcov's JSON read into the counts 'vm --coverage' sums, their summary, an
// instance's reach and the lcov tracefile genhtml reads.
#include <gtest/gtest.h>

#include "runners/results/coverage_counts.h"

namespace dt {
namespace {

const std::vector<std::string> kFiles = {"fs/dax.c", "fs/ext4/inode.c"};

// One object's worth, as `gcov --json-format --stdout` prints it (shortened):
// the compiler saw the sources through the O= folder's relative path.
std::string gcov_line(int fault_count, int put_count) {
  return R"({"gcc_version": "12.2.0", "format_version": "1", "files": [)"
         R"({"file": "../../../../work/linux/fs/dax.c", "lines": [)"
         R"({"line_number": 10, "count": )" + std::to_string(fault_count) + R"(, "function_name": "dax_iomap_fault"},)"
         R"({"line_number": 11, "count": 0, "function_name": "dax_iomap_fault"},)"
         R"({"line_number": 20, "count": )" + std::to_string(put_count) + R"(, "function_name": "dax_folio_put"}],)"
         R"("functions": [{"name": "dax_iomap_fault", "start_line": 9, "execution_count": )" +
         std::to_string(fault_count) + R"(},)"
         R"({"name": "dax_folio_put", "start_line": 19, "execution_count": )" + std::to_string(put_count) + R"(}]},)"
         R"({"file": "../../../../work/linux/include/linux/mm.h", "lines": [{"line_number": 5, "count": 9}],)"
         R"("functions": []},)"
         R"({"file": "../../../../work/linux/fs/inode.c", "lines": [{"line_number": 5, "count": 9}],)"
         R"("functions": [{"name": "iput", "start_line": 4, "execution_count": 9}]}]})";
}

TEST(CoverageCounts, KeepsOnlyTheCoveredFilesAndSumsInstances) {
  CoverageCounts first, second, total;
  ASSERT_TRUE(add_gcov_json(gcov_line(3, 0), kFiles, first));
  ASSERT_TRUE(add_gcov_json(gcov_line(2, 1), kFiles, second));
  // Headers, and fs/inode.c beside fs/ext4/inode.c, are not covered files.
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(first.count("fs/dax.c"));
  add_counts(total, first);
  add_counts(total, second);
  EXPECT_EQ(total["fs/dax.c"].lines[10], 5u);
  EXPECT_EQ(total["fs/dax.c"].lines[11], 0u);
  EXPECT_EQ(total["fs/dax.c"].functions["dax_folio_put"].count, 1u);
  EXPECT_EQ(total["fs/dax.c"].functions["dax_folio_put"].start_line, 19);
}

TEST(CoverageCounts, AnInstanceReachesOnlyWhatRan) {
  CoverageCounts counts;
  ASSERT_TRUE(add_gcov_json(gcov_line(3, 0), kFiles, counts));
  auto reached = functions_reached(counts);
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached["fs/dax.c"], std::vector<std::string>{"dax_iomap_fault"});
}

TEST(CoverageCounts, SummaryCountsLinesAndFunctionsAndNamesTheMissed) {
  CoverageCounts counts;
  ASSERT_TRUE(add_gcov_json(gcov_line(3, 0), kFiles, counts));
  auto summary = summarize_coverage(counts, kFiles);
  ASSERT_EQ(summary.size(), 1u);  // no data for fs/ext4/inode.c: left out
  EXPECT_EQ(summary[0].file, "fs/dax.c");
  EXPECT_EQ(summary[0].lines_hit, 1);
  EXPECT_EQ(summary[0].lines_total, 3);
  EXPECT_EQ(summary[0].functions_hit, 1);
  EXPECT_EQ(summary[0].functions_total, 2);
  EXPECT_EQ(summary[0].functions_missed, std::vector<std::string>{"dax_folio_put"});
}

TEST(CoverageCounts, TracefileIsLcovs) {
  CoverageCounts counts;
  ASSERT_TRUE(add_gcov_json(gcov_line(3, 0), kFiles, counts));
  EXPECT_EQ(lcov_tracefile(counts, "/cache/gcov/source", "daxtorture"),
            "TN:daxtorture\n"
            "SF:/cache/gcov/source/fs/dax.c\n"
            "FN:19,dax_folio_put\nFN:9,dax_iomap_fault\n"
            "FNDA:0,dax_folio_put\nFNDA:3,dax_iomap_fault\n"
            "FNF:2\nFNH:1\n"
            "DA:10,3\nDA:11,0\nDA:20,0\n"
            "LF:3\nLH:1\nend_of_record\n");
}

TEST(CoverageCounts, ALineThatIsNotGcovsJsonIsRefused) {
  CoverageCounts counts;
  EXPECT_FALSE(add_gcov_json("{\"files\": 3}", kFiles, counts));
  EXPECT_FALSE(add_gcov_json("{truncated", kFiles, counts));
  EXPECT_TRUE(counts.empty());
}

}  // namespace
}  // namespace dt
