# A scanner taken over by a malicious file (the faulty plugin's "escape" mode acts as such a
# plugin would) cannot read a file every user may read, cannot create a file in a folder every
# user may write, and cannot signal another process running as the scanners' own user: after
# start-up Landlock leaves it only its private temporary folder, and its seccomp filter allows
# tgkill only into its own process. The engines still scan (EICAR denied, archives unpacked in
# that folder).
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
printf 'secret\n' >"$WORK/readable.txt"
chmod 0644 "$WORK/readable.txt"
mkdir -m 0777 "$WORK/drop"
scan_uid=$(id -u fanguard-scan) || fail "no fanguard-scan user (scripts/install-deps.sh creates it)"
# a process of the scanners' user that is not a scanner
setpriv --reuid="$scan_uid" --regid="$scan_uid" --clear-groups -- sleep 60 &
other=$!
fg_write_config "$WORK/fanguard.conf" clamav
printf 'plugin faulty { path = "%s/faulty.so" scanner = "faulty" fault = "escape" escape_read = "%s" escape_dir = "%s" escape_pid = %d }\n' \
	"$FANGUARD_TEST_PLUGIN_DIR" "$WORK/readable.txt" "$WORK/drop" "$other" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
# each scanner's own folder: made by the daemon for it, the scanners' user's, 0700
scanner=$(pgrep -P "$FANGUARDD_PID" -x fanguardd | head -1)
tmpdir=$(tr '\0' '\n' <"/proc/$scanner/cmdline" | sed -n '/^--tmpdir$/{n;p}')
case $tmpdir in /dev/shm/fanguard-scan.*) ;; *) fail "scanner $scanner was given folder '$tmpdir'" ;; esac
[ "$(stat -c '%u %a' "$tmpdir")" = "$scan_uid 700" ] || fail "$tmpdir is $(stat -c '%U %a' "$tmpdir")"
# the same user outside the sandbox can do all three: the refusals below are the sandbox's
setpriv --reuid="$scan_uid" --regid="$scan_uid" --clear-groups -- cat "$WORK/readable.txt" >/dev/null ||
	fail "the scanners' user cannot read the file at all: the test proves nothing"

fg_put "$MNT/probe.txt" "anything"
cat "$MNT/probe.txt" >/dev/null 2>&1 || true
expect_log "faulty: escape: read [^;]+; write [^;]+; signal [^ ;]+"
line=$(grep -E "faulty: escape: read" "$DAEMON_LOG" | tail -n 1)
case $line in *"read ok"*) fail "a scanner read $WORK/readable.txt: $line" ;; esac
case $line in *"write ok"*) fail "a scanner created a file in $WORK/drop: $line" ;; esac
case $line in *"signal ok"*) fail "a scanner signalled pid $other of its own user: $line" ;; esac
[ ! -e "$WORK/drop/planted-by-scanner" ] || fail "a file was planted in $WORK/drop"
grep -q "read Permission denied" <<<"$line" || fail "the read was not refused by Landlock: $line"
kill -0 "$other" || fail "the other process of the scanners' user is gone"

# the engines still work inside it: EICAR, and a zip that libclamav unpacks in its folder
fg_put "$MNT/eicar.com" "$EICAR"
expect_open EPERM "$MNT/eicar.com"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED).writestr("inner/eicar.com", sys.argv[2])' \
	"$WORK/eicar.zip" "$EICAR"
cp "$WORK/eicar.zip" "$MNT/eicar.zip"
expect_open EPERM "$MNT/eicar.zip"
expect_log "DENY open of $MNT/eicar.zip .*clamav: "
expect_no_log "Landlock is not available"
kill "$other"
fg_stop
# and it is removed once its scanner has ended: nothing piles up in /dev/shm
[ ! -e "$tmpdir" ] || fail "$tmpdir left behind: $(ls -la "$tmpdir")"
pass
