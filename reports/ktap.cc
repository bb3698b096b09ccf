#include "reports/ktap.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "reports/failure_text.h"
#include "reports/text.h"

namespace dt::reports {

namespace {

// The longest line the reader buffers while waiting for its newline. A
// console that stops sending newlines must not grow memory without bound.
constexpr size_t kMaxLine = 64 * 1024;
constexpr size_t kMaxPlan = 1000 * 1000;

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string description(std::string_view name) { return ktap_description(name); }

// Diagnostic data on a result line must stay on that line.
std::string one_line(std::string_view text) {
  std::string flat(text);
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  std::replace(flat.begin(), flat.end(), '\r', ' ');
  return std::string(trim(escape_controls(flat)));
}

// " # DIRECTIVE reason" for the statuses that have one, "" otherwise.
std::string directive_suffix(const InstanceResult& instance) {
  std::string head;
  std::string separator = " ";
  switch (instance.status) {
    case Status::pass:
    case Status::fail: return "";
    case Status::skip: head = " # SKIP"; break;
    case Status::timeout: head = " # TIMEOUT"; break;
    case Status::broken: head = " # ERROR BROKEN"; separator = ": "; break;
    case Status::crash: head = " # ERROR CRASH"; separator = ": "; break;
  }
  const std::string reason = one_line(instance.reason);
  return reason.empty() ? head : head + separator + reason;
}

// Leading "[ 1234.567890] " that printk puts on console lines.
std::string_view strip_timestamp(std::string_view s) {
  if (s.empty() || s.front() != '[') return s;
  const size_t close = s.find(']');
  if (close == std::string_view::npos || close > 24) return s;
  bool digit_seen = false;
  for (char c : s.substr(1, close - 1)) {
    if (c >= '0' && c <= '9')
      digit_seen = true;
    else if (c != ' ' && c != '.')
      return s;
  }
  if (!digit_seen) return s;
  s.remove_prefix(close + 1);
  if (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// Parses the digits at the front of `s` into `value`; returns the rest, or
// nothing when there are no digits or they overflow.
std::optional<std::string_view> take_number(std::string_view s,
                                            size_t& value) {
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc()) return std::nullopt;
  return s.substr(static_cast<size_t>(end - s.data()));
}

bool starts_with_word(std::string_view s, std::string_view word) {
  return s.substr(0, word.size()) == word &&
         (s.size() == word.size() || is_space(s[word.size()]));
}

std::optional<int> parse_version(std::string_view s) {
  for (std::string_view head : {"KTAP version ", "TAP version "}) {
    if (s.substr(0, head.size()) != head) continue;
    size_t version = 0;
    auto rest = take_number(s.substr(head.size()), version);
    if (!rest || !trim(*rest).empty() || version > 1000) return std::nullopt;
    return static_cast<int>(version);
  }
  return std::nullopt;
}

std::optional<size_t> parse_plan(std::string_view s) {
  if (s.substr(0, 3) != "1..") return std::nullopt;
  size_t planned = 0;
  auto rest = take_number(s.substr(3), planned);
  if (!rest) return std::nullopt;
  // TAP allows a comment after the plan ("1..0 # SKIP no tests").
  std::string_view tail = trim(*rest);
  if (!tail.empty() && tail.front() != '#') return std::nullopt;
  // Line noise can forge digits; a plan this large is garbage, and taking
  // it would make missing() enumerate forever.
  if (planned > kMaxPlan) return std::nullopt;
  return planned;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// The directive a word after "#" stands for, or "". TAP lets SKIP and TODO
// run on ("# Skipped: ..."), and is case-insensitive about all of them.
std::string directive_of(std::string_view word) {
  const std::string w = upper(word);
  if (w.rfind("SKIP", 0) == 0) return "SKIP";
  if (w.rfind("TODO", 0) == 0) return "TODO";
  for (const char* exact : {"XFAIL", "TIMEOUT", "ERROR"})
    if (w == exact) return exact;
  return "";
}

std::optional<KtapResult> parse_result(std::string_view s) {
  KtapResult result;
  if (starts_with_word(s, "ok")) {
    result.ok = true;
    s.remove_prefix(2);
  } else if (starts_with_word(s, "not ok")) {
    s.remove_prefix(6);
  } else {
    return std::nullopt;
  }
  s = trim(s);
  auto rest = take_number(s, result.number);
  if (!rest) return std::nullopt;  // KTAP requires the number
  s = *rest;
  if (!s.empty() && !is_space(s.front()) && s.front() != '#')
    return std::nullopt;  // "ok 12abc" is not a result line

  const size_t hash = s.find('#');
  result.name = std::string(trim(s.substr(0, hash)));
  if (hash == std::string_view::npos) return result;

  std::string_view data = trim(s.substr(hash + 1));
  size_t word_end = 0;
  while (word_end < data.size() && !is_space(data[word_end])) ++word_end;
  result.directive = directive_of(data.substr(0, word_end));
  if (!result.directive.empty()) data = trim(data.substr(word_end));
  result.reason = std::string(data);
  return result;
}

}  // namespace

// A result description may not contain "#" (it would start the directive)
// nor break the line.
std::string ktap_description(std::string_view name) {
  std::string out = escape_controls(name);
  std::replace(out.begin(), out.end(), '#', '_');
  return out;
}

// ---- writer ---------------------------------------------------------------

KtapWriter::KtapWriter(std::ostream& out) : out_(out) {}

void KtapWriter::line(std::string_view text) {
  // One write per line, then flush: the reader is a serial console where a
  // half-written line may be all that survives a crash.
  std::string whole(text);
  whole += '\n';
  out_.write(whole.data(), static_cast<std::streamsize>(whole.size()));
  out_.flush();
}

void KtapWriter::begin(size_t planned) {
  line("KTAP version 1");
  line("1.." + std::to_string(planned));
}

void KtapWriter::diagnostic(std::string_view text) {
  // A final newline ends the last line; it does not start an empty one.
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  for (size_t start = 0;;) {
    const size_t end = text.find('\n', start);
    std::string_view piece = text.substr(start, end - start);
    while (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
    const std::string clean = escape_controls(piece);
    line(clean.empty() ? "#" : "# " + clean);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

void KtapWriter::result(size_t number, const InstanceResult& instance) {
  for (const auto& n : instance.notes) diagnostic("note: " + n);
  // A hung task is reported again every few seconds; the first findings
  // tell the story, the instance's dmesg.txt has them all.
  constexpr size_t kKernelLinesShown = 5;
  for (const auto& text : verdict_lines(instance, {.reason = false,
                                                   .max_kernel_lines = kKernelLinesShown}))
    diagnostic(text);
  const bool did_not_complete = instance.status == Status::broken ||
                                instance.status == Status::timeout ||
                                instance.status == Status::crash;
  // A reason taken from the kernel's findings was printed just above.
  const bool from_kernel = instance.reason.rfind("kernel: ", 0) == 0;
  if (did_not_complete && !instance.reason.empty() && !from_kernel)
    diagnostic(instance.reason);
  // The known-failure convention: the last diagnostic before the result
  // line says how the expectations file judged it (see ktap.h).
  const std::string expectation = expectation_line(instance);
  if (!expectation.empty()) diagnostic(one_line(expectation));

  const bool ok =
      instance.status == Status::pass || instance.status == Status::skip;
  std::string text = ok ? "ok " : "not ok ";
  text += std::to_string(number);
  const std::string name = description(instance.name);
  if (!name.empty()) text += " " + name;
  text += directive_suffix(instance);
  line(text);
  ++counts_[static_cast<size_t>(instance.status)];
}

void KtapWriter::totals(const std::vector<InstanceResult>& instances) {
  std::fill(std::begin(counts_), std::end(counts_), 0);
  for (const auto& instance : instances) ++counts_[static_cast<size_t>(instance.status)];
  finish();
}

void KtapWriter::finish() {
  auto count = [&](Status s) {
    return std::to_string(counts_[static_cast<size_t>(s)]);
  };
  line("# Totals: pass:" + count(Status::pass) + " fail:" +
       count(Status::fail) + " skip:" + count(Status::skip) +
       " broken:" + count(Status::broken) + " timeout:" +
       count(Status::timeout) + " crash:" + count(Status::crash));
}

void write_ktap_document(std::ostream& out, const RunResult& run) {
  KtapWriter writer(out);
  writer.begin(run.instances.size());
  for (size_t i = 0; i < run.instances.size(); ++i) writer.result(i + 1, run.instances[i]);
  writer.finish();
}

// ---- reader ---------------------------------------------------------------

KtapEvent KtapReader::feed_line(std::string_view raw) {
  // Serial consoles end lines with "\r\n" or "\n\r", so the CR can be on
  // either side.
  while (!raw.empty() &&
         (raw.back() == '\n' || raw.back() == '\r'))
    raw.remove_suffix(1);
  while (!raw.empty() && raw.front() == '\r') raw.remove_prefix(1);

  KtapEvent event;
  event.text = std::string(raw);

  std::string_view s = strip_timestamp(raw);
  size_t spaces = 0;
  while (spaces < s.size() && s[spaces] == ' ') ++spaces;
  s.remove_prefix(spaces);
  s = trim(s);
  event.depth = spaces / 2;
  const size_t depth = event.depth;
  if (pending_.size() <= depth) pending_.resize(depth + 1);

  if (auto version = parse_version(s)) {
    event.kind = KtapEvent::Kind::version;
    event.version = *version;
    if (depth == 0) {
      // A new top-level stream: the guest was restarted or a second
      // document follows. Its bookkeeping starts afresh.
      planned_.reset();
      results_.clear();
      pending_.assign(1, {});
    }
  } else if (auto planned = parse_plan(s)) {
    event.kind = KtapEvent::Kind::plan;
    event.planned = *planned;
    if (depth == 0) planned_ = *planned;
  } else if (auto result = parse_result(s)) {
    event.kind = KtapEvent::Kind::result;
    result->diagnostics = std::move(pending_[depth]);
    // Deeper diagnostics left over belong to subtests that never finished.
    pending_.resize(depth + 1);
    pending_[depth].clear();
    event.result = std::move(*result);
    if (depth == 0) results_.push_back(event.result);
  } else if (!s.empty() && s.front() == '#') {
    event.kind = KtapEvent::Kind::diagnostic;
    s.remove_prefix(1);
    if (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    event.text = std::string(s);
    pending_[depth].push_back(event.text);
  } else {
    event.kind = KtapEvent::Kind::noise;
  }
  return event;
}

std::vector<KtapEvent> KtapReader::feed(std::string_view chunk) {
  std::vector<KtapEvent> events;
  size_t start = 0;
  for (size_t newline; (newline = chunk.find('\n', start)) !=
                       std::string_view::npos;
       start = newline + 1) {
    partial_.append(chunk, start, newline - start);
    events.push_back(feed_line(partial_));
    partial_.clear();
  }
  partial_.append(chunk, start);
  if (partial_.size() > kMaxLine) {
    KtapEvent noise;
    noise.text = std::move(partial_);
    events.push_back(std::move(noise));
    partial_.clear();
  }
  return events;
}

std::vector<KtapEvent> KtapReader::finish() {
  std::vector<KtapEvent> events;
  std::string_view tail = partial_;
  while (!tail.empty() && (tail.back() == '\r' || tail.front() == '\r')) {
    if (tail.back() == '\r') tail.remove_suffix(1);
    else tail.remove_prefix(1);
  }
  if (!tail.empty()) {
    KtapEvent noise;
    noise.text = std::string(tail);
    events.push_back(std::move(noise));
  }
  partial_.clear();
  return events;
}

std::vector<size_t> KtapReader::missing() const {
  std::vector<size_t> absent;
  if (!planned_) return absent;
  std::set<size_t> seen;
  for (const auto& r : results_) seen.insert(r.number);
  for (size_t n = 1; n <= *planned_; ++n)
    if (!seen.count(n)) absent.push_back(n);
  return absent;
}

Status ktap_status(const KtapResult& result) {
  if (result.directive == "SKIP") return Status::skip;
  if (result.directive == "TIMEOUT") return Status::timeout;
  if (result.directive == "ERROR")
    return result.reason.rfind("CRASH", 0) == 0 ? Status::crash
                                                : Status::broken;
  return result.ok ? Status::pass : Status::fail;
}

}  // namespace dt::reports
