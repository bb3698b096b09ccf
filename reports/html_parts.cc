#include "reports/html_parts.h"

#include "reports/text.h"

namespace dt::reports {

Need need_of(const InstanceResult& r) {
  if (status_is_failure(r.status))
    return r.expectation == Expectation::known_failure ? Need::known : Need::new_failure;
  if (r.expectation == Expectation::fixed) return Need::fixed;
  return r.status == Status::skip ? Need::skipped : Need::passed;
}

const char* need_class(Need need) {
  switch (need) {
    case Need::new_failure: return "need-new";
    case Need::fixed: return "need-fixed";
    case Need::known: return "need-known";
    case Need::passed: return "need-pass";
    case Need::skipped: return "need-skip";
  }
  return "need-skip";
}

const char* need_title(Need need) {
  switch (need) {
    case Need::new_failure: return "new failures";
    case Need::fixed: return "fixed";
    case Need::known: return "known failures";
    case Need::passed: return "passed";
    case Need::skipped: return "skipped";
  }
  return "";
}

std::string html_text(std::string_view s) { return xml_escape(s, false); }
std::string html_attribute(std::string_view s) { return xml_escape(s, true); }

// Red asks for action, blue for an edit of the expectations file, amber is
// known and needs nothing today, green passed, grey did not run.
const char* const kPageStyle = R"(
body { font-family: sans-serif; margin: 1.2em 1.5em; color: #222; max-width: 1400px; }
h1 { margin-bottom: 0.1em; }
p.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1.2em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; }
a { color: #1a4f8b; }
.need-new { background: #d9534f; color: #fff; }
.need-new a { color: #fff; }
.need-fixed { background: #3a87c8; color: #fff; }
.need-fixed a { color: #fff; }
.need-known { background: #f6e3a1; color: #5a4500; }
.need-pass { background: #c9e7c2; color: #1f4d17; }
.need-skip { background: #eeeeee; color: #777; }
.headline { display: flex; flex-wrap: wrap; gap: 10px; align-items: stretch; margin: 0.6em 0; }
.tile { border-radius: 6px; padding: 8px 16px; min-width: 8em; }
.tile b { display: block; font-size: 2em; }
.tile.zero { background: #f7f7f7; color: #999; }
.verdict { font-size: 1.25em; font-weight: bold; margin: 0.4em 0 0.2em; }
.verdict.need-new, .verdict.need-fixed, .verdict.need-known, .verdict.need-pass { padding: 6px 12px; border-radius: 6px; display: inline-block; }
div.card { border-left: 6px solid #ccc; padding: 2px 12px; margin: 0.8em 0; background: #fafafa; }
div.card.need-new { border-left-color: #d9534f; background: #fdf2f2; color: #222; }
div.card.need-known { border-left-color: #e0b93a; background: #fffbee; color: #222; }
div.card.need-new a, div.card.need-known a { color: #1a4f8b; }
div.card h4 { margin: 0.4em 0; }
.badge { font-size: 0.8em; padding: 1px 6px; border-radius: 4px; margin-right: 4px; }
.status { font-weight: bold; }
ul.lines { margin: 0.3em 0; padding-left: 1.2em; font-family: monospace; font-size: 0.9em; }
pre { background: #f4f4f4; padding: 6px; white-space: pre-wrap; font-size: 0.85em; max-height: 40em; overflow: auto; }
table.grid td { text-align: center; min-width: 4.5em; font-size: 0.85em; }
table.grid td.row { text-align: left; font-family: monospace; }
table.grid td a { text-decoration: none; display: block; }
small { color: #666; }
td.need-new small, td.need-fixed small { color: #fff; }
details summary { cursor: pointer; }
)";

std::string page_head(std::string_view title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         html_text(title) + "</title>\n<style>" + kPageStyle + "</style>\n</head>\n<body>\n";
}

std::string page_tail() { return "</body>\n</html>\n"; }

std::string fragment_id(std::string_view prefix, std::string_view text) {
  std::string id(prefix);
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    id += keep ? c : '-';
  }
  return id;
}

std::string card_anchor(size_t run_index, const std::string& instance_name) {
  return fragment_id("r" + std::to_string(run_index) + "-", instance_name);
}

std::string run_label(const RunResult& run) {
  std::string label = run.info.kernel_release.empty() ? "unknown kernel" : run.info.kernel_release;
  if (!run.info.run_id.empty()) label += " (" + run.info.run_id + ")";
  return label;
}

}  // namespace dt::reports
