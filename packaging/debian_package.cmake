# The Debian package, made by CPack from the install rules above:
#   cd BUILD && cpack -G DEB      ->  daxtorture_VERSION_amd64.deb
# Runtime dependencies by Debian package name: the libraries through
# dpkg-shlibdeps, the programs the host and the guest image run by hand
# (runners/vm/guest_image.cc: guest_programs(), make-initramfs.sh,
# tools/fetch-kernel).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME daxtorture)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CONTACT "daxtorture maintainers <daxtorture@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "stress and regression suite for Linux FS-DAX on persistent memory")
set(CPACK_PACKAGE_DESCRIPTION
    "daxtorture boots a kernel in QEMU with an emulated NVDIMM, makes real pmem
namespaces and DAX filesystems inside, and runs workloads that race layout
changes against DMA pinned into DAX mappings, prove PMD faults and pin DAX
memory for io_uring. Each instance is judged by its own checks and by its
slice of the kernel log. Results come as KTAP, JUnit, KCIDB and HTML.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    # the guest: QEMU, and what the guest image packs from this machine
    "qemu-system-x86, busybox-static | busybox, kmod, xfsprogs, e2fsprogs, dmsetup, ndctl, daxctl, mount, util-linux, "
    # packing the image (cpio, strip), decompressing Debian's modules
    "cpio, binutils, xz-utils, zstd, "
    # tools/fetch-kernel: Debian's archive through private package lists
    "apt, debian-archive-keyring, gawk | mawk")
string(REPLACE ";" "" CPACK_DEBIAN_PACKAGE_DEPENDS "${CPACK_DEBIAN_PACKAGE_DEPENDS}")
# 'daxtorture lava' validates jobs with LAVA's own schema.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3, lava-common")
# 'build' and 'bisect' compile kernels; tools/build-fault-module builds the
# selftests' fault module against Debian's kernel headers.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "git, build-essential, flex, bison, bc, libelf-dev, libssl-dev, ccache")
include(CPack)
