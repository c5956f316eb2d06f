/* cachestat: how many of a file's pages are in the page cache, dirty (not yet
 * written) and under writeback, from the kernel's own count (cachestat(2),
 * Linux 6.5), so that a test can see whether kfdo had the disks write
 * everything before its benchmark runs.
 *
 *   cachestat FILE    prints "cached DIRTY writeback WB" in pages
 *
 * Exit 77 when the kernel has no cachestat (the test then skips), 1 on error.
 * It is a test program: never installed. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_cachestat
#define __NR_cachestat 451 /* the same number on every architecture */
#endif

struct cs_range {
	uint64_t off, len;
};

struct cs {
	uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: cachestat FILE\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "cachestat: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	struct cs_range range = { 0, 0 }; /* len 0: to the end of the file */
	struct cs c;
	memset(&c, 0, sizeof c);
	if (syscall(__NR_cachestat, fd, &range, &c, 0) != 0) {
		int e = errno;
		fprintf(stderr, "cachestat: %s: %s\n", argv[1], strerror(e));
		close(fd);
		return e == ENOSYS ? 77 : 1;
	}
	close(fd);
	printf("cached %llu dirty %llu writeback %llu\n", (unsigned long long)c.nr_cache,
	       (unsigned long long)c.nr_dirty, (unsigned long long)c.nr_writeback);
	return 0;
}
