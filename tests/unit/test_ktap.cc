// KTAP writer: exact lines per status. KTAP reader: the writer's own output
// read back, and the things a serial console does to it.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "reports/ktap.h"

namespace dt::reports {
namespace {

using Kind = KtapEvent::Kind;

InstanceResult instance(std::string name, Status status,
                        std::string reason = "") {
  InstanceResult r;
  r.name = std::move(name);
  r.status = status;
  r.reason = std::move(reason);
  return r;
}

std::string written(const InstanceResult& r, size_t number = 1) {
  std::ostringstream out;
  KtapWriter(out).result(number, r);
  return out.str();
}

std::vector<KtapEvent> read_all(std::string_view text) {
  KtapReader reader;
  auto events = reader.feed(text);
  auto tail = reader.finish();
  events.insert(events.end(), tail.begin(), tail.end());
  return events;
}

// ---- writer -----------------------------------------------------------------

TEST(KtapWriter, BeginPrintsVersionAndPlan) {
  std::ostringstream out;
  KtapWriter(out).begin(3);
  EXPECT_EQ(out.str(), "KTAP version 1\n1..3\n");
}

TEST(KtapWriter, PassIsPlainOk) {
  EXPECT_EQ(written(instance("mmap_sync/xfs/4k", Status::pass), 7),
            "ok 7 mmap_sync/xfs/4k\n");
}

TEST(KtapWriter, NotesComeBeforeTheResultLine) {
  auto r = instance("uring_fixed_buffers_fsdax/xfs/shared", Status::pass);
  r.notes = {"io_uring_register_buffers over the shared fsdax mapping: EOPNOTSUPP"};
  EXPECT_EQ(written(r),
            "# note: io_uring_register_buffers over the shared fsdax mapping: EOPNOTSUPP\n"
            "ok 1 uring_fixed_buffers_fsdax/xfs/shared\n");
}

TEST(KtapWriter, SkipCarriesReasonInDirective) {
  EXPECT_EQ(written(instance("a/ext4/2m", Status::skip, "no PMD support"), 2),
            "ok 2 a/ext4/2m # SKIP no PMD support\n");
}

TEST(KtapWriter, SkipWithoutReasonHasBareDirective) {
  EXPECT_EQ(written(instance("a", Status::skip)), "ok 1 a # SKIP\n");
}

TEST(KtapWriter, FailPrintsDiagnosticsBeforeResult) {
  InstanceResult r = instance("truncate_vs_pinned_dio/xfs/4k", Status::fail);
  r.failures.push_back({"workloads/truncate.cc", 42, "read(fd, buf, 4096)",
                        "expected 4096 bytes, got 0"});
  r.failures.push_back({"workloads/truncate.cc", 57, "memcmp(a, b)",
                        "page 3 differs"});
  r.kernel_findings.push_back(
      {"WARNING", "WARNING: CPU: 0 PID: 77 at fs/dax.c:123 dax_foo+0x1/0x2"});
  r.fixes.push_back({"1a2b3c4d5e6f", "fs/dax: keep pinned pages alive"});
  r.fixes.push_back({"abcdefabcdef", "xfs: break layouts"});
  EXPECT_EQ(written(r, 3),
            "# workloads/truncate.cc:42: read(fd, buf, 4096): expected 4096 "
            "bytes, got 0\n"
            "# workloads/truncate.cc:57: memcmp(a, b): page 3 differs\n"
            "# kernel: WARNING: CPU: 0 PID: 77 at fs/dax.c:123 "
            "dax_foo+0x1/0x2\n"
            "# HINT: you may be missing kernel fix 1a2b3c4d5e6f (\"fs/dax: "
            "keep pinned pages alive\")\n"
            "# HINT: you may be missing kernel fix abcdefabcdef (\"xfs: "
            "break layouts\")\n"
            "not ok 3 truncate_vs_pinned_dio/xfs/4k\n");
}

TEST(KtapWriter, NoHintsWhenInstancePassedOrSkipped) {
  InstanceResult r = instance("a", Status::pass);
  r.fixes.push_back({"1a2b3c4d5e6f", "fix"});
  EXPECT_EQ(written(r), "ok 1 a\n");
  r.status = Status::skip;
  r.reason = "needs devdax";
  EXPECT_EQ(written(r), "ok 1 a # SKIP needs devdax\n");
}

TEST(KtapWriter, TimeoutUsesTimeoutDirective) {
  EXPECT_EQ(written(instance("a/xfs/4k", Status::timeout, "killed after 30 s"), 4),
            "# killed after 30 s\n"
            "not ok 4 a/xfs/4k # TIMEOUT killed after 30 s\n");
}

TEST(KtapWriter, BrokenAndCrashUseErrorDirectiveWithStatusWord) {
  EXPECT_EQ(written(instance("a", Status::broken, "mkfs.xfs failed: 1"), 5),
            "# mkfs.xfs failed: 1\n"
            "not ok 5 a # ERROR BROKEN: mkfs.xfs failed: 1\n");
  EXPECT_EQ(written(instance("b", Status::crash, "killed by SIGSEGV"), 6),
            "# killed by SIGSEGV\n"
            "not ok 6 b # ERROR CRASH: killed by SIGSEGV\n");
  EXPECT_EQ(written(instance("c", Status::broken), 7),
            "not ok 7 c # ERROR BROKEN\n");
}

TEST(KtapWriter, KernelFindingsAreCappedAndTheirReasonNotRepeated) {
  auto r = instance("s", Status::timeout,
                    "kernel: hung task: INFO: task t:9 blocked for more than 5 seconds.");
  for (int seconds = 5; seconds <= 35; seconds += 5)
    r.kernel_findings.push_back(
        {"hung task", "INFO: task t:9 blocked for more than " + std::to_string(seconds) + " seconds."});
  EXPECT_EQ(written(r, 2),
            "# kernel: hung task: INFO: task t:9 blocked for more than 5 seconds.\n"
            "# kernel: hung task: INFO: task t:9 blocked for more than 10 seconds.\n"
            "# kernel: hung task: INFO: task t:9 blocked for more than 15 seconds.\n"
            "# kernel: hung task: INFO: task t:9 blocked for more than 20 seconds.\n"
            "# kernel: hung task: INFO: task t:9 blocked for more than 25 seconds.\n"
            "# kernel: 2 more findings in the instance's dmesg.txt\n"
            "not ok 2 s # TIMEOUT kernel: hung task: INFO: task t:9 blocked for more than 5 "
            "seconds.\n");
}

TEST(KtapWriter, MultiLineReasonIsOneLineInDirective) {
  EXPECT_EQ(written(instance("a", Status::broken, "first\nsecond\r\n")),
            "# first\n"
            "# second\n"
            "not ok 1 a # ERROR BROKEN: first second\n");
}

TEST(KtapWriter, KnownFailureIsTheLastDiagnosticBeforeTheResult) {
  InstanceResult r = instance("a", Status::fail);
  r.failures.push_back({"w.cc", 9, "x == 1", "x is 2"});
  r.expectation = Expectation::known_failure;
  r.expectation_note = "eviction frees pinned blocks (6.12.117)";
  r.expectation_source = "vm-configs/expectations/debian-6.12.expect:14";
  EXPECT_EQ(written(r),
            "# w.cc:9: x == 1: x is 2\n"
            "# known failure: eviction frees pinned blocks (6.12.117) "
            "(vm-configs/expectations/debian-6.12.expect:14)\n"
            "not ok 1 a\n");
  r.expectation = Expectation::new_failure;
  EXPECT_EQ(written(r), "# w.cc:9: x == 1: x is 2\n# new failure\nnot ok 1 a\n");
  r = instance("a", Status::timeout, "killed after 30 s");
  r.expectation = Expectation::known_failure;
  r.expectation_note = "hangs";
  EXPECT_EQ(written(r), "# killed after 30 s\n# known failure: hangs\nnot ok 1 a # TIMEOUT killed after 30 s\n");
}

TEST(KtapWriter, FixedIsSaidOnAPassingResult) {
  InstanceResult r = instance("a", Status::pass);
  r.expectation = Expectation::fixed;
  r.expectation_note = "was broken";
  EXPECT_EQ(written(r), "# fixed: was broken\nok 1 a\n");
}

TEST(KtapWriter, DocumentHasHeaderPlanResultsAndTotals) {
  RunResult run;
  run.instances.push_back(instance("a", Status::pass));
  run.instances.push_back(instance("b", Status::fail));
  std::ostringstream out;
  write_ktap_document(out, run);
  EXPECT_EQ(out.str(),
            "KTAP version 1\n1..2\nok 1 a\nnot ok 2 b\n"
            "# Totals: pass:1 fail:1 skip:0 broken:0 timeout:0 crash:0\n");
}

TEST(KtapWriter, NameCannotStartADirectiveOrBreakTheLine) {
  EXPECT_EQ(written(instance("a#b\nc", Status::pass)), "ok 1 a_b\\x0ac\n");
}

TEST(KtapWriter, EmptyNameIsAllowed) {
  EXPECT_EQ(written(instance("", Status::pass)), "ok 1\n");
}

TEST(KtapWriter, DiagnosticSplitsLinesAndEscapesControls) {
  std::ostringstream out;
  KtapWriter writer(out);
  writer.diagnostic("one\r\ntwo\x1b[31m red\n\nthree\n");
  writer.diagnostic("");
  EXPECT_EQ(out.str(),
            "# one\n"
            "# two\\x1b[31m red\n"
            "#\n"
            "# three\n"
            "#\n");
}

TEST(KtapWriter, FinishPrintsTotals) {
  std::ostringstream out;
  KtapWriter writer(out);
  writer.result(1, instance("a", Status::pass));
  writer.result(2, instance("b", Status::pass));
  writer.result(3, instance("c", Status::fail));
  writer.result(4, instance("d", Status::crash));
  out.str("");
  writer.finish();
  EXPECT_EQ(out.str(),
            "# Totals: pass:2 fail:1 skip:0 broken:0 timeout:0 crash:1\n");
}

// A run of several boots: the totals count the whole run, not what this
// writer happened to print.
TEST(KtapWriter, TotalsCountTheGivenRun) {
  std::ostringstream out;
  KtapWriter writer(out);
  writer.result(1, instance("a", Status::pass));
  out.str("");
  writer.totals({instance("a", Status::pass), instance("b", Status::fail), instance("c", Status::fail)});
  EXPECT_EQ(out.str(), "# Totals: pass:1 fail:2 skip:0 broken:0 timeout:0 crash:0\n");
}

// Records the text present at each flush, to prove every line is flushed
// as soon as it is complete.
class FlushRecorder : public std::stringbuf {
 public:
  std::vector<std::string> at_flush;

