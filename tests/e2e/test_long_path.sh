# A path longer than PATH_MAX (22 nested folders of 200 characters, made by an ordinary user)
# cannot be read back from the event's fd. Such a file is still scanned through the fd: EICAR
# there is denied to its owner, a clean file there reads back, the log and the counters say so.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK" # the attacker must reach the mount
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" clamav hash
fg_start "$WORK/fanguard.conf"

mkdir -m 1777 "$MNT/drop"
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
# as the attacker: 22 levels of 200-character names (4,400+ bytes), EICAR and a clean file at the bottom
attacker bash "$FG_DEEP" make "$MNT/drop" \
	sh -c 'printf "%s" "$1" >eicar.com 2>/dev/null; printf "clean bytes\n" >clean.txt' _ "$EICAR" ||
	fail "the attacker could not build the tree"
in_deep() { attacker bash "$FG_DEEP" enter "$MNT/drop" "$@"; }
len=$((${#MNT} + 6 + 22 * 201))
[ "$len" -gt 4096 ] || fail "the tree is only $len bytes deep"
if stat "$MNT/drop/$(printf 'd%.0s' $(seq 200))" >/dev/null 2>&1 &&
	cat "$MNT/drop/$(for _ in $(seq 22); do printf 'd%.0s' $(seq 200); printf /; done)eicar.com" 2>/dev/null; then
	fail "the whole path was accepted: the test would not reach PATH_MAX"
fi

got=$(in_deep "$FG_PROBE" open eicar.com || true)
[ "$got" = EPERM ] || fail "EICAR past PATH_MAX: expected EPERM, got '$got'"
got=$(in_deep "$FG_PROBE" open clean.txt || true)
[ "$got" = ok ] || fail "clean file past PATH_MAX: expected ok, got '$got'"
content=$(in_deep cat clean.txt)
[ "$content" = "clean bytes" ] || fail "clean file read back as '$content'"

expect_log 'DENY open of \(name too long to read: device [0-9]+:[0-9]+, inode [0-9]+\) by pid [0-9]+ \(uid 65534'
fg_counts
line=$(grep -E '\]: events: .* without a readable name' "$DAEMON_LOG" | tail -n 1)
n=$(sed -E 's/.* ([0-9]+) without a readable name.*/\1/' <<<"$line")
[ "${n:-0}" -ge 2 ] || fail "unnamed events counted: '${n:-}' in: $line"
fg_stop
pass
