// JUnit XML, exact document and escaping. The HTML page shares the escaper
// (reports/text.h), so its tests live here too.
#include <gtest/gtest.h>

#include <limits>
#include <sstream>
#include <string>

#include "reports/html.h"
#include "reports/junit.h"
#include "reports/text.h"

namespace dt::reports {
namespace {

RunResult sample_run() {
  RunResult run;
  run.info.run_id = "r1";
  run.info.kernel_release = "6.9.0";
  run.info.kernel_version = "#1 SMP";
  run.info.machine = "qemu-kvm";
  run.info.tool_version = "0.1.0";
  run.info.started_at = "2024-05-01T12:00:00Z";
  run.info.finished_at = "2024-05-01T12:01:00Z";
  run.info.duration_s = 60.5;
  run.info.environment = {{"pmem.size", "2G"}};

  InstanceResult pass;
  pass.name = "mmap_sync/xfs/4k";
  pass.workload = "mmap_sync";
  pass.duration_s = 1.25;
  run.instances.push_back(pass);

  InstanceResult fail;
  fail.name = "truncate/xfs/4k";
  fail.workload = "truncate";
  fail.status = Status::fail;
  fail.duration_s = 2;
  fail.failures.push_back({"t.cc", 10, "n == 4096", "got 0"});
  fail.kernel_findings.push_back({"WARNING", "WARNING: at fs/dax.c:1"});
  fail.fixes.push_back({"1a2b3c4d5e6f", "fs/dax: fix"});
  fail.artifacts = "instances/truncate/xfs/4k";
  run.instances.push_back(fail);

  InstanceResult skip;
  skip.name = "mmap_sync/devdax/2m";
  skip.workload = "mmap_sync";
  skip.status = Status::skip;
  skip.reason = "no devdax";
  run.instances.push_back(skip);

  InstanceResult timeout;
  timeout.name = "hang/ext4/4k";
  timeout.workload = "hang";
  timeout.status = Status::timeout;
  timeout.reason = "killed after 30 s";
  timeout.duration_s = 30;
  run.instances.push_back(timeout);
  return run;
}

std::string junit(const RunResult& run) {
  std::ostringstream out;
  write_junit(out, run);
  return out.str();
}

std::string html(const std::vector<RunResult>& runs) {
  std::ostringstream out;
  write_html(out, runs);
  return out.str();
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

// XML 1.0 allows no C0 control character but tab, newline and CR.
bool has_illegal_xml_bytes(const std::string& text) {
  for (unsigned char c : text)
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return true;
  return false;
}

// ---- escaping -----------------------------------------------------------------

TEST(XmlEscape, MarkupCharacters) {
  EXPECT_EQ(xml_escape("<a & b> \"q\" 's'"),
            "&lt;a &amp; b&gt; &quot;q&quot; &#39;s&#39;");
  EXPECT_EQ(xml_escape("&amp;"), "&amp;amp;");
}

TEST(XmlEscape, ControlCharactersIllegalInXml10BecomeVisibleText) {
  EXPECT_EQ(xml_escape(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(xml_escape("\x01\x08\x0b\x0c\x1b[0m\x1f"),
            "\\x01\\x08\\x0b\\x0c\\x1b[0m\\x1f");
  EXPECT_EQ(xml_escape("del\x7f"), "del\x7f");  // legal in XML 1.0
}

TEST(XmlEscape, WhitespaceInTextAndInAttributes) {
  EXPECT_EQ(xml_escape("a\tb\nc\rd"), "a\tb\nc&#13;d");
  EXPECT_EQ(xml_escape("a\tb\nc\rd", true), "a&#9;b&#10;c&#13;d");
}

TEST(XmlEscape, Utf8IsKeptAndBrokenUtf8Replaced) {
  EXPECT_EQ(xml_escape("größe ✓ \xF0\x9F\x90\xA7"), "größe ✓ \xF0\x9F\x90\xA7");
  EXPECT_EQ(xml_escape("\xC3\x28"), "\xEF\xBF\xBD(");        // bad continuation
  EXPECT_EQ(xml_escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(xml_escape("\xED\xA0\x80"),                     // surrogate
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("end\xE2\x9C"), "end\xEF\xBF\xBD\xEF\xBF\xBD");  // cut
  EXPECT_EQ(xml_escape("\xEF\xBF\xBE\xEF\xBF\xBF"),          // U+FFFE, U+FFFF
            "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(TextHelpers, FixedIsLocaleFreeAndFinite) {
  EXPECT_EQ(fixed(1.5, 3), "1.500");
  EXPECT_EQ(fixed(0.0005, 3), "0.001");
  EXPECT_EQ(fixed(std::numeric_limits<double>::infinity(), 2), "0.00");
  EXPECT_EQ(escape_controls("a\tb\n\x1b"), "a\tb\\x0a\\x1b");
  EXPECT_EQ(hex(0), "0x0");
  EXPECT_EQ(hex(0x200), "0x200");
  EXPECT_EQ(hex(~0ull), "0xffffffffffffffff");
}

// ---- JUnit ---------------------------------------------------------------------

TEST(Junit, ExactDocument) {
  EXPECT_EQ(
      junit(sample_run()),
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"daxtorture\" tests=\"4\" failures=\"1\" errors=\"1\" "
      "time=\"60.500\">\n"
      "  <testsuite name=\"daxtorture/6.9.0/r1\" id=\"0\" tests=\"4\" "
      "failures=\"1\" errors=\"1\" skipped=\"1\" time=\"60.500\" "
      "timestamp=\"2024-05-01T12:00:00Z\" hostname=\"qemu-kvm\">\n"
      "    <properties>\n"
      "      <property name=\"run_id\" value=\"r1\"/>\n"
      "      <property name=\"kernel_release\" value=\"6.9.0\"/>\n"
      "      <property name=\"kernel_version\" value=\"#1 SMP\"/>\n"
      "      <property name=\"machine\" value=\"qemu-kvm\"/>\n"
      "      <property name=\"tool_version\" value=\"0.1.0\"/>\n"
      "      <property name=\"started_at\" value=\"2024-05-01T12:00:00Z\"/>\n"
      "      <property name=\"finished_at\" value=\"2024-05-01T12:01:00Z\"/>\n"
      "      <property name=\"status\" value=\"TIMEOUT\"/>\n"
      "      <property name=\"environment.pmem.size\" value=\"2G\"/>\n"
      "    </properties>\n"
      "    <testcase name=\"mmap_sync/xfs/4k\" classname=\"mmap_sync\" "
      "time=\"1.250\"/>\n"
      "    <testcase name=\"truncate/xfs/4k\" classname=\"truncate\" "
      "time=\"2.000\">\n"
      "      <failure message=\"t.cc:10: n == 4096: got 0\" type=\"FAIL\">"
      "t.cc:10: n == 4096: got 0\n"
      "kernel: WARNING: at fs/dax.c:1\n"
      "HINT: you may be missing kernel fix 1a2b3c4d5e6f (&quot;fs/dax: "
      "fix&quot;)\n"
      "</failure>\n"
      "      <system-out>t.cc:10: n == 4096: got 0\n"
      "kernel: WARNING: at fs/dax.c:1\n"
      "HINT: you may be missing kernel fix 1a2b3c4d5e6f (&quot;fs/dax: "
      "fix&quot;)\n"
      "artifacts: instances/truncate/xfs/4k\n"
      "</system-out>\n"
      "    </testcase>\n"
      "    <testcase name=\"mmap_sync/devdax/2m\" classname=\"mmap_sync\" "
      "time=\"0.000\">\n"
      "      <skipped message=\"no devdax\"/>\n"
      "      <system-out>SKIP: no devdax\n"
      "</system-out>\n"
      "    </testcase>\n"
      "    <testcase name=\"hang/ext4/4k\" classname=\"hang\" "
      "time=\"30.000\">\n"
      "      <error message=\"TIMEOUT: killed after 30 s\" type=\"TIMEOUT\">"
      "TIMEOUT: killed after 30 s\n"
      "</error>\n"
      "      <system-out>TIMEOUT: killed after 30 s\n"
      "</system-out>\n"
      "    </testcase>\n"
      "  </testsuite>\n"
      "</testsuites>\n");
}

TEST(Junit, BrokenAndCrashAreErrorsWithTheirType) {
  RunResult run;
  InstanceResult broken;
  broken.name = "a";
  broken.workload = "a";
  broken.status = Status::broken;
  broken.reason = "mkfs failed";
  run.instances.push_back(broken);
  InstanceResult crash = broken;
  crash.name = "b";
  crash.status = Status::crash;
  crash.reason = "";
  run.instances.push_back(crash);
  const std::string xml = junit(run);
  EXPECT_NE(xml.find("<error message=\"BROKEN: mkfs failed\" type=\"BROKEN\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<error message=\"CRASH\" type=\"CRASH\"></error>"),
            std::string::npos);
  EXPECT_NE(xml.find("tests=\"2\" failures=\"0\" errors=\"2\" skipped=\"0\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"daxtorture\" id=\"0\""),
            std::string::npos);
}

TEST(Junit, KernelFindingOnlyFailureUsesItAsMessage) {
  RunResult run;
  InstanceResult r;
  r.name = "a";
  r.workload = "a";
  r.status = Status::fail;
  r.kernel_findings.push_back({"Oops", "Oops: 0000 [#1] SMP"});
  run.instances.push_back(r);
  EXPECT_NE(junit(run).find("<failure message=\"kernel: Oops: 0000 "
                            "[#1] SMP\" type=\"FAIL\">"),
            std::string::npos);
}

TEST(Junit, EscapesHostileTextEverywhere) {
  RunResult run = sample_run();
  run.info.kernel_release = "6.9<\"&'>";
  run.info.environment["k<ey"] = "v\"al\x01";
  InstanceResult& r = run.instances[1];
  r.name = "a<b>/c&d/\"e'";
  r.workload = "w&";
  r.failures[0].message = "expected <4096> & got \"0\"\x1b[0m";
  r.kernel_findings[0].line = std::string("BUG\0at\x07here\r", 12);
  const std::string xml = junit(run);

  EXPECT_FALSE(has_illegal_xml_bytes(xml));
  EXPECT_NE(xml.find("<testsuite name=\"daxtorture/6.9&lt;&quot;&amp;&#39;&gt;/r1\""),
            std::string::npos);
  EXPECT_NE(xml.find("<property name=\"environment.k&lt;ey\" "
                     "value=\"v&quot;al\\x01\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<testcase name=\"a&lt;b&gt;/c&amp;d/&quot;e&#39;\" "
                     "classname=\"w&amp;\""),
            std::string::npos);
  EXPECT_NE(xml.find("expected &lt;4096&gt; &amp; got &quot;0&quot;\\x1b[0m"),
            std::string::npos);
  EXPECT_NE(xml.find("kernel: WARNING: BUG\\x00at\\x07here&#13;"),
            std::string::npos);
  EXPECT_EQ(xml.find("a<b>"), std::string::npos);
}

TEST(Junit, SeveralRunsAreSeveralSuites) {
  RunResult other = sample_run();
  other.info.kernel_release = "6.10.0";
  std::ostringstream out;
  write_junit(out, std::vector<RunResult>{sample_run(), other});
  const std::string xml = out.str();
  EXPECT_EQ(count(xml, "<testsuite "), 2u);
  EXPECT_NE(xml.find("<testsuites name=\"daxtorture\" tests=\"8\" "
                     "failures=\"2\" errors=\"2\" "
                     "time=\"121.000\">"),
            std::string::npos);
  EXPECT_NE(xml.find("name=\"daxtorture/6.10.0/r1\" id=\"1\""), std::string::npos);
  // Two runs of one kernel are two suites of distinct names.
  RunResult second = sample_run();
  second.info.run_id = "r2";
  std::ostringstream apart;
  write_junit(apart, std::vector<RunResult>{sample_run(), second});
  EXPECT_NE(apart.str().find("name=\"daxtorture/6.9.0/r2\" id=\"1\""), std::string::npos);
}

TEST(Junit, ContextLinesForMetricsTaintAndExpectation) {
  RunResult run;
  InstanceResult r;
  r.name = "a";
  r.workload = "a";
  r.metrics.push_back({"pmd_faults", 512, "faults"});
  r.taint_before = 0;
  r.taint_after = 0x200;
  r.expectation = Expectation::fixed;
  run.instances.push_back(r);
  EXPECT_NE(junit(run).find("<system-out>expectation: fixed\n"
                            "taint: 0x0 -&gt; 0x200\n"
                            "metric: pmd_faults = 512.000 faults\n"
                            "</system-out>"),
            std::string::npos);
}

// ---- HTML -----------------------------------------------------------------------

TEST(Html, SelfContainedWithoutScriptOrExternalResources) {
  const std::string page = html({sample_run()});
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("href=\"http"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
}

TEST(Html, HeadlineCountsByWhatNeedsAction) {
  RunResult run = sample_run();
  run.instances[1].expectation = Expectation::known_failure;
  run.instances[1].expectation_note = "known since 6.9";
  run.instances[3].expectation = Expectation::new_failure;
  const std::string page = html({run});
  // new failures, fixed, known, passed, skipped
  EXPECT_NE(page.find("<div class=\"tile need-new\"><b>1</b>new failures</div>\n"
                      "<div class=\"tile zero\"><b>0</b>fixed</div>\n"
                      "<div class=\"tile need-known\"><b>1</b>known failures</div>\n"
                      "<div class=\"tile need-pass\"><b>1</b>passed</div>\n"
                      "<div class=\"tile need-skip\"><b>1</b>skipped</div>"),
            std::string::npos);
  EXPECT_NE(page.find("<p class=\"verdict need-new\">Action needed: 1 new failure</p>"),
            std::string::npos);
  // The new failure's card comes before the known one's.
  EXPECT_LT(page.find("id=\"r0-hang-ext4-4k\""), page.find("id=\"r0-truncate-xfs-4k\""));
  EXPECT_NE(page.find("<p>known failure: known since 6.9</p>"), std::string::npos);

  run.instances[3].expectation = Expectation::known_failure;
  EXPECT_NE(html({run}).find("<p class=\"verdict need-known\">Nothing new: 2 known failures</p>"),
            std::string::npos);
}

TEST(Html, FixHintsOncePerWorkloadNotOnCards) {
  RunResult run = sample_run();
  run.instances.push_back(run.instances[1]);
  run.instances.back().name = "truncate/ext4/4k";
  const std::string page = html({run});
  EXPECT_EQ(count(page, "1a2b3c4d5e6f"), 1u);
  EXPECT_NE(page.find("<p id=\"hints-truncate\"><code>truncate</code> (2 failing instances)"),
            std::string::npos);
  EXPECT_EQ(count(page, "<a href=\"#hints-truncate\">"), 2u);
  // A BROKEN instance gets no hint: the set-up failed, not the kernel.
  run.instances[1].status = Status::broken;
  run.instances.pop_back();
  EXPECT_EQ(html({run}).find("1a2b3c4d5e6f"), std::string::npos);
}

TEST(Html, EvidenceLinksAndFoldedKernelLog) {
  const RunResult run = sample_run();
  HtmlRun with_files{&run, "../runs/r1/", {}, {}, {"console.log"}};
  with_files.files["truncate/xfs/4k"] = {"instances/truncate~xfs~4k/dmesg.txt",
                                         "instances/truncate~xfs~4k/output.txt"};
  with_files.files["mmap_sync/xfs/4k"] = {"instances/mmap_sync~xfs~4k/output.txt"};
  with_files.dmesg["truncate/xfs/4k"] = "[1.0] WARNING: at fs/dax.c:1\n[1.1] Call Trace:\n";
  std::ostringstream out;
  write_html(out, {with_files}, "t");
  const std::string page = out.str();
  EXPECT_NE(page.find("<a href=\"../runs/r1/instances/truncate~xfs~4k/dmesg.txt\">dmesg.txt</a>"),
            std::string::npos);
  EXPECT_NE(page.find("<details><summary>kernel log of this instance (2 lines, call traces "
                      "included)</summary>\n<pre>[1.0] WARNING: at fs/dax.c:1\n[1.1] Call Trace:\n"),
            std::string::npos);
  EXPECT_NE(page.find("<a href=\"../runs/r1/console.log\">console.log</a>"), std::string::npos);
  // A passing instance's cell links to its output.
  EXPECT_NE(page.find("<a href=\"../runs/r1/instances/mmap_sync~xfs~4k/output.txt\">PASS</a>"),
            std::string::npos);
  EXPECT_NE(page.find("kernel: WARNING: at fs/dax.c:1"), std::string::npos);
  EXPECT_EQ(page.find("WARNING: WARNING:"), std::string::npos);
}

TEST(Html, MatrixGridPerFilesystem) {
  RunResult run;
  run.info.run_id = "m";
  for (const char* fs : {"xfs", "ext4"})
    for (const char* change : {"truncate", "unlink"})
      for (const char* state : {"mapped", "unmapped"})
        for (const char* size : {"4k", "pmd"}) {
          InstanceResult r;
          r.workload = "pin_dio_read";
          r.fs = fs;
          r.variant = std::string(change) + "." + state + "." + size;
          r.name = r.workload + "/" + fs + "/" + r.variant;
          r.status = std::string(state) == "unmapped" ? Status::fail : Status::pass;
          run.instances.push_back(r);
        }
  const std::string page = html({run});
  EXPECT_EQ(count(page, "<table class=\"grid\">"), 2u);
  EXPECT_NE(page.find("<th colspan=\"2\">mapped</th><th colspan=\"2\">unmapped</th></tr>\n"
                      "<tr><th>4k</th><th>pmd</th><th>4k</th><th>pmd</th></tr>\n"
                      "<tr><td class=\"row\">pin_dio_read / truncate</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<a href=\"#r0-pin_dio_read-xfs-unlink-unmapped-pmd\">FAIL</a>"),
            std::string::npos);
}

TEST(Html, TwoRunsOfOneKernelHaveDistinctColumns) {
  RunResult older = sample_run();
  RunResult newer = sample_run();
  newer.info.run_id = "r2";
  newer.info.started_at = "2024-05-02T12:00:00Z";
  newer.instances[1].status = Status::pass;
  const std::string page = html({older, newer});
  EXPECT_NE(page.find("<th>6.9.0<br><small>r1<br>2024-05-01T12:00:00Z</small></th>"
                      "<th>6.9.0<br><small>r2<br>2024-05-02T12:00:00Z</small></th>"),
            std::string::npos);
  EXPECT_NE(page.find("<td>&#8800;</td><td><code>truncate/xfs/4k</code></td>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"#r0-truncate-xfs-4k\">FAIL</a>"), std::string::npos);
}

TEST(Html, EscapesEverything) {
  RunResult run = sample_run();
  run.info.kernel_release = "<script>alert(1)</script>";
  run.instances[1].name = "x\"><img onerror=alert(1)>";
  run.instances[1].kernel_findings[0].line = "BUG \x1b[31m<b>";
  run.instances[3].reason = "\" onmouseover=\"alert(1)";
  const std::string page = html({run});
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>BUG"), std::string::npos);
  EXPECT_EQ(page.find("\" onmouseover"), std::string::npos);
  EXPECT_FALSE(has_illegal_xml_bytes(page));
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(Html, EmptyInputStillMakesAPage) {
  const std::string page = html({});
  EXPECT_NE(page.find("<h1>daxtorture report</h1>"), std::string::npos);
  EXPECT_NE(page.find("</html>"), std::string::npos);
}

}  // namespace
}  // namespace dt::reports