 protected:
  int sync() override {
    at_flush.push_back(str());
    return 0;
  }
};

TEST(KtapWriter, FlushesEveryLine) {
  FlushRecorder buffer;
  std::ostream out(&buffer);
  KtapWriter writer(out);
  writer.begin(1);
  InstanceResult r = instance("a", Status::fail);
  r.failures.push_back({"f.cc", 1, "x", "y"});
  writer.result(1, r);
  ASSERT_EQ(buffer.at_flush.size(), 4u);
  EXPECT_EQ(buffer.at_flush[0], "KTAP version 1\n");
  EXPECT_EQ(buffer.at_flush[1], "KTAP version 1\n1..1\n");
  EXPECT_EQ(buffer.at_flush[2], "KTAP version 1\n1..1\n# f.cc:1: x: y\n");
  EXPECT_EQ(buffer.at_flush[3], buffer.str());
}

// ---- reader -----------------------------------------------------------------

TEST(KtapReader, ReadsBackEveryStatusTheWriterWrites) {
  const std::vector<InstanceResult> all = {
      instance("p", Status::pass),
      instance("s", Status::skip, "no pmem"),
      instance("f", Status::fail),
      instance("b", Status::broken, "mount failed"),
      instance("t", Status::timeout, "30 s"),
      instance("c", Status::crash, "SIGBUS"),
  };
  std::ostringstream out;
  KtapWriter writer(out);
  writer.begin(all.size());
  for (size_t i = 0; i < all.size(); ++i) writer.result(i + 1, all[i]);
  writer.finish();

  KtapReader reader;
  reader.feed(out.str());
  ASSERT_EQ(reader.planned(), all.size());
  ASSERT_EQ(reader.results().size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE(all[i].name);
    EXPECT_EQ(reader.results()[i].number, i + 1);
    EXPECT_EQ(reader.results()[i].name, all[i].name);
    EXPECT_EQ(ktap_status(reader.results()[i]), all[i].status);
  }
  EXPECT_TRUE(reader.missing().empty());
}

TEST(KtapReader, AttachesPrecedingDiagnosticsToResult) {
  InstanceResult r = instance("a/xfs/4k", Status::fail);
  r.failures.push_back({"w.cc", 9, "x == 1", "x is 2"});
  r.kernel_findings.push_back({"BUG", "BUG: unable to handle page fault"});
  std::ostringstream out;
  KtapWriter writer(out);
  writer.begin(1);
  writer.result(1, r);

  auto events = read_all(out.str());
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].kind, Kind::version);
  EXPECT_EQ(events[0].version, 1);
  EXPECT_EQ(events[1].kind, Kind::plan);
  EXPECT_EQ(events[1].planned, 1u);
  EXPECT_EQ(events[2].kind, Kind::diagnostic);
  EXPECT_EQ(events[2].text, "w.cc:9: x == 1: x is 2");
  EXPECT_EQ(events[3].kind, Kind::diagnostic);
  ASSERT_EQ(events[4].kind, Kind::result);
  const KtapResult& result = events[4].result;
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.number, 1u);
  EXPECT_EQ(result.name, "a/xfs/4k");
  EXPECT_EQ(result.directive, "");
  EXPECT_EQ(result.diagnostics,
            (std::vector<std::string>{"w.cc:9: x == 1: x is 2",
                                      "kernel: BUG: unable to handle page fault"}));
}

