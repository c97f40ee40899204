/*
 * The daemon <-> scanner messages (core/scanner/scanner_proto.c) over a real
 * SOCK_SEQPACKET socket pair: every message type round trips, a descriptor
 * sent with a scan arrives as the same open file, and what is not one whole
 * message of ours fails with EBADMSG, never leaving a received descriptor open.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "scanner/scanner_proto.h"

static int sv[2] = { -1, -1 }; /* sv[0] sends, sv[1] receives */
static union scanner_msg *msg; /* heap, as the daemon and scanner have it */

static void new_pair(void)
{
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
}

/* A regular file of our own, open for reading and writing; gone from the disk already. */
static int temp_file(void)
{
	char name[] = "/tmp/test_scanner_proto.XXXXXX";
	int fd = mkstemp(name);

	if (fd < 0)
		abort();
	unlink(name);
	return fd;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return a >= 0 && b >= 0 && a != b && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		abort();
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* sendmsg with any number of descriptors in one SCM_RIGHTS message, as any peer can. */
static int send_fds(const void *buf, size_t len, const int *fds, size_t n_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	memset(&control, 0, sizeof(control));
	mh.msg_control = control.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
	return sendmsg(sv[0], &mh, 0) < 0 ? -1 : 0;
}

static void test_ready_round_trip(void)
{
	struct scanner_ready r = { .type = SCANNER_READY, .n_plugins = 2 };
	ssize_t n;
	int fd = 7;

	new_pair();
	snprintf(r.plugin[0].name, sizeof(r.plugin[0].name), "clamav");
	snprintf(r.plugin[0].version, sizeof(r.plugin[0].version), "1.0.7");
	r.plugin[0].signatures = 8700000;
	snprintf(r.plugin[1].name, sizeof(r.plugin[1].name), "yara");
	CHECK(scanner_send(sv[0], &r, sizeof(r), -1, 0) == 0);
	n = scanner_recv(sv[1], msg, &fd);
	CHECK(n == (ssize_t)sizeof(r));
	CHECK(fd == -1); /* none sent */
	CHECK(msg->type == SCANNER_READY && msg->ready.n_plugins == 2);
	CHECK(strcmp(msg->ready.plugin[0].name, "clamav") == 0);
	CHECK(strcmp(msg->ready.plugin[0].version, "1.0.7") == 0);
	CHECK(msg->ready.plugin[0].signatures == 8700000);
	CHECK(strcmp(msg->ready.plugin[1].name, "yara") == 0);
}

static void test_failed_round_trip(void)
{
	struct scanner_failed f = { .type = SCANNER_FAILED };
	int fd = 7;

	new_pair();
	snprintf(f.message, sizeof(f.message), "yara: cannot compile rules.yar: line 3");
	CHECK(scanner_send(sv[0], &f, sizeof(f), -1, 0) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)sizeof(f));
	CHECK(fd == -1 && msg->type == SCANNER_FAILED);
	CHECK(strcmp(msg->failed.message, "yara: cannot compile rules.yar: line 3") == 0);
}

/* A scan carries the event's descriptor: the receiver gets its own, on the same file. */
static void test_scan_round_trip_with_fd(void)
{
	struct scanner_scan s = { .type = SCANNER_SCAN,
				  .tag = 0x123456789abcull,
				  .kind = 2,
				  .pid = 4242,
				  .sent_ns = 987654321 };
	int file = temp_file(), fd = -1;
	ssize_t n;

	new_pair();
	CHECK(write(file, "abc", 3) == 3);
	CHECK(fstat(file, &s.st) == 0);
	snprintf(s.path, sizeof(s.path), "/srv/data/report.pdf");
	memset(msg, 'X', sizeof(*msg)); /* what an earlier, longer message left */
	CHECK(scanner_send(sv[0], &s, scanner_scan_len(&s), file, 0) == 0);
	n = scanner_recv(sv[1], msg, &fd);
	CHECK(n == (ssize_t)scanner_scan_len(&s));
	CHECK(same_file(fd, file));
	CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC)); /* no leak into spawned scanners */
	CHECK(msg->type == SCANNER_SCAN && msg->scan.tag == 0x123456789abcull);
	CHECK(msg->scan.kind == 2 && msg->scan.pid == 4242 && msg->scan.sent_ns == 987654321);
	CHECK(msg->scan.st.st_ino == s.st.st_ino && msg->scan.st.st_size == 3);
	CHECK(strcmp(msg->scan.path, "/srv/data/report.pdf") == 0); /* ended, whatever was after */
	/* the descriptor reads the same bytes; the sender still has its own */
	char buf[4] = "";
	CHECK(fd >= 0 && pread(fd, buf, 3, 0) == 3 && memcmp(buf, "abc", 3) == 0);
	CHECK(fcntl(file, F_GETFD) >= 0);
	if (fd >= 0)
		close(fd);
	close(file);
}

