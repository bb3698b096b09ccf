#!/bin/sh
# Each workload's checks fail when the behaviour they guard breaks: every
# declared fault is injected and the instance it targets must FAIL (not
# BROKEN: the failure must come from the check, with evidence).
. "$(dirname "$0")/lib.sh"
out=$scratch/injected
run() {
  name=$1; shift
  rc=0
  "$daxtorture" vm --jobs 1 --results "$out" --run-id "$name" "$@" > "$out-$name.ktap" 2> "$out-$name.log" || rc=$?
  expect_exit 1 "$rc" "vm $*"
}
run wait -t pin_matrix_sample/xfs/dio_read.truncate.mapped.4k --inject change_unpinned \
    -t pmd_fault_xfs/xfs/write --inject misaligned_mapping \
    -t uring_fixed_buffers_fsdax/xfs/shared --inject register_anonymous
expect_status "$out-wait.ktap" pin_matrix_sample/xfs/dio_read.truncate.mapped.4k FAIL
grep -q 'the layout change did not wait for the pin' "$out-wait.ktap" || fail "no wait evidence"
expect_status "$out-wait.ktap" pmd_fault_xfs/xfs/write FAIL
grep -q 'fell back to 4 KiB pages' "$out-wait.ktap" || fail "no fallback evidence"
expect_status "$out-wait.ktap" uring_fixed_buffers_fsdax/xfs/shared FAIL
grep -q 'was accepted; expected a refusal' "$out-wait.ktap" || fail "no refusal evidence"

run dma -t pin_matrix_sample/ext4/dio_read.truncate.mapped.4k --inject dma_into_fill_file
expect_status "$out-dma.ktap" pin_matrix_sample/ext4/dio_read.truncate.mapped.4k FAIL
grep -q 'late DMA into a freed block' "$out-dma.ktap" || fail "no corruption evidence"


# The proofs of huge fault size: a mapping that cannot be served huge must
# be reported, on fsdax through the tracepoint, on devdax through the count.
run huge -t pmd_fault_ext4/ext4/write --inject misaligned_mapping \
    -t pmd_fault_devdax/devdax/write -t pud_fault_devdax/devdax/read --inject smaller_pages
expect_status "$out-huge.ktap" pmd_fault_ext4/ext4/write FAIL
expect_status "$out-huge.ktap" pmd_fault_devdax/devdax/write FAIL
expect_status "$out-huge.ktap" pud_fault_devdax/devdax/read FAIL
grep -q 'page faults, expected 1 (one per 1 GiB)' "$out-huge.ktap" || fail "no PUD fault-count evidence"

# MAP_SYNC must sync metadata in the fault (NEEDDSYNC); a private PMD/PTE
# race must notice a thread reading a word nobody stored.
run sync -t pmd_map_sync_write/xfs/fallocated --inject no_map_sync \
    -t pmd_private_cow_race/ext4/default --inject foreign_write
expect_status "$out-sync.ktap" pmd_map_sync_write/xfs/fallocated FAIL
grep -q 'the tracepoint saw 0 (of 16 PMD faults): MAP_SYNC was not honoured' "$out-sync.ktap" ||
  fail "no NEEDDSYNC evidence"
expect_status "$out-sync.ktap" pmd_private_cow_race/ext4/default FAIL
grep -q 'thread 0 read 0xbadc0ffee0ddf00d at offset 0' "$out-sync.ktap" || fail "no wrong-word evidence"

# io_uring fixed buffers over devdax (registration, unregister and ring
# teardown with a read in flight, the data) and libpmem2 over fsdax and
# devdax (granularity, VM_SYNC, deep flush, the data): every check fails.
run pin -t uring_fixed_buffers_devdax/devdax/rw --inject register_readonly \
    -t uring_fixed_buffers_devdax/devdax/unregister_inflight --inject unregister_twice \
    -t uring_fixed_buffers_devdax/devdax/ring_exit_inflight --inject keep_ring_open \
    --inject verify_untargeted -t pmem2_map_sync/ext4/default -t pmem2_map_sync_devdax/devdax/default \
    --inject page_cache_file --inject deep_flush_outside --inject store_elsewhere
