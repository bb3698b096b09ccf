// Text hygiene shared by the report writers. Everything a report prints
// may come from dmesg, where any byte can appear: these helpers make such
// text safe for a serial line, for XML/HTML and for JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dt::reports {

// `text` with every byte that is not part of well-formed UTF-8 replaced by
// U+FFFD. JSON and XML consumers reject invalid UTF-8 outright, and one bad
// byte in a dmesg line must not cost the whole report.
std::string valid_utf8(std::string_view text);

// `text` with C0 control characters (tab excepted) and DEL spelled as
// "\xNN", so that an escape sequence in a kernel message cannot disturb the
// terminal or serial line the report is read on. Newlines are escaped too:
// callers split multi-line text first if they want several lines.
std::string escape_controls(std::string_view text);

// `text` escaped for XML 1.0 and HTML: & < > " ' become references,
// characters XML 1.0 forbids even as references (most C0 controls,
// U+FFFE, U+FFFF) become the visible text "\xNN" / U+FFFD, and invalid
// UTF-8 becomes U+FFFD. In attribute values tab, newline and CR become
// character references, which survive attribute-value normalisation.
std::string xml_escape(std::string_view text, bool attribute = false);

// `value` with `decimals` digits after the point, independent of the C
// locale ("1.500", never "1,500"). Non-finite values print as zero:
// every consumer of these numbers (JUnit time, HTML) wants a number.
std::string fixed(double value, int decimals);

// The last component of a slash-separated path ("dmesg.txt").
std::string file_name(const std::string& path);

// "0x200": taint masks read as flags, not as amounts.
std::string hex(uint64_t value);

}  // namespace dt::reports