/* The path goes only as long as it is, and one that fills the field is still ended. */
static void test_scan_len(void)
{
	static struct scanner_scan s;
	const size_t head = offsetof(struct scanner_scan, path);
	int fd;

	s.type = SCANNER_SCAN;
	CHECK(scanner_scan_len(&s) == head + 1); /* "" and its NUL */
	snprintf(s.path, sizeof(s.path), "/a");
	CHECK(scanner_scan_len(&s) == head + 3);
	memset(s.path, 'p', sizeof(s.path) - 1);
	s.path[sizeof(s.path) - 1] = '\0';
	CHECK(scanner_scan_len(&s) == sizeof(s)); /* PATH_MAX - 1 characters: all of it */
	memset(s.path, 'p', sizeof(s.path));      /* no NUL at all: never more than the field */
	CHECK(scanner_scan_len(&s) == sizeof(s));

	new_pair();
	s.path[0] = '/';
	CHECK(scanner_send(sv[0], &s, scanner_scan_len(&s), -1, 0) == 0);
	memset(msg, 'X', sizeof(*msg));
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)sizeof(s));
	CHECK(fd == -1 && msg->scan.path[0] == '/');
	CHECK(memchr(msg->scan.path, 'X', sizeof(msg->scan.path)) == NULL);
	CHECK(strnlen(msg->scan.path, sizeof(*msg) - head) < sizeof(*msg) - head); /* ended */
}

static void test_verdict_round_trip(void)
{
	static struct scanner_verdict v;
	static const char *const threats[] = { "", "Win.Test.EICAR_HDB-1", "" };
	int fd = 7;

	new_pair();
	v.type = SCANNER_VERDICT;
	v.tag = 77;
	v.queue_ns = 1000;
	v.have_sha256 = 1;
	for (int i = 0; i < 32; i++)
		v.sha256[i] = (uint8_t)(i * 7);
	v.read_ns = 5;
	v.sha256_ns = 6;
	v.n_votes = 3;
	for (int i = 0; i < 3; i++) {
		v.vote[i].verdict = i;
		v.vote[i].plugin_ns = 100 + (uint64_t)i;
		snprintf(v.vote[i].threat, sizeof(v.vote[i].threat), "%s", threats[i]);
	}
	CHECK(scanner_send(sv[0], &v, scanner_verdict_len(3), -1, 0) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)scanner_verdict_len(3));
	CHECK(fd == -1 && msg->type == SCANNER_VERDICT && msg->verdict.tag == 77);
	CHECK(msg->verdict.queue_ns == 1000 && msg->verdict.have_sha256 == 1);
	CHECK(memcmp(msg->verdict.sha256, v.sha256, 32) == 0);
	CHECK(msg->verdict.read_ns == 5 && msg->verdict.sha256_ns == 6 &&
	      msg->verdict.n_votes == 3);
	CHECK(msg->verdict.vote[1].verdict == 1 && msg->verdict.vote[2].plugin_ns == 102);
	CHECK(strcmp(msg->verdict.vote[1].threat, "Win.Test.EICAR_HDB-1") == 0);
}

static void test_verdict_len(void)
{
	const size_t head = offsetof(struct scanner_verdict, vote);

	CHECK(scanner_verdict_len(0) == head);
	CHECK(scanner_verdict_len(1) == head + sizeof(struct scanner_vote));
	CHECK(scanner_verdict_len(3) == head + 3 * sizeof(struct scanner_vote));
	/* every plugin voting: the whole struct, and it fits one message */
	CHECK(scanner_verdict_len(PLUGINS_MAX) == sizeof(struct scanner_verdict));
	CHECK(scanner_verdict_len(PLUGINS_MAX) <= sizeof(union scanner_msg));
}

/* Less than a type, or more than any message: EBADMSG, and the next message still reads. */
static void test_short_and_oversized(void)
{
	static char big[sizeof(union scanner_msg) + 64];
	struct scanner_failed f = { .type = SCANNER_FAILED, .message = "after" };
	int fd = 7, file = temp_file(), before;

	new_pair();
	CHECK(scanner_send(sv[0], "ab", 2, -1, 0) == 0);
	errno = 0;
	CHECK(scanner_recv(sv[1], msg, &fd) == -1 && errno == EBADMSG && fd == -1);

	memset(big, 0, sizeof(big));
	big[0] = SCANNER_FAILED;
	CHECK(scanner_send(sv[0], big, sizeof(union scanner_msg) + 1, -1, 0) == 0);
	errno = 0;
	CHECK(scanner_recv(sv[1], msg, &fd) == -1 && errno == EBADMSG && fd == -1);
	/* exactly the union's size is fine */
	CHECK(scanner_send(sv[0], big, sizeof(union scanner_msg), -1, 0) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)sizeof(union scanner_msg));

	/* a descriptor that came with a refused message is closed, not handed out */
	before = open_fds();
	CHECK(scanner_send(sv[0], "ab", 2, file, 0) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == -1 && errno == EBADMSG && fd == -1);
	CHECK(scanner_send(sv[0], big, sizeof(big), file, 0) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == -1 && errno == EBADMSG && fd == -1);
	CHECK(open_fds() == before);

	/* the boundaries hold: the next message is whole */
	CHECK(scanner_send(sv[0], &f, sizeof(f), -1, 0) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)sizeof(f));
	CHECK(msg->type == SCANNER_FAILED && strcmp(msg->failed.message, "after") == 0);
	close(file);
}

