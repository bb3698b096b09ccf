# The guest machine of 'daxtorture vm' when no --profile is given.
# key = value; sizes take K, M, G suffixes.

# 2 GiB of RAM leaves room for the page cache of the 9p root and the tmpfs
# overlay; memory hotplug slots are what QEMU needs to place an NVDIMM.
memory = 2G
max_memory = 16G
cpus = 2
# "max" exposes pdpe1gb, so 1 GiB (PUD) devdax mappings are possible.
cpu = max

# One emulated NVDIMM, backed by a sparse file. A label area makes its region
# divisible into fsdax and devdax namespaces; the 1 GiB backing alignment lets
# a devdax namespace be 1 GiB aligned.
nvdimm_size = 6G
nvdimm_label_size = 128K
nvdimm_align = 1G

# Workload timeouts are written for a real machine; TCG is several times slower.
timeout_scale_tcg = 4
timeout_scale_kvm = 1
