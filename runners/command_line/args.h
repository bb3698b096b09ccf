// A small command-line reader: "--name value", "--name=value", flags and
// positional words, with errors that name the option and the fix.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dt {

class Args {
 public:
  Args(int argc, char** argv, int first);
  explicit Args(std::vector<std::string> words) : words_(std::move(words)) {}

  bool done() const { return next_ >= words_.size(); }
  // The next word when it is an option ("--x" or "-x"), consuming it.
  std::optional<std::string> option();
  // The value of the option just read; UsageError when missing.
  std::string value(const std::string& option_name);
  // Value converted to a positive integer; UsageError when not a number.
  long positive_number(const std::string& option_name);
  // Value converted to a positive decimal number (e.g. a scale factor).
  double positive_decimal(const std::string& option_name);
  // The next positional word.
  std::string positional();
  bool next_is_option() const;
  // Whether a word still to be read is this option ("--x" or "--x=...").
  bool has(const std::string& option_name) const;

 private:
  std::vector<std::string> words_;
  size_t next_ = 0;
  std::optional<std::string> inline_value_;
};

[[noreturn]] void unknown_option(const std::string& command, const std::string& option);

}  // namespace dt