TEST(KtapReader, DiagnosticsDoNotLeakIntoTheNextResult) {
  KtapReader reader;
  reader.feed("KTAP version 1\n1..2\n# about one\nnot ok 1 one\nok 2 two\n");
  ASSERT_EQ(reader.results().size(), 2u);
  EXPECT_EQ(reader.results()[0].diagnostics,
            std::vector<std::string>{"about one"});
  EXPECT_TRUE(reader.results()[1].diagnostics.empty());
}

TEST(KtapReader, ParsesDirectivesAndDiagnosticData) {
  KtapReader reader;
  auto check = [&](std::string_view line, bool ok, size_t number,
                   std::string name, std::string directive,
                   std::string reason) {
    SCOPED_TRACE(std::string(line));
    KtapEvent e = reader.feed_line(line);
    ASSERT_EQ(e.kind, Kind::result);
    EXPECT_EQ(e.result.ok, ok);
    EXPECT_EQ(e.result.number, number);
    EXPECT_EQ(e.result.name, name);
    EXPECT_EQ(e.result.directive, directive);
    EXPECT_EQ(e.result.reason, reason);
  };
  check("ok 1 test # SKIP necessary dependency unavailable", true, 1, "test",
        "SKIP", "necessary dependency unavailable");
  check("not ok 1 test # TIMEOUT 30 seconds", false, 1, "test", "TIMEOUT",
        "30 seconds");
  check("ok 5 check return code # rcode=0", true, 5, "check return code", "",
        "rcode=0");
  check("ok 2 # SKIP", true, 2, "", "SKIP", "");
  check("ok 3 lower # skip why not", true, 3, "lower", "SKIP", "why not");
  check("ok 4 tap13 # Skipped: no fs", true, 4, "tap13", "SKIP", "no fs");
  check("not ok 6 x # ERROR CRASH: SIGSEGV # really", false, 6, "x", "ERROR",
        "CRASH: SIGSEGV # really");
  check("ok 7 x # XFAIL known", true, 7, "x", "XFAIL", "known");
  check("ok 8", true, 8, "", "", "");
  check("not ok   9   spaced   name  ", false, 9, "spaced   name", "", "");
  check("ok 10 x# SKIP tight", true, 10, "x", "SKIP", "tight");
}