/*
 * Our messages carry at most one descriptor. More (which a compromised scanner
 * could send the daemon) is EBADMSG and all of them are closed; a zero-length
 * message reads as the end of stream, and a descriptor with it is closed too.
 * Else each such message would leave descriptors open in the receiver.
 */
static void test_extra_descriptors_are_closed(void)
{
	struct scanner_failed f = { .type = SCANNER_FAILED };
	int a = temp_file(), b = temp_file(), fd = 7, before;
	int two[2] = { a, b }, three[3] = { a, b, a };

	new_pair();
	before = open_fds();
	CHECK(send_fds(&f, sizeof(f), two, 2) == 0);
	errno = 0;
	CHECK(scanner_recv(sv[1], msg, &fd) == -1 && errno == EBADMSG && fd == -1);
	CHECK(open_fds() == before);
	CHECK(send_fds(&f, sizeof(f), three, 3) == 0);
	errno = 0;
	CHECK(scanner_recv(sv[1], msg, &fd) == -1 && errno == EBADMSG && fd == -1);
	CHECK(open_fds() == before);
	CHECK(send_fds(&f, 0, &a, 1) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == 0 && fd == -1);
	CHECK(open_fds() == before);
	/* one is what a scan has: kept */
	CHECK(send_fds(&f, sizeof(f), &b, 1) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)sizeof(f) && same_file(fd, b));
	if (fd >= 0)
		close(fd);
	CHECK(open_fds() == before);
	close(a);
	close(b);
}

/*
 * scanner_recv does not judge types: a message of a type it does not know comes
 * back whole, with its length, and the caller's dispatch ignores it.
 */
static void test_unknown_type_is_the_callers_to_drop(void)
{
	uint32_t odd[3] = { 99, 1, 2 };
	uint32_t zero = 0;
	int fd = 7;

	new_pair();
	CHECK(scanner_send(sv[0], odd, sizeof(odd), -1, 0) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)sizeof(odd));
	CHECK(msg->type == 99 && fd == -1);
	CHECK(scanner_send(sv[0], &zero, sizeof(zero), -1, 0) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)sizeof(zero) && msg->type == 0);
	/* a scan too short to hold a path: delivered, its length tells */
	CHECK(scanner_send(sv[0], &(uint32_t){ SCANNER_SCAN }, sizeof(uint32_t), -1, 0) == 0);
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)sizeof(uint32_t));
}

static void test_end_of_stream(void)
{
	struct scanner_failed f = { .type = SCANNER_FAILED, .message = "last words" };
	int fd = 7;

	new_pair();
	CHECK(scanner_send(sv[0], &f, sizeof(f), -1, 0) == 0);
	close(sv[0]);
	sv[0] = -1;
	/* what was sent before the close is still read, then the end */
	CHECK(scanner_recv(sv[1], msg, &fd) == (ssize_t)sizeof(f));
	CHECK(strcmp(msg->failed.message, "last words") == 0);
	fd = 7;
	CHECK(scanner_recv(sv[1], msg, &fd) == 0 && fd == -1);
	CHECK(scanner_recv(sv[1], msg, &fd) == 0);

	/* sending to a peer that is gone: EPIPE, which the callers look for */
	new_pair();
	close(sv[1]);
	sv[1] = -1;
	errno = 0;
	CHECK(scanner_send(sv[0], &f, sizeof(f), -1, 0) == -1 && errno == EPIPE);
}

/* The callers run non-blocking: nothing to read is EAGAIN; a full socket with MSG_DONTWAIT too. */
static void test_nonblocking(void)
{
	struct scanner_failed f = { .type = SCANNER_FAILED };
	int fd = 7, sent = 0, rc;

	new_pair();
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	errno = 0;
	CHECK(scanner_recv(sv[1], msg, &fd) == -1 && errno == EAGAIN && fd == -1);
	while ((rc = scanner_send(sv[0], &f, sizeof(f), -1, MSG_DONTWAIT)) == 0 && sent < 100000)
		sent++;
	CHECK(rc == -1 && errno == EAGAIN && sent > 0);
	/* a descriptor that is not open is the sender's error */
	errno = 0;
	new_pair();
	CHECK(scanner_send(sv[0], &f, sizeof(f), 1000000, 0) == -1 && errno == EBADF);
}

int main(void)
{
	msg = malloc(sizeof(*msg));
	if (!msg)
		return 1;
	test_ready_round_trip();
	test_failed_round_trip();
	test_scan_round_trip_with_fd();
	test_scan_len();
	test_verdict_round_trip();
	test_verdict_len();
	test_short_and_oversized();
	test_extra_descriptors_are_closed();
	test_unknown_type_is_the_callers_to_drop();
	test_end_of_stream();
	test_nonblocking();
	close(sv[0]);
	close(sv[1]);
	free(msg);
	return check_summary();
}
