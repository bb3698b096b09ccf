#include "workloads/uring/pin_accounting.h"

#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "core/check.h"
#include "core/errors.h"

namespace dt::workloads {

void account_pins_from_now_on() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0)
    throw SetupError("capget: " + errno_name(errno));
  const unsigned word = CAP_IPC_LOCK / 32, bit = 1u << (CAP_IPC_LOCK % 32);
  data[word].effective &= ~bit;
  data[word].permitted &= ~bit;
  data[word].inheritable &= ~bit;
  if (syscall(SYS_capset, &header, data) != 0)
    throw SetupError("dropping CAP_IPC_LOCK (capset): " + errno_name(errno) +
                     "; without it the ring's pins are charged to nobody and VmPin shows none");
}

void set_memlock_limit(uint64_t bytes) {
  rlimit limit{};
  limit.rlim_cur = limit.rlim_max = bytes == UINT64_MAX ? RLIM_INFINITY : bytes;
  if (setrlimit(RLIMIT_MEMLOCK, &limit) != 0)
    throw SetupError("setrlimit(RLIMIT_MEMLOCK, " + std::to_string(bytes) +
                     "): " + errno_name(errno));
}

}  // namespace dt::workloads
