# ATTACK (unprivileged): a clean close_write verdict is kept (cached + kernel ignore mark) when
# its background scan ends, if the file's state (size, mtime, ctime) is unchanged and a read
# lease shows no writer *at that moment*. A write through a shared mapping whose page was
# already write-faulted before the close_write changes no mtime/ctime and raises no event.
# The attacker: holds fd B (O_RDWR) with page 0 mapped and already write-faulted; writes a
# large clean file through fd A and closes A (close_write #1: background scan of clean bytes);
# while that scan runs, writes EICAR at offset 0 through B's mapping, unmaps, closes B
# (close_write #2: its forget_written runs now, before #1's verdict). Then #1's clean verdict
# is kept: state unchanged, no writer left, ignore mark placed. #2's scan finds EICAR and
# caches a deny, but nothing removes the kernel ignore mark: every later open (anyone's) raises
# no event and reads EICAR.
# Expected: after the attack, an open of the file by another user is denied.
. "$(dirname "$0")/lib.sh"
command -v cc >/dev/null || { echo "SKIP: no cc"; exit 0; }
fg_setup
mount -o remount,size=400m "$MNT"
chmod 0711 "$WORK"
mkdir -m 1777 "$MNT/drop"
cat >"$WORK/mm.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
static void show(const char *w, int fd) {
	struct stat s; fstat(fd, &s);
	printf("%s: mtime %ld.%09ld ctime %ld.%09ld\n", w, (long)s.st_mtim.tv_sec, s.st_mtim.tv_nsec,
	       (long)s.st_ctim.tv_sec, s.st_ctim.tv_nsec);
}
int main(int argc, char **argv) {
	const char *path = argv[1], *eicar = argv[2];
	size_t size = strtoull(argv[3], 0, 10);
	useconds_t delay = atoi(argv[4]);
	int a = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (a < 0) { perror("open A"); return 1; }
	int b = open(path, O_RDWR);
	if (b < 0) { perror("open B"); return 1; }
	if (ftruncate(b, size)) { perror("ftruncate"); return 1; }
	volatile char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
	if (m == MAP_FAILED) { perror("mmap"); return 1; }
	m[0] = m[0]; /* write fault now: later writes to this page touch no timestamp */
	char *buf = malloc(1 << 20);
	for (size_t i = 0; i < (1 << 20); i++) buf[i] = "clean text "[i % 11];
	for (size_t off = 0; off < size; off += 1 << 20)
		if (pwrite(a, buf, (size - off) < (1 << 20) ? size - off : (1 << 20), off) < 0) { perror("pwrite"); return 1; }
	show("before close A", b);
	close(a);                         /* close_write #1: clean content */
	usleep(delay);                    /* the scanner is past offset 0 */
	memcpy((char *)m, eicar, strlen(eicar));
	show("after mapped write", b);
	munmap((void *)m, 4096);
	close(b);                         /* close_write #2 */
	return 0;
}
C
cc -O2 -o "$WORK/mm" "$WORK/mm.c" || fail "cc"
chmod 0755 "$WORK/mm"
fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"

# sanity: EICAR alone is denied
as_attacker bash -c 'printf "%s" "$1" >"$2"' _ "$EICAR" "$MNT/drop/plain.com"
sleep 1
got=$(as_victim "$FG_PROBE" open "$MNT/drop/plain.com" || true)
[ "$got" = EPERM ] || fail "plain EICAR: '$got'"

holes=0
for round in 1 2 3; do
	f="$MNT/drop/big$round.bin"
	as_attacker "$WORK/mm" "$f" "$EICAR" $((96 * 1024 * 1024)) 30000 || fail "helper failed"
	sleep 4 # both close_write scans are over
	got=$(as_victim "$FG_PROBE" open "$f" || true)
	echo "round $round: victim open -> $got"
	if [ "$got" = ok ] && as_victim head -c 68 "$f" | grep -q "EICAR-STANDARD"; then
		holes=$((holes + 1))
	fi
done
grep -E 'DENY|close_write|Fanguard.Test' "$DAEMON_LOG" | tail -n 12
[ "$holes" -eq 0 ] || fail "EICAR written through a pre-faulted shared mapping during a close_write scan is readable by others ($holes/3 rounds): the clean verdict's ignore mark outlived close_write #2"
fg_stop
pass
