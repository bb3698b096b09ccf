// SPDX-License-Identifier: GPL-2.0
/*
 * Tearing down an fsdax namespace (pmem driver unbound, as ndctl's
 * disable does it through sysfs) under a filesystem mounted -o dax with a
 * file mapped. The unbind returns, the mapping keeps reading the released
 * memory (no SIGBUS), and when the file's mapping entries are torn down the
 * kernel follows a page of the released memory map:
 *   "BUG: unable to handle page fault" / Oops in dax_disassociate_entry.
 *
 * Build: gcc -O2 -Wall -static -o repro repro.c
 * Run:   ./repro /mnt/dax/file COMMAND [ARG...]
 *        /mnt/dax is a filesystem mounted -o dax on /dev/pmemX (see
 *        setup.sh); COMMAND is the teardown, e.g.
 *        sh -c 'echo pfn0.0 > /sys/bus/nd/drivers/nd_pmem/unbind'
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define LEN (4UL << 20)	/* two 2 MiB pages */

static sigjmp_buf on_sigbus;

static void die(const char *what)
{
	fprintf(stderr, "repro: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void sigbus(int sig)
{
	siglongjmp(on_sigbus, sig);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines reach the console before an oops */
	if (argc < 3) {
		fprintf(stderr, "usage: %s FILE COMMAND [ARG...]\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(argv[1]);
	if (ftruncate(fd, LEN))
		die("ftruncate");

	/* 2 MiB-aligned, so that the filesystem can map it with PMDs. */
	char *area = mmap(NULL, 2 * LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("reserving address space");
	char *aligned = (char *)(((uintptr_t)area + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	char *map = mmap(aligned, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap of the file");
	memset(map, 0x5a, LEN);
	printf("repro: %s mapped and written (%lu MiB)\n", argv[1], LEN >> 20);

	pid_t child = fork();
	if (child == 0) {
		execvp(argv[2], argv + 2);
		die(argv[2]);
	}
	int status;
	waitpid(child, &status, 0);
	printf("repro: teardown '%s' exited %d with the file still mapped\n", argv[2],
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	/* Expected: SIGBUS (the mapping revoked), or the teardown refused. */
	signal(SIGBUS, sigbus);
	if (sigsetjmp(on_sigbus, 1) == 0) {
		unsigned long sum = 0;
		for (size_t i = 0; i < LEN; i += 4096)
			sum += (unsigned char)map[i];
		printf("repro: the mapping still reads %s after the teardown (no SIGBUS)\n",
		       sum == 0x5aUL * (LEN / 4096) ? "the file's data" : "other data");
	} else {
		printf("repro: SIGBUS on the mapping after the teardown\n");
	}

	printf("repro: unmapping and removing the file\n");
	munmap(map, LEN);
	close(fd);
	unlink(argv[1]);
	printf("repro: done\n");
	return 0;
}