for instance in uring_fixed_buffers_devdax/devdax/rw uring_fixed_buffers_devdax/devdax/unregister_inflight \
    uring_fixed_buffers_devdax/devdax/ring_exit_inflight pmem2_map_sync/ext4/default \
    pmem2_map_sync_devdax/devdax/default; do
  expect_status "$out-pin.ktap" $instance FAIL
done
grep -q 'as an io_uring fixed buffer was refused with EFAULT' "$out-pin.ktap" || fail "no registration evidence"
grep -q 'with a READ_FIXED in flight returned ENXIO' "$out-pin.ktap" || fail "no unregister evidence"
grep -q "the ring's teardown did not release the registered buffer" "$out-pin.ktap" ||
  fail "no teardown evidence"
grep -q 'outlived the unregister: buffer offset 0 .* holds the guard pattern' "$out-pin.ktap" ||
  fail "no data evidence after unregister"
grep -q 'after the ring was torn down with a READ_FIXED into it in flight: buffer offset 0' \
  "$out-pin.ktap" || fail "no data evidence after teardown"
grep -q 'libpmem2 reports PAGE store granularity for the fsdax file' "$out-pin.ktap" ||
  fail "no granularity evidence"
grep -q 'libpmem2 reports PAGE store granularity for /dev/dax' "$out-pin.ktap" ||
  fail "no devdax granularity evidence"
grep -q 'has no VM_SYNC .*: the kernel did not take MAP_SYNC' "$out-pin.ktap" || fail "no VM_SYNC evidence"
grep -q 'pmem2_deep_flush over the .* returned -100024' "$out-pin.ktap" || fail "no deep flush evidence"
grep -q 'reads back differently through pread of the page-cache file' "$out-pin.ktap" ||
  fail "no pmem2 data evidence"

# Splits, stale mappings and fork of huge mappings.
run split -t pmd_split/xfs/munmap --inject split_skipped \
    -t pmd_hole_then_write/ext4/shared --inject write_other_file \
    -t pmd_fork/xfs/shared --inject swap_sharing \
    -t devdax_split/devdax/mprotect -t pud_split_devdax/devdax/munmap --inject aligned_split \
    -t devdax_split/devdax/mremap -t devdax_split/devdax/dontneed --inject dontneed_loses_data \
    -t devdax_split/devdax/fork --inject child_copy -t devdax_split/devdax/private --inject private_accepted
for instance in pmd_split/xfs/munmap pmd_hole_then_write/ext4/shared pmd_fork/xfs/shared \
    devdax_split/devdax/mprotect pud_split_devdax/devdax/munmap devdax_split/devdax/mremap \
    devdax_split/devdax/dontneed devdax_split/devdax/fork devdax_split/devdax/private; do
  expect_status "$out-split.ktap" $instance FAIL
done
grep -q 'still reads (no signal)' "$out-split.ktap" || fail "no split evidence"
grep -q 'mapping reads stale data' "$out-split.ktap" || fail "no stale-mapping evidence"
grep -q 'does not read the child.s write' "$out-split.ktap" || fail "no fork evidence"
grep -q 'munmap of 1 GiB at offset 0 .* was accepted; expected EINVAL' "$out-split.ktap" ||
  fail "no PUD split evidence"
grep -q 'mremap of 2 MiB at offset 2097152 .* was accepted; expected EINVAL' "$out-split.ktap" ||
  fail "no devdax mremap evidence"
grep -q 'after MADV_DONTNEED of 4 KiB: the 2 MiB page at device offset 2097152 reads other data' \
  "$out-split.ktap" || fail "no DONTNEED evidence"
