# Sourced by the bisect tests: a small git repository that looks like a
# kernel tree to 'daxtorture bisect' (Makefile, Kconfig, arch/x86 at its top)
# and whose commits each name a kernel of the cache in kernel-choice:
# "fixed" (trixie-backports 6.18, passes the pin-matrix cell below),
# "default" (Debian 6.12, fails it), "none" (the build command exits 125).
# The build command copies that kernel out of the cache: real boots, real
# workloads, no compile. make_bisect_repo DIR CHOICE... prints nothing and
# leaves DIR on branch "main" at the last commit.

# Fails on Debian 6.12 and 6.1 (the truncate does not wait for a pinned page
# that no process maps: cee91fa13a8e is missing), passes on 6.18.
bisect_cell=pin_matrix_sample/xfs/vmsplice.truncate.unmapped.4k

make_bisect_repo() {
  repo=$1; shift
  rm -rf "$repo"
  mkdir -p "$repo/arch/x86"
  git init -q -b main "$repo"
  echo "# not a real kernel: see tests/vm/bisect_repo.sh" > "$repo/Makefile"
  : > "$repo/Kconfig"
  : > "$repo/arch/x86/.keep"
  n=0
  for choice in "$@"; do
    n=$((n + 1))
    echo "$choice" > "$repo/kernel-choice"
    git -C "$repo" add -A
    # Fixed dates, fixed shas: after a skip git picks the next commit by
    # a sha-seeded draw, and the test should take the same path every run.
    GIT_AUTHOR_DATE="2026-01-01T00:00:$((10 + n))Z" GIT_COMMITTER_DATE="2026-01-01T00:00:$((10 + n))Z" \
      git -C "$repo" -c user.name=daxtorture -c user.email=test@daxtorture.invalid \
      commit -q --allow-empty -m "commit $n: $choice kernel"
  done
}

# The commit of make_bisect_repo's Nth CHOICE (1-based).
nth_commit() {
  git -C "$1" rev-list --reverse HEAD | sed -n "$2p"
}

kernel_cache=${DAXTORTURE_CACHE:-/var/cache/daxtorture}/kernels
bisect_build_command='choice=$(cat kernel-choice)
[ "$choice" = none ] && { echo "this commit names no kernel: cannot build it"; exit 125; }
from='"$kernel_cache"'/$choice
cp "$from"/boot/vmlinuz-* "$DAXTORTURE_BUILD_OUT/bzImage"
cp "$from"/boot/config-* "$DAXTORTURE_BUILD_OUT/.config"
ln -s "$(cd "$from" && pwd -P)" "$DAXTORTURE_BUILD_OUT/modules"'
