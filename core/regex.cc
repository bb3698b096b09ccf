#include "core/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstdint>

namespace dt {

struct Regex::Compiled {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Compiled() { pcre2_code_free(code); }
};

namespace {
// One match-data block per thread, reused across calls: a search then
// allocates nothing.
// The limits lifted: the patterns are linear, and a long line must be read
// to its end, not given up on after ten million steps.
pcre2_match_context* match_context() {
  static pcre2_match_context* context = [] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(c, UINT32_MAX);
    pcre2_set_depth_limit(c, UINT32_MAX);
    pcre2_set_heap_limit(c, UINT32_MAX);
    return c;
  }();
  return context;
}

pcre2_match_data* thread_match_data() {
  struct Holder {
    pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
    ~Holder() { pcre2_match_data_free(data); }
  };
  thread_local Holder holder;
  return holder.data;
}

// '.' stops at '\r' as well as '\n', as it does in ECMAScript regexes
// (what these patterns were first written for).
pcre2_compile_context* compile_context() {
  static pcre2_compile_context* context = [] {
    pcre2_compile_context* c = pcre2_compile_context_create(nullptr);
    pcre2_set_newline(c, PCRE2_NEWLINE_ANYCRLF);
    return c;
  }();
  return context;
}

}  // namespace

Regex::Regex(std::string_view pattern, bool anchored) : pattern_(pattern), compiled_(new Compiled) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  compiled_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                  anchored ? PCRE2_ANCHORED : 0, &error, &offset, compile_context());
  if (!compiled_->code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw RegexError(reinterpret_cast<const char*>(message), offset);
  }
  // Without JIT support (another architecture) the interpreter serves.
  compiled_->jit = pcre2_jit_compile(compiled_->code, PCRE2_JIT_COMPLETE) == 0;
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

bool Regex::search(std::string_view text, bool on_error) const {
  pcre2_match_data* data = thread_match_data();
  auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  int rc = compiled_->jit
               ? pcre2_jit_match(compiled_->code, subject, text.size(), 0, 0, data, match_context())
               : pcre2_match(compiled_->code, subject, text.size(), 0, 0, data, match_context());
  if (rc >= 0) return true;
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  // The JIT's stack ran out: the interpreter keeps its backtracking on the
  // heap.
  if (compiled_->jit) {
    rc = pcre2_match(compiled_->code, subject, text.size(), 0, 0, data, match_context());
    if (rc >= 0) return true;
    if (rc == PCRE2_ERROR_NOMATCH) return false;
  }
  return on_error;
}

}  // namespace dt
