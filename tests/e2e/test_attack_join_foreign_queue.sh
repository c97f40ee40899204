# ATTACK (unprivileged): fairness by uid is undone by single-flight. A user floods their own
# lane of the scan queue with slow scans (the e2e_flood_fairness setup with 2 s a scan, two scan
# threads, a share of 16), and as the last of their share opens a malicious file they dropped in
# a shared folder (EICAR, readable by all). That open's scan waits at the end of the attacker's
# lane. Another user now opens the same file: the open joins the scan already "running" for
# that inode (same state, same name) and so waits in the attacker's lane, behind the whole
# flood, instead of taking a turn of its own; its deadline passes and on_timeout (allow) lets
# the victim read EICAR. Expected: the victim's open is denied (it is scanned in its own turn,
# or joins only a scan that is actually running).
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
FLOOD=15
SLEEP_MS=2000 SLEEP_EXTRA='match = "SLOWSCAN"' TIMEOUT_MS=6000 SCAN_EXTRA='max_inflight = 64' \
	fg_write_config "$WORK/fanguard.conf" clamav sleepy
mkdir -m 1777 "$MNT/shared"
for i in $(seq 1 "$FLOOD"); do printf 'SLOWSCAN %s\n' "$i" >"$MNT/flood-$i"; done
printf '%s' "$EICAR" >"$MNT/shared/invoice.com"
chmod 0644 "$MNT"/flood-* "$MNT/shared/invoice.com"
chown 65534:65534 "$MNT/shared/invoice.com" # dropped by the attacker
fg_start "$WORK/fanguard.conf"
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
victim() { setpriv --reuid=65533 --regid=65533 --clear-groups -- "$@"; }

pids=()
for i in $(seq 1 "$FLOOD"); do
	attacker timeout 60 cat "$MNT/flood-$i" >/dev/null 2>&1 &
	pids+=($!)
done
sleep 0.5
# the attacker's 16th event: its scan queues behind the attacker's 15 slow ones
attacker timeout 60 cat "$MNT/shared/invoice.com" >/dev/null 2>&1 &
pids+=($!)
sleep 0.5
start=$(date +%s%N)
if victim timeout 60 cat "$MNT/shared/invoice.com" >"$WORK/victim.out" 2>"$WORK/victim.err"; then
	took=$((($(date +%s%N) - start) / 1000000))
	fail "the victim read EICAR after ${took} ms (it waited on a scan queued in the attacker's lane): $(head -c 68 "$WORK/victim.out")"
fi
expect_log "DENY open of $MNT/shared/invoice.com by pid [0-9]+ \(uid 65533"
for pid in "${pids[@]}"; do wait "$pid" || true; done
fg_stop
pass
