// Pieces the run page (html.h) and the history page (history_html.h) share:
// the style sheet, the colour of a result by what it asks of the reader, and
// escaping. Pages carry no script and no external resource.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace dt::reports {

// What a result asks of the reader, the order of the headline: a new
// failure needs action, a fixed one an edit of the expectations file, a
// known one nothing today.
enum class Need { new_failure, fixed, known, passed, skipped };

Need need_of(const InstanceResult& instance);
const char* need_class(Need need);   // CSS class: "need-new", ...
const char* need_title(Need need);   // "new failures", "fixed", ...

std::string html_text(std::string_view s);       // escaped for element content
std::string html_attribute(std::string_view s);  // escaped for an attribute value

// The style sheet of every page, inside <style>.
extern const char* const kPageStyle;

// "<!DOCTYPE html>...<body>" with the title; and the closing tags.
std::string page_head(std::string_view title);
std::string page_tail();

// A fragment id from any text: letters, digits, '-' and '_' kept, the rest
// as '-'; prefixed so it never starts with a digit.
std::string fragment_id(std::string_view prefix, std::string_view text);

// The id of an instance's card on a run page: run_index is the run's place
// on the page (0 on a run folder's own report.html).
std::string card_anchor(size_t run_index, const std::string& instance_name);

// The short label of a run: its kernel release and run id.
std::string run_label(const RunResult& run);

}  // namespace dt::reports
