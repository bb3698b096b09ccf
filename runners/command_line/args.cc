#include "runners/command_line/args.h"

#include "core/errors.h"

namespace dt {

Args::Args(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) words_.emplace_back(argv[i]);
}

bool Args::next_is_option() const {
  return !done() && words_[next_].size() > 1 && words_[next_][0] == '-';
}

std::optional<std::string> Args::option() {
  if (!next_is_option()) return std::nullopt;
  std::string word = words_[next_++];
  inline_value_.reset();
  size_t equals = word.find('=');
  if (word.rfind("--", 0) == 0 && equals != std::string::npos) {
    inline_value_ = word.substr(equals + 1);
    word = word.substr(0, equals);
  }
  return word;
}

std::string Args::value(const std::string& option_name) {
  if (inline_value_) {
    std::string value = *inline_value_;
    inline_value_.reset();
    return value;
  }
  if (done()) throw UsageError(option_name + " needs a value");
  return words_[next_++];
}

long Args::positive_number(const std::string& option_name) {
  std::string text = value(option_name);
  try {
    size_t used = 0;
    long number = std::stol(text, &used);
    if (used == text.size() && number > 0) return number;
  } catch (const std::exception&) {
  }
  throw UsageError(option_name + " takes a positive whole number, not '" + text + "'");
}

double Args::positive_decimal(const std::string& option_name) {
  std::string text = value(option_name);
  try {
    size_t used = 0;
    double number = std::stod(text, &used);
    if (used == text.size() && number > 0) return number;
  } catch (const std::exception&) {
  }
  throw UsageError(option_name + " takes a positive number, not '" + text + "'");
}

std::string Args::positional() {
  if (done()) throw UsageError("missing argument");
  return words_[next_++];
}

void unknown_option(const std::string& command, const std::string& option) {
  throw UsageError("unknown option '" + option + "' for '" + command +
                   "'; see 'daxtorture " + command + " --help'");
}

}  // namespace dt

namespace dt {
bool Args::has(const std::string& option_name) const {
  for (size_t i = next_; i < words_.size(); ++i)
    if (words_[i] == option_name || words_[i].rfind(option_name + "=", 0) == 0) return true;
  return false;
}
}  // namespace dt
