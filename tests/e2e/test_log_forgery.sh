# An ordinary user names a detected file so that its name, logged as is, would
# write whole lines of the daemon's own: a fake "reload: done" and a fake DENY
# by pid 1 (a file name holds no '/'), and a terminal escape. The daemon log must show one escaped line.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK" # the attacker must reach the mount
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
fg_write_config "$WORK/fanguard.conf" clamav hash
fg_start "$WORK/fanguard.conf"

mkdir -m 1777 "$MNT/drop"
forged=$'x\n2026-12-02T00:00:00.000 fanguardd[notice]: reload: done\n2026-12-02T00:00:00.001 fanguardd[warning]: DENY open of shadow by pid 1 (uid 0, exe init): forged\e[2J'
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
# as the attacker: write the file (close_write scan) and open it (denied)
attacker bash -c 'printf "%s" "$1" >"$2"' _ "$EICAR" "$MNT/drop/$forged" ||
	fail "nobody could not create the file"
got=$(attacker "$FG_PROBE" open "$MNT/drop/$forged" || true)
[ "$got" = EPERM ] || fail "open of the forged name: expected EPERM, got '$got'"

expect_log 'DENY open of .*/drop/x\\x0a2026-12-02T00:00:00.000 fanguardd\[notice\]: reload: done\\x0a'
expect_log 'exe init\): forged\\x1b\[2J'
expect_no_log '^2026-12-02T00:00:00.000 fanguardd\[notice\]: reload: done'
expect_no_log '^2026-12-02T00:00:00.001 fanguardd\[warning\]: DENY open of shadow'
if grep -q $'\e' "$DAEMON_LOG"; then fail "an escape byte reached the log"; fi
# every line the daemon wrote starts with its own time stamp and name
bad=$(grep -Evc '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+ fanguardd(/[a-z]+)?\[[a-z]+\]: ' "$DAEMON_LOG" || true)
[ "$bad" -eq 0 ] || fail "$bad log line(s) not written by the daemon: $(grep -Ev '^[0-9]{4}-' "$DAEMON_LOG" | head -3)"
fg_stop
pass
