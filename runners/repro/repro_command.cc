#include "runners/repro/repro_command.h"

#include <iostream>

#include "core/errors.h"
#include "runners/command_line/args.h"
#include "runners/repro/bundle.h"
#include "runners/repro/upstream_report.h"

namespace dt {

const char* const kReproHelp = R"(usage: daxtorture repro RUN/instances/NAME --out DIR
       daxtorture repro --standalone FINDING [--kernel-package PKG] [--args WORDS] --out DIR
       daxtorture repro --report RUN/instances/NAME [--finding FINDING] [-o FILE]

Turns a failing instance into something a kernel developer can run and read
without this suite.

RUN/instances/NAME --out DIR
    A bundle: DIR holds the run's kernel (and kernel/ORIGIN: its package,
    version, sha256 and how to fetch it), the guest image 'daxtorture vm'
    booted, the QEMU command line with the NVDIMM, and run.sh. 'DIR/run.sh N'
    boots N times, runs the instance once per boot and ends with the line
    'reproduced K of N'. It needs qemu-system-x86_64 and nothing of this tree.

--standalone FINDING --out DIR
    The same for a finding folder (docs/findings/upstream/BUG: repro.c,
    setup.sh, guest.sh, expect): the guest image without the daxtorture
    binary, repro.c built static, and guest.sh run at boot. A boot
    reproduces when its console holds every line of FINDING/expect.
    --kernel-package PKG   a Debian kernel or alias (default: newest)
    --args WORDS           passed to guest.sh (e.g. 'unbind', 'ext4')

--report RUN/instances/NAME
    A plain-text mail for the kernel's lists: subject, affected and
    unaffected releases (FINDING/releases), the kernel and its config, the
    console excerpt with the stack decoded to file:line (Debian's -dbg
    vmlinux: tools/fetch-kernel --dbg), the reproducer inline (FINDING), how
    to run the bundle, and the recipients from the kernel's
    scripts/get_maintainer.pl on the decoded stack's files.
    --finding FINDING   the finding folder with the C reproducer and releases
    --source TREE       kernel source for decoding and get_maintainer.pl
                        (default: /work/kernels/linux-source-<series> when present)
    -o, --output FILE   where the mail goes (default: stdout)

exit status: 0 written, 2 bad input (one line naming the problem and the fix).
)";

int repro_main(Args& args) {
  std::string instance_dir, out_dir, finding, standalone, kernel_package = "newest", guest_args, output, source;
  bool report = false;
  while (!args.done()) {
    if (!args.next_is_option()) {
      if (!instance_dir.empty()) throw UsageError("repro takes one instance folder; '" + instance_dir +
                                                  "' was already given");
      instance_dir = args.positional();
      continue;
    }
    auto option = args.option();
    if (*option == "--out") out_dir = args.value(*option);
    else if (*option == "--standalone") standalone = args.value(*option);
    else if (*option == "--kernel-package") kernel_package = args.value(*option);
    else if (*option == "--args") guest_args = args.value(*option);
    else if (*option == "--report") report = true;
    else if (*option == "--finding") finding = args.value(*option);
    else if (*option == "--source") source = args.value(*option);
    else if (*option == "-o" || *option == "--output") output = args.value(*option);
    else unknown_option("repro", *option);
  }
  if (report) {
    if (instance_dir.empty()) throw UsageError("--report needs the instance folder: daxtorture repro --report RUN/instances/NAME");
    write_upstream_report(instance_dir, finding, source, output);
    return 0;
  }
  if (out_dir.empty()) throw UsageError("say where the bundle goes: --out DIR");
  if (!standalone.empty()) {
    if (!instance_dir.empty()) throw UsageError("--standalone bundles a finding folder, not an instance; give one of them");
    write_standalone_bundle(standalone, kernel_package, guest_args, out_dir);
    return 0;
  }
  if (instance_dir.empty()) throw UsageError("name the instance folder to bundle: daxtorture repro RUN/instances/NAME --out DIR");
  write_instance_bundle(instance_dir, out_dir);
  return 0;
}

}  // namespace dt
