# Issue 16, regression tests (these held when the issue was filed): ways for an ordinary user
# (nobody) to read or run a detected file other than open(2) or execve(2) of its path. Each is
# denied, and a clean file the same way works (so the way itself is exercised):
#   1. io_uring: IORING_OP_OPENAT and OPENAT2, plain, with IOSQE_ASYNC (opened on an io-wq
#      worker thread), and into a fixed (direct) descriptor slot, then IORING_OP_READ
#   2. execveat(AT_EMPTY_PATH) of a script by an O_PATH descriptor
#   3. ld.so --preload of a library, and ld.so running a program it maps (no exec of it)
#   4. python3 -c 'exec(open(FILE).read())'
#   5. /proc/PID/cwd of a process of his own, also of one in his own user+mount namespace
#   6. /proc/PID/root of a process root chrooted into a watched folder (then run as nobody)
. "$(dirname "$0")/lib.sh"
: "${FG_URING:?set by CTest}"
fg_setup
# the processes started in the background below, stopped however the test ends
BG_PIDS=""
trap 'rc=$?; for p in $BG_PIDS; do kill "$p" 2>/dev/null || true; done; (exit $rc); fg_cleanup' EXIT
chmod 0711 "$WORK"
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
# no close_write scans: each file reaches its first open, by the way under test, unverdicted
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"
mkdir -m 1777 "$MNT/drop"
python=/usr/bin/python3 # the system's: pyenv shims are root's alone
[ -x "$python" ] || fail "no $python"
# a detected and a clean file, readable by all, not opened before
pair() { # $1: name stem; makes $MNT/$1.com (EICAR) and $MNT/$1.txt ("clean $1")
	fg_put "$MNT/$1.com" "$EICAR"
	fg_put "$MNT/$1.txt" "clean $1"
	chmod 0644 "$MNT/$1.com" "$MNT/$1.txt"
}

# waits until process $1's link $2 (cwd, root) is $3
wait_link() {
	for _ in $(seq 1 100); do
		[ "$(readlink "/proc/$1/$2" 2>/dev/null)" = "$3" ] && return 0
		sleep 0.05
	done
	fail "/proc/$1/$2 never became $3"
}

# 1. io_uring
for op in openat openat2 openat-async openat2-async openat-fixed openat2-fixed-async; do
	pair "uring-$op"
	got=$(as_attacker "$FG_URING" "$op" "$MNT/uring-$op.com" 2>/dev/null || true)
	[ "$got" = EPERM ] || fail "io_uring $op of EICAR: '$got' (expected EPERM)"
	got=$(as_attacker "$FG_URING" "$op" "$MNT/uring-$op.txt" || true)
	[ "$got" = "clean uring-$op" ] || fail "io_uring $op of a clean file read '$got'"
	expect_log "DENY open of $MNT/uring-$op.com by pid [0-9]+ \(uid 65534"
done

# 2. execveat of a script by descriptor
cat >"$MNT/evil.sh" <<SH
#!/bin/sh
# $EICAR
touch "$MNT/drop/evil-sh-ran"
SH
cat >"$MNT/good.sh" <<SH
#!/bin/sh
touch "$MNT/drop/good-sh-ran"
SH
chmod 0755 "$MNT/evil.sh" "$MNT/good.sh"
got=$(as_attacker "$FG_PROBE" execveat "$MNT/evil.sh" 2>/dev/null || true)
[ ! -e "$MNT/drop/evil-sh-ran" ] || fail "execveat ran the detected script"
[ "$got" = EPERM ] || fail "execveat of the detected script: '$got' (expected EPERM)"
as_attacker "$FG_PROBE" execveat "$MNT/good.sh" || fail "execveat of a clean script failed"
[ -e "$MNT/drop/good-sh-ran" ] || fail "execveat did not run the clean script"
expect_log "DENY exec of $MNT/evil.sh by pid [0-9]+ \(uid 65534"

