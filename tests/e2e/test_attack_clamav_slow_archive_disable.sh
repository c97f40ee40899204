# ATTACK (unprivileged): the per-scan budget (1.5 x timeout_ms, e2e_attack_huge_sparse_disable)
# bounds the SHA-256 and YARA, but not libclamav: its own max_scantime (120 s by default) is far
# past the hung-scanner kill (2 x timeout_ms + 1 s). A half-megabyte zip of four 40 MiB HTML
# pages (deflate packs them 350:1; each page is normalized by libclamav, ~6-8 s apiece, well
# under max_htmlnormalize, max_scan_size and max_files) keeps libclamav busy for ~30 s. An
# ordinary user who creates such zips and opens them gets the shared "plugins" scanner killed
# as hung again and again; restart_limit kills within restart_window_s DISABLE it, and from
# then on every plugin votes an error and every file of every user is allowed
# (on_error = allow): another user then reads EICAR. (timeout_ms 2000 and restart_limit 2 keep
# the test short, as in e2e_attack_huge_sparse_disable; with the defaults, 5000 ms and 5 kills
# in 60 s, a kill comes every ~11 s, so the same loop disables the scanner in about a minute.)
# libclamav checks no time limit inside one page's normalization (its own max_scantime did not
# stop it either), so the kill itself cannot be avoided. Expected: a scanner that had started
# and passed its self-test is not disabled by what a file does to it (the kill is not counted
# toward restart_limit), and the victim's EICAR is denied.
. "$(dirname "$0")/lib.sh"
fg_setup
fg_victim_setup
TIMEOUT_MS=2000 WORKERS=2 SCAN_EXTRA="restart_limit = 2" fg_write_config "$WORK/fanguard.conf" clamav yara hash
# the attacker's slow archive, made outside the watched mount (the mount's close_write scan
# of a file being written would also do, it just takes longer to show)
python3 - "$WORK/slow.zip" <<'PY'
import sys, zipfile
page = b'<html><body>' + b'<a href="x">y</a><script>var a=1;</script>' * (40 * 1024 * 1024 // 42)
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for i in range(4):
        z.writestr('p%d.html' % i, page)
PY
chmod 0644 "$WORK/slow.zip"
fg_start "$WORK/fanguard.conf"
for i in 1 2 3; do as_attacker cp "$WORK/slow.zip" "$MNT/drop/slow-$i.zip"; done
hung='\]: scanner plugins \(pid [0-9]+\) hung \(a scan ran past twice timeout_ms\), killed'
# one open per round (an error verdict is not remembered: every open scans again)
for round in 1 2 3; do
	as_attacker timeout 20 "$FG_PROBE" open "$MNT/drop/slow-$round.zip" >/dev/null 2>&1 &
	for _ in $(seq 1 150); do [ "$(fg_count_log "$hung")" -ge "$round" ] && break; sleep 0.1; done
	fg_wait_scanner_back "$round"
done
n=$(fg_count_log "$hung")
fg_victim_denied "$n hung kills from slow zip opens"
[ "$n" -ge 1 ] || fail "no hung kill: the zip no longer shows the lever (rewrite the test)"
expect_log "scanner plugins \(pid [0-9]+\) hung \(a scan ran past twice timeout_ms\), killed while scanning \(a file, not a failure to start: not counted toward restart_limit\)"
expect_log "scanner plugins \(pid [0-9]+\) passed its self-test"
fg_stop
pass
