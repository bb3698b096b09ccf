// SPDX-License-Identifier: GPL-2.0
/*
 * A small write(2) into a block a DAX file shares with its reflink clone,
 * while the file is mapped and its pages have been read through the
 * mapping. The write copies the block (CoW) and invalidates the file's DAX
 * entries of that range; releasing the shared entry then finds the page
 * still referenced:
 *   WARNING: fs/dax.c:452 at dax_disassociate_entry
 *   __dax_invalidate_entry <- invalidate_inode_pages2_range <- dax_iomap_rw
 *   <- xfs_file_dax_write
 * The data read back afterwards is right; the warning is the kernel's.
 *
 * Build: gcc -O2 -Wall -static -o repro repro.c
 * Run:   ./repro DIR    (DIR on xfs -m reflink=1 mounted -o dax; setup.sh)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL
#define LEN (64 * PAGE)
#define WRITE_AT (5 * PAGE + 1000)
#define WRITE_LEN 100

static void die(const char *what)
{
	fprintf(stderr, "repro: %s: %s\n", what, strerror(errno));
	exit(2);
}

int main(int argc, char **argv)
{
	char original[4096], clone[4096], buf[WRITE_LEN];
	static unsigned char data[LEN];
	volatile unsigned char sum = 0;
	unsigned char *map;
	size_t i;
	int a, b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	snprintf(original, sizeof(original), "%s/original", argv[1]);
	snprintf(clone, sizeof(clone), "%s/clone", argv[1]);
	for (i = 0; i < LEN; i++)
		data[i] = (unsigned char)(i * 7 + 1);

	a = open(original, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (a < 0)
		die("open original");
	if (write(a, data, LEN) != (ssize_t)LEN || fsync(a))
		die("write original");
	b = open(clone, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (b < 0)
		die("open clone");
	if (ioctl(b, FICLONE, a))
		die("FICLONE (needs xfs -m reflink=1)");

	/* Read every page of the clone through a shared mapping. */
	map = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
	if (map == MAP_FAILED)
		die("mmap clone");
	for (i = 0; i < LEN; i += PAGE)
		sum += map[i];
	printf("repro: read %lu pages of the clone through its mapping\n", LEN / PAGE);

	/* 100 bytes into a shared block: the CoW write. */
	memset(buf, 0xab, sizeof(buf));
	if (pwrite(b, buf, sizeof(buf), WRITE_AT) != (ssize_t)sizeof(buf))
		die("pwrite clone");
	printf("repro: wrote %d bytes at %lu of the clone\n", WRITE_LEN, WRITE_AT);

	if (memcmp(map + WRITE_AT, buf, sizeof(buf)) ||
	    memcmp(map + WRITE_AT - 1000, data + WRITE_AT - 1000, 1000))
		printf("repro: the mapping does not show the write over the original's data\n");
	else
		printf("repro: data right through the mapping\n");
	munmap(map, LEN);
	close(b);
	close(a);
	return 0;
}