TEST(KtapReader, StatusOfForeignDirectives) {
  KtapResult r;
  r.ok = true;
  r.directive = "XFAIL";
  EXPECT_EQ(ktap_status(r), Status::pass);
  r.ok = false;
  r.directive = "TODO";
  EXPECT_EQ(ktap_status(r), Status::fail);
  r.directive = "SKIP";  // "not ok # SKIP" is a skip too, says the spec
  EXPECT_EQ(ktap_status(r), Status::skip);
  r.directive = "ERROR";
  r.reason = "something odd";
  EXPECT_EQ(ktap_status(r), Status::broken);
}

TEST(KtapReader, HandlesCrLfAndLfCrLineEndings) {
  KtapReader reader;
  reader.feed("KTAP version 1\r\n1..2\r\n# note\r\nok 1 a\r\n");
  reader.feed("\rok 2 b\n\r");  // "\n\r" consoles put the CR up front
  auto tail = reader.finish();
  EXPECT_TRUE(tail.empty());
  ASSERT_EQ(reader.results().size(), 2u);
  EXPECT_EQ(reader.results()[0].name, "a");
  EXPECT_EQ(reader.results()[0].diagnostics, std::vector<std::string>{"note"});
  EXPECT_EQ(reader.results()[1].name, "b");
}

