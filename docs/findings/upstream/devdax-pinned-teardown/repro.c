// SPDX-License-Identifier: GPL-2.0
/*
 * Tearing down a device-dax instance while one of its pages is the target
 * of an O_DIRECT read in flight. The teardown (namespace disable, driver
 * unbind) returns at once instead of waiting for the page's extra
 * reference; when the read completes, the block driver copies into a page
 * whose memory map and direct mapping are gone:
 *   "BUG: unable to handle page fault" / Oops in brd_submit_bio.
 *
 * The slow device is brd behind dm-delay (see setup.sh), so the read is
 * provably still in flight when the teardown runs.
 *
 * Build: gcc -O2 -Wall -static -pthread -o repro repro.c
 * Run:   ./repro /dev/dax0.0 /dev/mapper/slow COMMAND [ARG...]
 *        COMMAND is the teardown, run while the read is in flight, e.g.
 *        ndctl disable-namespace namespace0.0
 *        sh -c 'echo dax0.0 > /sys/bus/dax/drivers/device_dax/unbind'
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAP_LEN (4UL << 20)	/* two 2 MiB pages of the device */
#define READ_LEN (1UL << 20)	/* the pinned range, at offset 0 */

static int slow_fd;
static char *buffer;

static void die(const char *what)
{
	fprintf(stderr, "repro: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The DMA: get_user_pages() pins the device-dax pages until it completes. */
static void *slow_read(void *unused)
{
	double start = now();
	ssize_t n = pread(slow_fd, buffer, READ_LEN, 0);

	printf("repro: O_DIRECT read into the device-dax page returned %zd after %.1f s\n",
	       n, now() - start);
	return unused;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines reach the console before an oops */
	if (argc < 4) {
		fprintf(stderr, "usage: %s DAXDEV SLOWDEV COMMAND [ARG...]\n", argv[0]);
		return 2;
	}
	int dax_fd = open(argv[1], O_RDWR);
	if (dax_fd < 0)
		die(argv[1]);
	slow_fd = open(argv[2], O_RDONLY | O_DIRECT);
	if (slow_fd < 0)
		die(argv[2]);

	/* A 2 MiB-aligned address, so the device maps it with PMDs. */
	char *area = mmap(NULL, 2 * MAP_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("reserving address space");
	char *aligned = (char *)(((uintptr_t)area + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	buffer = mmap(aligned, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, dax_fd, 0);
	if (buffer == MAP_FAILED)
		die("mmap of the device");
	memset(buffer, 0x5a, MAP_LEN);

	pthread_t reader;
	if (pthread_create(&reader, NULL, slow_read, NULL))
		die("pthread_create");
	sleep(1);	/* the read is now waiting in dm-delay, its pages pinned */

	/* Our own mapping goes; the pin is the only reference left. */
	munmap(buffer, MAP_LEN);
	close(dax_fd);

	double start = now();
	pid_t child = fork();
	if (child == 0) {
		execvp(argv[3], argv + 3);
		die(argv[3]);
	}
	int status;
	waitpid(child, &status, 0);
	printf("repro: teardown '%s' exited %d after %.1f s, with the read still in flight\n",
	       argv[3], WIFEXITED(status) ? WEXITSTATUS(status) : -1, now() - start);
	printf("repro: expected: the teardown waits for the pinned page (or fails); "
	       "the read's completion must not touch freed memory\n");

	pthread_join(reader, NULL);
	printf("repro: done\n");
	return 0;
}
