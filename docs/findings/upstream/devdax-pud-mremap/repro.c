// SPDX-License-Identifier: GPL-2.0
/*
 * mremap() of a whole 1 GiB device-dax page: the kernel clears the PUD as
 * "bad pud" (mm/pgtable-generic.c) instead of moving it, and the 262144
 * file pages it counted for the mapping are never uncounted: "BUG: Bad
 * rss-counter state ... type:MM_FILEPAGES val:262144" when the mm is freed.
 *
 * Needs a device-dax instance with 1 GiB alignment (see setup.sh):
 *   ndctl create-namespace -m devdax -a 1G -s 2G
 * Build: gcc -O2 -Wall -static -o repro repro.c
 * Run:   ./repro /dev/dax0.0; then look at dmesg (the rss-counter line comes
 *        when this process's mm is freed, after it exits).
 *
 * What it does: maps the first 1 GiB of the device at a 1 GiB-aligned
 * address, writes to it (one PUD fault maps the whole page), moves the whole
 * page with mremap(MREMAP_MAYMOVE | MREMAP_FIXED) to another 1 GiB-aligned
 * address, reads it there, unmaps it and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define GIB (1UL << 30)

static void die(const char *what)
{
	fprintf(stderr, "repro: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* A 1 GiB-aligned address with `size` bytes free after it. */
static char *aligned_hole(size_t size)
{
	char *area = mmap(NULL, size + GIB, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED)
		die("reserving address space");
	char *aligned = (char *)(((uintptr_t)area + GIB - 1) & ~(GIB - 1));
	return aligned;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines reach the console before an oops */
	const char *path = argc > 1 ? argv[1] : "/dev/dax0.0";
	int fd = open(path, O_RDWR);
	if (fd < 0)
		die(path);

	/* Source and destination: two 1 GiB-aligned slots, 1 GiB apart. */
	char *slots = aligned_hole(2 * GIB);
	char *src = slots, *dst = slots + GIB;

	char *map = mmap(src, GIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap of 1 GiB of the device (is it aligned to 1 GiB?)");
	strcpy(map, "written before mremap");
	printf("repro: %s mapped at %p, written (one PUD fault)\n", path, (void *)map);

	char *moved = mremap(map, GIB, GIB, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (moved == MAP_FAILED)
		die("mremap of the whole 1 GiB page");
	printf("repro: mremap moved it to %p; it reads \"%.21s\"\n", (void *)moved, moved);

	if (munmap(moved, GIB))
		die("munmap");
	close(fd);
	printf("repro: done; expected no kernel message, see dmesg for \"bad pud\" "
	       "and \"Bad rss-counter\"\n");
	return 0;
}
