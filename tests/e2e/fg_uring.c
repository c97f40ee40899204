/*
 * fg_uring: opens a file through io_uring instead of open(2), for
 * e2e_attack_open_paths: the open runs inside the kernel's io_uring code (and,
 * with IOSQE_ASYNC, on one of its io-wq worker threads), not in a system call
 * of the program. Raw system calls, no liburing (not installed here).
 *   fg_uring OP FILE      OP: openat, openat2, openat-async, openat2-async,
 *                         openat-fixed, openat2-fixed-async
 * "-async" sets IOSQE_ASYNC on the open; "-fixed" opens into a registered
 * (direct) descriptor slot, not the file table, and reads through that slot.
 * Prints the file's bytes (an IORING_OP_READ of the opened file) and exits 0,
 * or the errno name the open or read got (exit 3 for EPERM, 4 otherwise).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fg_util.h"

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int report_errno(const char *what, int err)
{
	fprintf(stderr, "fg_uring: %s: %s\n", what, strerror(err));
	return fg_report_errno(err);
}

/* One submission queue entry and its completion; returns the completion's res (-errno). */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->sq_tail, head;
	int res;

	r->sqes[tail & *r->sq_mask] = *sqe;
	r->sq_array[tail & *r->sq_mask] = tail & *r->sq_mask;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static int ring_setup(struct ring *r)
{
	struct io_uring_params p = { 0 };
	size_t sq_len, cq_len;
	char *sq, *cq;

	r->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -errno;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP))
		return -ENOSYS;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (cq_len > sq_len)
		sq_len = cq_len;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -errno;
	cq = sq;
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return -errno;
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* A table of one empty slot for direct descriptors (IORING_OP_OPENAT into file_index). */
static int ring_register_sparse_slot(struct ring *r)
{
	struct io_uring_rsrc_register reg = { .nr = 1, .flags = IORING_RSRC_REGISTER_SPARSE };

	if (syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_FILES2, &reg, sizeof(reg)) < 0)
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	static struct open_how how = { .flags = O_RDONLY };
	static char buf[65536];
	struct io_uring_sqe sqe = { 0 };
	const char *op;
	struct ring r;
	bool fixed;
	int res, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: fg_uring openat|openat2|openat-async|openat2-async|"
				"openat-fixed|openat2-fixed-async FILE\n");
		return 2;
	}
	op = argv[1];
	fixed = strstr(op, "-fixed") != NULL;
	res = ring_setup(&r);
	if (res < 0)
		return report_errno("io_uring_setup", -res);
	if (fixed && (res = ring_register_sparse_slot(&r)) < 0)
		return report_errno("register files", -res);

	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)argv[2];
	if (strncmp(op, "openat2", 7) == 0) {
		sqe.opcode = IORING_OP_OPENAT2;
		sqe.len = sizeof(how);
		sqe.off = (unsigned long)&how;
	} else if (strncmp(op, "openat", 6) == 0) {
		sqe.opcode = IORING_OP_OPENAT;
		sqe.open_flags = O_RDONLY;
	} else {
		fprintf(stderr, "fg_uring: unknown operation %s\n", op);
		return 2;
	}
	if (strstr(op, "-async"))
		sqe.flags |= IOSQE_ASYNC;
	if (fixed)
		sqe.file_index = 1; /* slot 0, counted from 1 (0 means "the file table") */
	res = ring_run(&r, &sqe);
	if (res < 0)
		return report_errno(op, -res);
	fd = fixed ? 0 : res;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_READ;
	sqe.fd = fd;
	sqe.addr = (unsigned long)buf;
	sqe.len = sizeof(buf);
	if (fixed)
		sqe.flags |= IOSQE_FIXED_FILE;
	res = ring_run(&r, &sqe);
	if (res < 0)
		return report_errno("read", -res);
	fwrite(buf, 1, (size_t)res, stdout);
	return 0;
}
