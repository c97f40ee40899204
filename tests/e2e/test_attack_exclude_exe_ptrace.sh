# Issue 16, item 1: ptrace into an excluded program. With exclude_exe = /usr/bin/tar, a user
# starts his own tar under ptrace, makes it call openat on a detected file (an injected
# syscall, fg_inject) and takes the descriptor with pidfd_getfd. Any process of the user's
# uid could do the same to a tar he did not start, so an excluded program keeps its exclusion
# only when it runs as root and nobody traces it: the injection is denied (as the user, and
# as root tracing root's own tar), a user's plain tar is scanned too, and root's untraced tar
# still reads the file unscanned (the feature still works).
. "$(dirname "$0")/lib.sh"
: "${FG_INJECT:?set by CTest}"
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: fg_inject is x86-64 only"; exit 0; }
fg_setup
chmod 0711 "$WORK"
fg_write_config "$WORK/fanguard.conf" clamav
sed -i '/^  exclude = /a\  exclude_exe = {"/usr/bin/tar"}' "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
fg_put "$MNT/eicar.com" "$EICAR"
chmod 0644 "$MNT/eicar.com"

inject() { "$@" "$FG_INJECT" /usr/bin/tar "$MNT/eicar.com" 2>"$WORK/inject.err" || true; }

# 1. the user's own tar, traced by him: the injected openat is denied
got=$(inject as_attacker)
[ "$got" = EPERM ] || fail "the user's injected openat in his traced tar: '$got' (expected EPERM)"
expect_log "/usr/bin/tar \(pid [0-9]+\) is not excluded: it runs as uid 65534"
expect_log "DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 65534, exe /usr/bin/tar\)"

# 2. root's tar, traced: not excluded either (the tracer decides what it does)
sleep 1.1 # the "is not excluded" line is rate-limited to one a second
got=$(inject)
[ "$got" = EPERM ] || fail "the injected openat in root's traced tar: '$got' (expected EPERM)"
expect_log "/usr/bin/tar \(pid [0-9]+\) is not excluded: it is traced by pid [0-9]+"

# 3. the same injection into a program that is not excluded: denied, as it always was
got=$("$FG_INJECT" /bin/cat "$MNT/eicar.com" 2>/dev/null || true)
[ "$got" = EPERM ] || fail "the injected openat in cat: '$got' (expected EPERM)"

# 4. the user's tar without any tracing: he could attach to it at any moment, so it is scanned
# (into a pipe: GNU tar reads nothing when its archive is /dev/null)
if as_attacker tar -cf - -C "$MNT" eicar.com 2>"$WORK/user-tar.err" | cat >/dev/null; then
	fail "the user's own tar read EICAR"
fi
grep -q 'Operation not permitted' "$WORK/user-tar.err" || fail "user's tar: $(cat "$WORK/user-tar.err")"

# 5. root's untraced tar keeps its exclusion
root_denies=$(fg_count_log "DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 0, exe /usr/bin/tar\)")
tar -cf "$WORK/root.tar" -C "$MNT" eicar.com || fail "root's excluded tar could not read EICAR"
[ "$(tar -xOf "$WORK/root.tar" eicar.com)" = "$EICAR" ] || fail "root's tar archived something else"
[ "$(fg_count_log "DENY open of $MNT/eicar.com by pid [0-9]+ \(uid 0, exe /usr/bin/tar\)")" = "$root_denies" ] ||
	fail "root's untraced tar was denied"
kill -USR1 "$FANGUARDD_PID"
fg_wait_log 'exclusions: 0 by path, [1-9][0-9]* by executable, 0 by user; [0-9]+ events of fanguard.s own processes; [3-9][0-9]* of excluded programs not trusted \(scanned\)'
fg_stop
pass
