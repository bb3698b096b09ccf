// A closed set of named values: the type behind a workload's variants and
// injections, so that bodies compare enums, not string literals, and a name
// outside the set is refused where it is read (at registration for the
// variants a spec declares, at parse time for anything typed by a user).
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dt {

template <typename Value>
class NameTable {
 public:
  struct Entry {
    Value value;
    const char* name;
  };

  NameTable(std::string what, std::initializer_list<Entry> entries)
      : what_(std::move(what)), entries_(entries) {}

  // The value `name` stands for, or nullopt when the set has no such name.
  std::optional<Value> parse(std::string_view name) const {
    for (const Entry& entry : entries_)
      if (name == entry.name) return entry.value;
    return std::nullopt;
  }

  // The same, or std::invalid_argument "'x' is not a WHAT (one of: a, b)".
  Value parse_or_throw(std::string_view name) const {
    if (auto value = parse(name)) return *value;
    throw std::invalid_argument("'" + std::string(name) + "' is not " + what_ + " (one of: " +
                                joined(", ") + ")");
  }

  // Whether the table has the name, as a function (a spec's NameList keeps
  // it). The table must outlive the function: tables are statics.
  std::function<bool(const std::string&)> accepts() const {
    return [this](const std::string& name) { return parse(name).has_value(); };
  }

  const char* name(Value value) const {
    for (const Entry& entry : entries_)
      if (entry.value == value) return entry.name;
    return "?";
  }

  // Every value, in declaration order.
  std::vector<Value> all() const {
    std::vector<Value> values;
    for (const Entry& entry : entries_) values.push_back(entry.value);
    return values;
  }

  // Every name, in declaration order (a spec's variants or injections).
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Entry& entry : entries_) out.push_back(entry.name);
    return out;
  }

  std::string joined(const std::string& separator) const {
    std::string out;
    for (const Entry& entry : entries_) out += (out.empty() ? "" : separator) + entry.name;
    return out;
  }

 private:
  std::string what_;
  std::vector<Entry> entries_;
};

}  // namespace dt
