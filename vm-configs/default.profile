# The guest machine of 'daxtorture vm' when no --profile is given.
# key = value; sizes take K, M, G suffixes.

# 2 GiB of RAM leaves room for the page cache of the 9p root and the tmpfs
# overlay; memory hotplug slots are what QEMU needs to place an NVDIMM.
memory = 2G
max_memory = 16G
cpus = 2
# "max" exposes pdpe1gb, so 1 GiB (PUD) devdax mappings are possible.
cpu = max
# Both vCPUs on one host thread. QEMU 7.2's multi-threaded TCG now and then
# executes a stale int3 while the guest patches its own text (static keys
# flipped by enabling a tracepoint), and the guest oopses; on this 2-core
# machine single-threaded TCG was also faster (default set: 1:47 vs 3:10
# with another guest running). KVM ignores this setting.
tcg_thread = single

# One emulated NVDIMM, backed by a sparse file. A label area makes its region
# divisible into fsdax and devdax namespaces; the 1 GiB backing alignment lets
# a devdax namespace be 1 GiB aligned. 8G: the 2 GiB fsdax namespace, a small
# 2 MiB-aligned devdax one, and the 2 GiB 1 GiB-aligned devdax namespace of
# pud_split_devdax, which needs 3 GiB of contiguous room for its alignment.
nvdimm_size = 8G
nvdimm_label_size = 128K
nvdimm_align = 1G

# Workload timeouts are written for a real machine; TCG is several times slower.
timeout_scale_tcg = 4
timeout_scale_kvm = 1
