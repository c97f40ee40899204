# ATTACK (unprivileged): nobody opens a file the verdict cache knows to deny 20,000 times in a
# loop. Each open was one DENY line in the daemon log and one record in the event log (100,000
# opens: 30 MB of log and 37 MB of events in 7 s): a user could fill the disk and drown every
# other line. Expected: the first deny of a (file, process) is logged at once, its repeats
# within 10 s are counted and summed up in one line and one record ("... and 19999 more in
# 10 s"); the counters count every open; another file's, or another process's, first deny is
# still logged at once. The flooded file's name carries a terminal escape: the summing-up line
# is escaped like every other (e2e_log_forgery).
. "$(dirname "$0")/lib.sh"
fg_setup
fg_victim_setup
N=20000
flood=$'flood\e[2J\r fake'
printf '%s' "$EICAR" >"$MNT/drop/$flood"
printf '%s' "$EICAR" >"$MNT/drop/second.com"
chmod 0644 "$MNT/drop/$flood" "$MNT/drop/second.com"
EVENTS='"open", "exec"' fg_write_config "$WORK/fanguard.conf" clamav hash
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.jsonl\" }|" \
	"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
# root's opens scan both files: their deny is remembered
expect_open EPERM "$MNT/drop/$flood"
expect_open EPERM "$MNT/drop/second.com"
fg_counts
cached_before=$(grep '\]: events [0-9]*:' "$DAEMON_LOG" | tail -n 1 | sed -E 's/.* allowed, ([0-9]+) denied\),.*/\1/')

for _ in $(seq 1 "$N"); do printf '%s\n' "$MNT/drop/$flood"; done >"$WORK/list"
got=$(as_attacker "$FG_PROBE" openlist "$WORK/list")
case $got in "ok 0 eperm $N other 0 "*) ;; *) fail "attacker's $N opens: '$got'" ;; esac
# within the window: a new process's first deny of the same file, and the first deny of another
# file, are logged at once
before=$(fg_count_log "remembered from an earlier scan")
expect_open_as_attacker() { [ "$(as_attacker "$FG_PROBE" open "$1" || true)" = EPERM ] || fail "open $1 not denied"; }
expect_open_as_attacker "$MNT/drop/second.com"
expect_log "DENY open of $MNT/drop/second.com by pid [0-9]+ \(uid 65534, .*\(verdict remembered from an earlier scan\)"
expect_open_as_attacker "$MNT/drop/$flood"
for _ in $(seq 1 100); do
	[ "$(fg_count_log "remembered from an earlier scan")" -ge $((before + 2)) ] && break
	sleep 0.05
done
[ "$(fg_count_log "remembered from an earlier scan")" -ge $((before + 2)) ] ||
	fail "a new process's first deny of the flooded file was not logged at once"

# the counters are exact: every open counted
fg_counts
cached_after=$(grep '\]: events [0-9]*:' "$DAEMON_LOG" | tail -n 1 | sed -E 's/.* allowed, ([0-9]+) denied\),.*/\1/')
[ $((cached_after - cached_before)) -eq $((N + 2)) ] ||
	fail "cache denies counted: $((cached_after - cached_before)), expected $((N + 2))"

# the window ends (10 s after the first deny): the repeats are summed up in one line
for _ in $(seq 1 600); do
	grep -q 'and [0-9]* more in 10 s' "$DAEMON_LOG" && break
	sleep 0.05
done
sums=$(grep -E "DENY open of $MNT/drop/flood.* and [0-9]+ more in 10 s" "$DAEMON_LOG" |
	sed -E 's/.* and ([0-9]+) more in 10 s.*/\1/' | awk '{ n += $1 } END { print n + 0 }' || true)
firsts=$(grep -Ec "DENY open of $MNT/drop/flood.*\(verdict remembered from an earlier scan\)" "$DAEMON_LOG" || true)
[ $((sums + firsts)) -eq $((N + 1)) ] ||
	fail "logged $firsts first denies and summed up $sums repeats of the flooded file, expected $((N + 1)) in all"
lines=$(grep -c "of $MNT/drop/flood" "$DAEMON_LOG" || true)
[ "$lines" -lt 50 ] || fail "$lines log lines about the flooded file"
records=$(grep -c '"path":"'"$MNT"'/drop/flood' "$WORK/events.jsonl" || true)
[ "$records" -lt 50 ] || fail "$records event records about the flooded file"
grep -q '"repeats":'"$sums"',"repeats_window_s":10' "$WORK/events.jsonl" ||
	[ "$firsts" -gt 2 ] || fail "no event record sums up the $sums repeats"
if grep -q $'\e' "$DAEMON_LOG"; then fail "an escape byte reached the log"; fi
expect_log 'DENY open of .*/drop/flood\\x1b\[2J\\x0d fake by pid .* and [0-9]+ more in 10 s'
fg_stop
pass