# 3. the dynamic loader, run by hand: --preload of a library, and a program it maps itself
command -v gcc >/dev/null || fail "gcc is needed to build the test libraries"
ld_so=$(ldd /bin/true | awk '$1 ~ /^\/.*ld-linux/ { print $1 }')
[ -x "$ld_so" ] || fail "no dynamic loader found in ldd /bin/true"
cat >"$WORK/lib.c" <<'C'
#include <unistd.h>
#ifdef EVIL
const char payload[] = PAYLOAD;
#endif
__attribute__((constructor)) static void hello(void)
{
	static const char msg[] = "INJECTED\n";
	write(2, msg, sizeof(msg) - 1);
}
C
gcc -shared -fPIC -o "$WORK/evil.so" -DEVIL "-DPAYLOAD=\"$(printf '%s' "$EICAR" | sed 's/\\/\\\\/g; s/"/\\"/g')\"" "$WORK/lib.c" ||
	fail "cannot build the evil library"
gcc -shared -fPIC -o "$WORK/clean.so" "$WORK/lib.c" || fail "cannot build the clean library"
grep -qa 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' "$WORK/evil.so" || fail "the payload is not in the library"
as_attacker cp "$WORK/evil.so" "$WORK/clean.so" "$MNT/drop/"
if as_attacker "$ld_so" --preload "$MNT/drop/evil.so" /bin/echo ran >"$WORK/ld.out" 2>"$WORK/ld.err"; then
	: # the loader only warns about a preload it cannot open; what counts is that it did not load
fi
if grep -q INJECTED "$WORK/ld.err"; then fail "ld.so --preload loaded the detected library"; fi
grep -q 'evil.so' "$WORK/ld.err" || fail "ld.so did not report the refused library: $(cat "$WORK/ld.err")"
as_attacker "$ld_so" --preload "$MNT/drop/clean.so" /bin/echo ran >"$WORK/ld.out" 2>"$WORK/ld.err" ||
	fail "ld.so --preload of a clean library failed: $(cat "$WORK/ld.err")"
grep -q INJECTED "$WORK/ld.err" || fail "ld.so --preload did not load the clean library"
expect_log "DENY open of $MNT/drop/evil.so by pid [0-9]+ \(uid 65534"
# the program: /bin/echo with EICAR appended, mapped by the loader (never exec'd itself)
cp /bin/echo "$MNT/evil-echo"
printf '%s' "$EICAR" >>"$MNT/evil-echo"
cp /bin/echo "$MNT/good-echo"
chmod 0755 "$MNT/evil-echo" "$MNT/good-echo"
if as_attacker "$ld_so" "$MNT/evil-echo" ran >"$WORK/ld.out" 2>&1; then
	fail "ld.so ran the detected program: $(cat "$WORK/ld.out")"
fi
[ "$(as_attacker "$ld_so" "$MNT/good-echo" ran)" = ran ] || fail "ld.so did not run a clean program"
expect_log "DENY open of $MNT/evil-echo by pid [0-9]+ \(uid 65534"

# 4. python3 reading a script and exec()ing it
cat >"$MNT/evil.py" <<PY
# $EICAR
open("$MNT/drop/evil-py-ran", "w").close()
PY
cat >"$MNT/good.py" <<PY
print("good.py ran")
PY
chmod 0644 "$MNT/evil.py" "$MNT/good.py"
pyexec() { as_attacker "$python" -c 'import sys; exec(open(sys.argv[1]).read())' "$1"; }
if pyexec "$MNT/evil.py" >"$WORK/py.out" 2>&1; then fail "python3 exec()ed the detected script"; fi
[ ! -e "$MNT/drop/evil-py-ran" ] || fail "the detected python script ran"
grep -q 'PermissionError' "$WORK/py.out" || fail "python3 said: $(cat "$WORK/py.out")"
[ "$(pyexec "$MNT/good.py")" = "good.py ran" ] || fail "python3 did not run a clean script"
expect_log "DENY open of $MNT/evil.py by pid [0-9]+ \(uid 65534"

