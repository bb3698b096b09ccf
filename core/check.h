// Assertions for workload code. They read as the scenario, not as error
// handling:
//
//   DT_ASSERT(n == 32) << "expected 32 PMD faults, seen " << n;   // FAIL, stop
//   DT_EXPECT(data_ok) << "file " << path << " differs at " << off;  // FAIL, go on
//   int fd = DT_SYS(open(path, O_RDWR));                          // BROKEN on -1
//   void* p = DT_SYS(mmap(...));                                   // BROKEN on MAP_FAILED
//
// A failed DT_ASSERT ends the workload with FAIL; a failed DT_SYS ends it
// with BROKEN (the set-up, not the kernel behaviour under test, went wrong).
// Every report carries file:line, the checked expression and the message.
#pragma once

#include <sys/mman.h>

#include <cerrno>
#include <sstream>
#include <string>
#include <type_traits>

namespace dt {

// Streams the message of a failed check.
class Message {
 public:
  template <typename T>
  Message& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }
  std::string str() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
};

enum class CheckKind { assertion, expectation };

// Thrown to unwind the workload after a fatal report; the runner maps it to
// the verdict already reported.
struct WorkloadStop {};

// The right-hand side of a failed DT_ASSERT/DT_EXPECT: reports, then throws
// for an assertion. operator& binds looser than <<, so the whole message is
// built first.
struct CheckTrap {
  const char* file;
  int line;
  const char* expression;
  CheckKind kind;
  void operator&(const Message& message) const;
};

[[noreturn]] void report_broken_call(const char* file, int line,
                                     const char* call, int saved_errno);

// Name of an errno value ("ENOENT"), for messages.
std::string errno_name(int err);

template <typename T>
T check_call(T value, const char* call, const char* file, int line) {
  bool failed;
  if constexpr (std::is_pointer_v<T>)
    failed = (reinterpret_cast<void*>(value) == MAP_FAILED) || value == nullptr;
  else
    failed = value == static_cast<T>(-1);
  if (failed) report_broken_call(file, line, call, errno);
  return value;
}

}  // namespace dt

#define DT_ASSERT(cond)                                                   \
  if (cond)                                                               \
    ;                                                                     \
  else                                                                    \
    ::dt::CheckTrap{__FILE__, __LINE__, #cond, ::dt::CheckKind::assertion} & \
        ::dt::Message()

#define DT_EXPECT(cond)                                                     \
  if (cond)                                                                 \
    ;                                                                       \
  else                                                                      \
    ::dt::CheckTrap{__FILE__, __LINE__, #cond, ::dt::CheckKind::expectation} & \
        ::dt::Message()

#define DT_SYS(call) ::dt::check_call((call), #call, __FILE__, __LINE__)
