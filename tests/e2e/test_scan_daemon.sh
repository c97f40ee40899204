# `fanguard scan --daemon`: the running daemon scans with its own scanners; the client opens
# files O_PATH, so scanning a detected file under a watched path is not denied to the client
# itself; results, exit codes and JSON match a local scan; without a daemon it fails clearly.
. "$(dirname "$0")/lib.sh"
fg_setup
mkdir -p "$MNT/tree/sub" "$WORK/outside"
MAX_SIZE=10485760 fg_write_config "$WORK/fanguard.conf" clamav yara # watch.max_file_size: an overall cap
echo "quarantine { dir = \"$MNT/quarantine\" }" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
for i in $(seq 1 40); do printf 'clean %s\n' "$i" >"$MNT/tree/sub/clean$i.txt"; done
printf '%s' "$EICAR" >"$MNT/tree/eicar.com"
printf 'x FANGUARD-YARA-TEST-MARKER-%s x' 91c2 >"$WORK/outside/yara.txt"
printf 'nothing\n' >"$WORK/outside/fine.txt"
expect_open EPERM "$MNT/tree/eicar.com"

scan() { # expected exit status, then arguments
	local want=$1 rc=0
	shift
	timeout 60 "$FANGUARD" scan -c "$WORK/fanguard.conf" "$@" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "scan $*: exit $rc, expected $want: $(cat "$WORK/out")"
}
scan 1 --daemon "$MNT/tree" "$WORK/outside"
grep -q "^$MNT/tree/eicar.com: clamav:Fanguard.Test.EICAR.UNOFFICIAL FOUND\$" "$WORK/out" ||
	fail "no clamav detection: $(cat "$WORK/out")"
grep -q "^$MNT/tree/eicar.com: yara:Fanguard_Test_EICAR FOUND\$" "$WORK/out" || fail "no yara detection"
grep -q "^$WORK/outside/yara.txt: yara:Fanguard_Test_YaraMarker FOUND\$" "$WORK/out" ||
	fail "file outside the watched paths not scanned"
grep -q "^$MNT/tree/sub/clean17.txt: OK\$" "$WORK/out" || fail "clean file not OK"
grep -q "^Scanned files: 43\$" "$WORK/out" || fail "wrong file count"
grep -q "^Infected files: 2\$" "$WORK/out" || fail "wrong infected count"
grep -q "^Plugins: those of fanguardd at $WORK/control.sock\$" "$WORK/out" || fail "summary plugins"
# the daemon did the work: its log names the on-demand scan and the client
expect_log "FOUND by an on-demand scan for pid [0-9]+ \(uid 0, exe [^)]*/fanguard\): $WORK/outside/yara.txt: yara: Fanguard_Test_YaraMarker"

# the same answers as a local scan of the same files
sort "$WORK/out" | grep -E ': (OK|.*FOUND)$' >"$WORK/by-daemon"
timeout 60 "$FANGUARD" scan -c "$WORK/fanguard.conf" "$WORK/outside" >"$WORK/local" 2>&1 || true
grep -E ': (OK|.*FOUND)$' "$WORK/local" | sort >"$WORK/local-sorted"
grep "$WORK/outside" "$WORK/by-daemon" | diff - "$WORK/local-sorted" >&2 || fail "daemon and local scans differ"

scan 0 --daemon -j 3 "$MNT/tree/sub"
grep -q "^Scanned files: 40\$" "$WORK/out" || fail "-j 3: $(cat "$WORK/out")"
scan 1 --daemon --json "$MNT/tree/eicar.com"
grep -q "^{\"path\":\"$MNT/tree/eicar.com\",\"result\":\"found\"" "$WORK/out" || fail "json: $(cat "$WORK/out")"
scan 2 --daemon "$WORK/missing"
grep -q "$WORK/missing: No such file or directory ERROR" "$WORK/out" || fail "missing file"

# larger than watch.max_file_size: skipped by the daemon's rule
head -c 11000000 /dev/zero >"$WORK/outside/big.bin"
scan 0 --daemon "$WORK/outside/big.bin"
grep -q "big.bin: skipped, larger than watch.max_file_size" "$WORK/out" || fail "big file: $(cat "$WORK/out")"

# --daemon --move: the daemon finds, the CLI moves (a rename into a quarantine on the same
# filesystem; the CLI never opens the file, so the daemon's on-access denial is no obstacle)
printf 'more %s' "$EICAR" >"$MNT/tree/sub/eicar2.com"
scan 1 --daemon --move "$MNT/tree/sub"
grep -q "^$MNT/tree/sub/eicar2.com: moved to quarantine as " "$WORK/out" || fail "not moved: $(cat "$WORK/out")"
[ ! -e "$MNT/tree/sub/eicar2.com" ] || fail "the detected file is still in place"
timeout 20 "$FANGUARD" quarantine -c "$WORK/fanguard.conf" list >"$WORK/list" || fail "quarantine list"
grep -q "$MNT/tree/sub/eicar2.com" "$WORK/list" || fail "list: $(cat "$WORK/list")"
expect_log "on-demand scan: $MNT/tree/sub/eicar2.com moved to quarantine as [0-9TZa-f-]+ \(clamav: "

# the daemon's protection went on meanwhile
expect_open EPERM "$MNT/tree/eicar.com"
expect_open ok "$MNT/tree/sub/clean3.txt"
fg_stop
scan 2 --daemon "$MNT/tree"
grep -q "cannot reach fanguardd at $WORK/control.sock" "$WORK/out" || fail "no daemon: $(cat "$WORK/out")"
pass
