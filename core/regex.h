// A compiled regular expression for kernel-log lines: PCRE2 with its JIT.
// Matching costs time linear in the line for the patterns this project
// uses and never recurses on the machine stack, so a line of any length is
// safe (std::regex's executor overflowed the stack on a 200 KB line).
// Compile errors carry PCRE2's message and the offset it stopped at.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dt {

struct RegexError : std::runtime_error {
  RegexError(const std::string& message, size_t offset)
      : std::runtime_error(message), offset(offset) {}
  size_t offset;  // in the pattern, where PCRE2 found the problem
};

class Regex {
 public:
  // Throws RegexError. `anchored`: a match may start only at the start of
  // the text (as if every branch began with ^).
  explicit Regex(std::string_view pattern, bool anchored = false);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  // true when the pattern matches somewhere in `text` (like
  // std::regex_search). PCRE2 cannot fail on these patterns with the limits
  // lifted; should it fail anyway, `on_error` is the answer, chosen by the
  // caller so that a line it cannot judge is a finding, never allowed.
  bool search(std::string_view text, bool on_error) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;
  std::string pattern_;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace dt