TEST(KtapReader, KernelConsoleNoiseIsReportedAndIgnored) {
  const std::string console =
      "[    0.000000] Linux version 6.9.0 (gcc 12)\n"
      "KTAP version 1\n"
      "1..3\n"
      "[   12.345678] random: crng init done\n"
      "ok 1 a/xfs/4k\n"
      "[   13.000001] ------------[ cut here ]------------\n"
      "[   13.000002] WARNING: CPU: 1 PID: 200 at fs/dax.c:1 x+0x0/0x0\n"
      "# kernel: WARNING: CPU: 1 PID: 200 at fs/dax.c:1 x+0x0/0x0\n"
      "not ok 2 a/ext4/4k\n"
      "systemd[1]: Started something.\n"
      "ok 3 a/devdax/2m # SKIP no devdax namespace\n";
  KtapReader reader;
  auto events = reader.feed(console);
  size_t noise = 0;
  for (const auto& e : events)
    if (e.kind == Kind::noise) ++noise;
  EXPECT_EQ(noise, 5u);
  EXPECT_EQ(events[0].kind, Kind::noise);
  EXPECT_EQ(events[0].text, "[    0.000000] Linux version 6.9.0 (gcc 12)");
  ASSERT_EQ(reader.results().size(), 3u);
  EXPECT_TRUE(reader.results()[1].diagnostics.size() == 1);
  EXPECT_EQ(ktap_status(reader.results()[2]), Status::skip);
  EXPECT_EQ(reader.results()[2].reason, "no devdax namespace");
}

TEST(KtapReader, StripsPrintkTimestampsFromKtapLines) {
  // KUnit and in-kernel tests print their KTAP through printk.
  KtapReader reader;
  reader.feed("[    1.000000] KTAP version 1\n"
              "[    1.000001] 1..1\n"
              "[    1.000002]     KTAP version 1\n"
              "[    1.000003]     1..1\n"
              "[    1.000004]     ok 1 inner\n"
              "[    1.000005] ok 1 outer\n");
  EXPECT_EQ(reader.planned(), 1u);
  ASSERT_EQ(reader.results().size(), 1u);
  EXPECT_EQ(reader.results()[0].name, "outer");
}

TEST(KtapReader, NestedResultsKeepTheirDepth) {
  // The spec's own example of nested tests.
  auto events = read_all(
      "KTAP version 1\n"
      "1..1\n"
      "  KTAP version 1\n"
      "  1..2\n"
      "  ok 1 test_1\n"
      "  # test_2 went wrong\n"
      "  not ok 2 test_2\n"
      "# example failed\n"
      "not ok 1 example\n");
  ASSERT_EQ(events.size(), 9u);
  EXPECT_EQ(events[2].depth, 1u);
  EXPECT_EQ(events[4].kind, Kind::result);
  EXPECT_EQ(events[4].depth, 1u);
  EXPECT_EQ(events[6].result.diagnostics,
            std::vector<std::string>{"test_2 went wrong"});
  EXPECT_EQ(events[8].depth, 0u);
  EXPECT_EQ(events[8].result.name, "example");
  EXPECT_EQ(events[8].result.diagnostics,
            std::vector<std::string>{"example failed"});
}

