// KTAP v1 (Documentation/dev-tools/ktap.rst): the live progress stream.
//
// The guest prints it on a serial line while the run is in progress, so the
// writer flushes every line and the reader tolerates whatever a console
// mixes in: kernel messages, CRLF endings, timestamps, a stream cut off by a
// crash.
//
// How our statuses appear on a result line (the spec's directives, each
// with "not ok" where the spec asks for it):
//
//   PASS     ok 1 name
//   SKIP     ok 2 name # SKIP <reason>
//   FAIL     not ok 3 name
//   TIMEOUT  not ok 4 name # TIMEOUT <reason>
//   BROKEN   not ok 5 name # ERROR BROKEN: <reason>
//   CRASH    not ok 6 name # ERROR CRASH: <reason>
//
// TIMEOUT and ERROR are directives of KTAP v1, though later additions to
// the spec; a parser that predates them falls back to "not ok", as the spec
// asks of unknown directives, and that is still the right verdict.
// KTAP has no CRASH or BROKEN directive, so both use ERROR ("the test did
// not complete") and name our status as the first word of the diagnostic
// data; ktap_status() maps the line back.
//
// Known failures (the convention consumers can rely on). When an
// expectations file judged an instance, the last diagnostic line before its
// result line says how, in one of three forms:
//
//   # known failure: <the expectation's note> (<file>:<line>)
//   not ok 7 pin_dio_read/xfs/truncate.unmapped.4k
//
//   # fixed: <note> (<file>:<line>)         listed as failing, passed now
//   ok 8 ...
//
//   # new failure                           failed, and no file knows it
//   not ok 9 ...
//
// The result line itself is unchanged: a known failure is still "not ok"
// (with its TIMEOUT or ERROR directive, if any), so a consumer that knows
// nothing of expectations still sees the kernel's real verdict, and the
// kernel's kunit.py parses the stream with no errors. The host prints the
// line for results streamed live from a guest; results.ktap in the run
// folder has it too.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dt::reports {

class KtapWriter {
 public:
  explicit KtapWriter(std::ostream& out);

  // "KTAP version 1" and the plan "1..planned".
  void begin(size_t planned);

  // "# text"; multi-line text becomes one diagnostic line per line.
  void diagnostic(std::string_view text);

  // The instance's diagnostics, then its result line. Diagnostics come
  // first because the spec ties diagnostics to the result that follows:
  //   # file:line: check: message            one per Failure
  //   # kernel: KIND: dmesg line             one per KernelFinding
  //   # HINT: you may be missing kernel fix <sha> ("subject")
  //                                          per fix tag, failures only
  //   # known failure: note (file:line)      when an expectation applies,
  //                                          last (the convention above)
  //   # <reason>                             for BROKEN, TIMEOUT, CRASH
  void result(size_t number, const InstanceResult& instance);

  // "# Totals: pass:N fail:N skip:N broken:N timeout:N crash:N" over the
  // results written so far, the closing line kselftest also prints.
  void finish();
  // The same line over a whole run's results: a run that took several
  // boots prints it once, for all of them.
  void totals(const std::vector<InstanceResult>& instances);

 private:
  void line(std::string_view text);

  std::ostream& out_;
  size_t counts_[6] = {};  // indexed by Status
};

// A whole run as one KTAP document: header, plan, every instance's result,
// totals. A finished run's results.ktap, with the expectations applied.
void write_ktap_document(std::ostream& out, const RunResult& run);

// An instance name as a result line describes it (and KtapReader reads it
// back): "#" of a repetition "NAME#2" becomes "_", control characters are
// escaped.
std::string ktap_description(std::string_view name);

// One parsed "ok"/"not ok" line.
struct KtapResult {
  size_t number = 0;
  bool ok = false;
  std::string name;        // the description, trimmed; may be empty
  std::string directive;   // "SKIP", "TODO", "XFAIL", "TIMEOUT", "ERROR" or ""
  std::string reason;      // the diagnostic data after "#" (and directive)
  std::vector<std::string> diagnostics;  // "#" lines since the last result
};

struct KtapEvent {
  enum class Kind { version, plan, result, diagnostic, noise };
  Kind kind = Kind::noise;
  size_t depth = 0;     // nesting level: two spaces of indentation each
  int version = 0;      // version: 1 for "KTAP version 1", 13 for "TAP ..."
  size_t planned = 0;   // plan: N of "1..N"
  KtapResult result;    // result
  std::string text;     // diagnostic: text after "# "; noise: the line
};

// Turns console output back into KTAP events. Never throws on input:
// anything that is not a KTAP line comes back as a noise event.
class KtapReader {
 public:
  // One line, with or without its "\n"/"\r\n" ending.
  KtapEvent feed_line(std::string_view line);

  // Arbitrary chunks as they arrive from a serial line; a line split across
  // chunks is held back until its newline arrives.
  std::vector<KtapEvent> feed(std::string_view chunk);

  // End of stream. An unterminated last line comes back as noise: when a
  // crash cuts "ok 17 name" after "ok 1", a result must not be forged.
  std::vector<KtapEvent> finish();

  // Top-level bookkeeping, for telling a finished stream from a cut one.
  std::optional<size_t> planned() const { return planned_; }
  const std::vector<KtapResult>& results() const { return results_; }
  // Numbers 1..plan without a top-level result line: the instances a crash
  // or timeout of the whole guest swallowed.
  std::vector<size_t> missing() const;

 private:
  std::string partial_;
  std::vector<std::vector<std::string>> pending_;  // diagnostics per depth
  std::optional<size_t> planned_;
  std::vector<KtapResult> results_;
};

// The status a result line stands for, read as KtapWriter writes it:
// ok → PASS, SKIP → SKIP, TIMEOUT → TIMEOUT, "ERROR CRASH..." → CRASH,
// other ERROR → BROKEN, other not ok → FAIL. TODO and XFAIL keep their
// ok/not ok meaning, as the spec says for unsupported directives.
Status ktap_status(const KtapResult& result);

}  // namespace dt::reports