# 5. /proc/PID/cwd: nobody's own process sitting in a watched folder, in his namespace and in
#    a user+mount namespace of his own (where the folder is on that namespace's copy of the mount)
for where in cwd ns-cwd; do
	mkdir -m 0755 "$MNT/$where"
	fg_put "$MNT/$where/eicar.com" "$EICAR"
	fg_put "$MNT/$where/clean.txt" "clean $where"
	chmod 0644 "$MNT/$where/eicar.com" "$MNT/$where/clean.txt"
done
# setpriv itself, not as_attacker: $! must be the process that ends up as sleep
setpriv --reuid=65534 --regid=65534 --clear-groups -- sh -c 'cd "$1" && exec sleep 120' _ "$MNT/cwd" >/dev/null 2>&1 &
cwd_pid=$!
setpriv --reuid=65534 --regid=65534 --clear-groups -- unshare -Urm sh -c 'cd "$1" && exec sleep 120' _ "$MNT/ns-cwd" >/dev/null 2>&1 &
ns_cwd_pid=$!
BG_PIDS="$cwd_pid $ns_cwd_pid"
for pid_where in "$cwd_pid:cwd" "$ns_cwd_pid:ns-cwd"; do
	pid=${pid_where%%:*} where=${pid_where#*:}
	wait_link "$pid" cwd "$MNT/$where"
	got=$(as_attacker "$FG_PROBE" open "/proc/$pid/cwd/eicar.com" || true)
	[ "$got" = EPERM ] || fail "EICAR through /proc/$pid/cwd ($where): '$got' (expected EPERM)"
	[ "$(as_attacker cat "/proc/$pid/cwd/clean.txt")" = "clean $where" ] ||
		fail "a clean file does not read back through /proc/$pid/cwd ($where)"
done
[ "$(readlink "/proc/$ns_cwd_pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] ||
	fail "the user namespace's process has no mount namespace of its own"
expect_log "DENY open of $MNT/cwd/eicar.com by pid [0-9]+ \(uid 65534"
expect_log "DENY open of .*ns-cwd/eicar.com \(through a mount of another namespace\) by pid [0-9]+ \(uid 65534"
kill "$cwd_pid" "$ns_cwd_pid"
wait "$cwd_pid" "$ns_cwd_pid" 2>/dev/null || true

# 6. /proc/PID/root of a chroot: root chroots a process into a watched folder, which then runs
#    as nobody (dumpable again, as after an exec, so nobody may look into it)
mkdir -m 0755 "$MNT/jail"
fg_put "$MNT/jail/eicar.com" "$EICAR"
fg_put "$MNT/jail/clean.txt" "clean jail"
chmod 0644 "$MNT/jail/eicar.com" "$MNT/jail/clean.txt"
"$python" -c '
import ctypes, os, sys, time
libc = ctypes.CDLL(None)
os.chroot(sys.argv[1])
os.chdir("/")
os.setgroups([])
os.setresgid(65534, 65534, 65534)
os.setresuid(65534, 65534, 65534)
libc.prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE
time.sleep(120)
' "$MNT/jail" >/dev/null 2>&1 &
jail_pid=$!
BG_PIDS=$jail_pid
wait_link "$jail_pid" root "$MNT/jail"
for _ in $(seq 1 100); do
	[ "$(stat -c %u "/proc/$jail_pid")" = 65534 ] && break
	sleep 0.05
done
[ "$(stat -c %u "/proc/$jail_pid")" = 65534 ] || fail "the chrooted process is not nobody's"
got=$(as_attacker "$FG_PROBE" open "/proc/$jail_pid/root/eicar.com" || true)
[ "$got" = EPERM ] || fail "EICAR through /proc/$jail_pid/root: '$got' (expected EPERM)"
[ "$(as_attacker cat "/proc/$jail_pid/root/clean.txt")" = "clean jail" ] ||
	fail "a clean file does not read back through the chroot's /proc/PID/root"
expect_log "DENY open of $MNT/jail/eicar.com by pid [0-9]+ \(uid 65534"
kill "$jail_pid"
wait "$jail_pid" 2>/dev/null || true

fg_stop
pass