TEST(KtapReader, TruncatedStreamLeavesMissingResultsAndNoForgedOne) {
  // The guest died while writing "ok 3 c/xfs/4k".
  const std::string stream = "KTAP version 1\n1..4\nok 1 a\nnot ok 2 b\nok 3 c/x";
  KtapReader reader;
  // Byte by byte, as a serial line may deliver it.
  for (char c : stream) reader.feed(std::string_view(&c, 1));
  auto tail = reader.finish();
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].kind, Kind::noise);
  EXPECT_EQ(tail[0].text, "ok 3 c/x");
  ASSERT_EQ(reader.results().size(), 2u);
  EXPECT_EQ(reader.missing(), (std::vector<size_t>{3, 4}));
}

TEST(KtapReader, LineSplitAcrossChunksIsJoined) {
  KtapReader reader;
  EXPECT_TRUE(reader.feed("KTAP vers").empty());
  auto events = reader.feed("ion 1\n1..1\nok 1 na");
  ASSERT_EQ(events.size(), 2u);
  events = reader.feed("me\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].result.name, "name");
}

TEST(KtapReader, MalformedLinesAreNoise) {
  KtapReader reader;
  const std::vector<std::string_view> lines = {
        "", "ok", "not ok", "ok x", "ok -1 a", "ok 12abc", "okay 1 a",
        "not ok1 a", "ok 99999999999999999999999999 overflow",
        "1..", "1..x", "1..2 junk", "1..99999999999", "2..3",
        "KTAP version", "KTAP version x", "TAP version 13 extra",
        "[    1.0] ", "[ 1.0", std::string_view("ok\0 1 a", 7),
        "\xff\xfe\x80 binary"};
  for (std::string_view line : lines) {
    SCOPED_TRACE(std::string(line));
    EXPECT_EQ(reader.feed_line(line).kind, Kind::noise);
  }
  EXPECT_FALSE(reader.planned().has_value());
  EXPECT_TRUE(reader.results().empty());
}

TEST(KtapReader, AcceptsTapVersionsAndPlanComment) {
  KtapReader reader;
  KtapEvent e = reader.feed_line("TAP version 13");
  EXPECT_EQ(e.kind, Kind::version);
  EXPECT_EQ(e.version, 13);
  e = reader.feed_line("1..0 # SKIP nothing to do");
  EXPECT_EQ(e.kind, Kind::plan);
  EXPECT_EQ(e.planned, 0u);
  EXPECT_EQ(reader.planned(), 0u);
}

TEST(KtapReader, NewTopLevelVersionStartsAfresh) {
  KtapReader reader;
  reader.feed("KTAP version 1\n1..2\nok 1 a\n");
  reader.feed("KTAP version 1\n1..1\nok 1 b\n");
  EXPECT_EQ(reader.planned(), 1u);
  ASSERT_EQ(reader.results().size(), 1u);
  EXPECT_EQ(reader.results()[0].name, "b");
}

TEST(KtapReader, EndlessLineIsCappedAndReportedAsNoise) {
  KtapReader reader;
  const std::string junk(100 * 1024, 'x');
  auto events = reader.feed(junk);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::noise);
  EXPECT_EQ(events[0].text.size(), junk.size());
  events = reader.feed("\nok 1 after\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, Kind::result);
}

TEST(KtapReader, RandomBytesNeverThrow) {
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 64);
  const std::string alphabet = "ok not#.1234567890 \r\n\t[]KTAPversion";
  for (int round = 0; round < 200; ++round) {
    KtapReader reader;
    std::string chunk;
    for (int n = length(random); n > 0; --n) {
      const int b = byte(random);
      chunk += b < 128 ? alphabet[b % alphabet.size()] : static_cast<char>(b);
    }
    EXPECT_NO_THROW({
      reader.feed(chunk);
      reader.feed(chunk);
      reader.finish();
      reader.missing();
    });
  }
}

}  // namespace
}  // namespace dt::reports