grep -q 'the parent, after the child wrote its inherited mapping' "$out-split.ktap" ||
  fail "no devdax fork evidence"
grep -q 'MAP_PRIVATE of a devdax device was accepted; expected EINVAL' "$out-split.ktap" ||
  fail "no MAP_PRIVATE evidence"

# The pinned-DMA matrix: each of its four checks fails under its fault.
run matrix1 -t pin_matrix_sample/xfs/dio_read.punch_hole.mapped.pmd \
    --inject change_unpinned --inject kernel_taint
expect_status "$out-matrix1.ktap" pin_matrix_sample/xfs/dio_read.punch_hole.mapped.pmd FAIL
grep -q 'the layout change did not wait for the pinned pages' "$out-matrix1.ktap" || fail "no wait evidence (check 1)"
grep -q '# kernel: taint: kernel taint newly set: \[W\]' "$out-matrix1.ktap" || fail "no kernel evidence (check 4)"
run matrix2 -t pin_matrix_sample/ext4/dio_read.punch_hole.mapped.pmd \
    --inject dma_into_fill_file --inject change_skipped
expect_status "$out-matrix2.ktap" pin_matrix_sample/ext4/dio_read.punch_hole.mapped.pmd FAIL
grep -q 'written into free space after punch_hole returned, was overwritten: bytes' "$out-matrix2.ktap" ||
  fail "no late-DMA evidence (check 2)"
grep -q "F's data after punch_hole is not what the operation says" "$out-matrix2.ktap" ||
  fail "no data evidence (check 3)"

# Teardown under a held page: a hold the kernel cannot see (the mapping on
# anonymous memory) lets umount return with the "mapping" still readable,
# and data that did not reach the device fails the data check.
run lifecycle -t teardown_umount/xfs/mapped --inject hold_elsewhere --inject data_lost
expect_status "$out-lifecycle.ktap" teardown_umount/xfs/mapped FAIL
grep -q 'the mapping was not revoked' "$out-lifecycle.ktap" || fail "no revocation evidence"
grep -q 'it went to a released page instead of the device' "$out-lifecycle.ktap" ||
  fail "no teardown data evidence"

# The kernel verdict: instances whose own checks pass while the kernel
# itself reports a hung task (a hang: TIMEOUT), or gets the WARN taint
# (FAIL), fail.
run kernel -t selftest_kernel_verdict
expect_status "$out-kernel.ktap" selftest_kernel_verdict/none/hung_task TIMEOUT
grep -q '# kernel: hung task: INFO: task .* blocked for more than' "$out-kernel.ktap" || fail "no hung-task evidence"
expect_status "$out-kernel.ktap" selftest_kernel_verdict/none/taint_warn FAIL
grep -q '# kernel: taint' "$out-kernel.ktap" || fail "no taint evidence"

# The bug classes upstream met since v6.15 (workloads/huge, file_io,
# memory_failure) and the io_uring memlock checks: each injected fault makes
# its check fail, on the newest kernel, which has none of those bugs.
run classes --kernel-package newest -t zero_entry_write_fault/xfs/pmd --inject store_elsewhere \
    -t pmd_punch_then_pte_faults/ext4/punch --inject skip_cut \
    -t punch_races_faults/xfs/default --inject foreign_store \
    -t devdax_lru_advice/devdax/cold --inject scribble \
    -t atomic_write_dax/xfs-reflink/default --inject plain_write \
    -t uring_memlock_devdax/devdax/shared_page --inject remove_both \
    -t hwpoison_devdax/devdax/default --inject poison_elsewhere
for instance in zero_entry_write_fault/xfs/pmd pmd_punch_then_pte_faults/ext4/punch \
    punch_races_faults/xfs/default devdax_lru_advice/devdax/cold atomic_write_dax/xfs-reflink/default \
    uring_memlock_devdax/devdax/shared_page hwpoison_devdax/devdax/default; do
  expect_status "$out-classes.ktap" "$instance" FAIL
done
