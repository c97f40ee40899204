# Excluded paths are never scanned; a sibling with a similar name still is. Entries with glob
# characters match whole paths: '*' stays inside one component, '**' spans any depth, and a
# pattern naming a folder excludes what is below it.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"
mkdir -p "$MNT/cache" "$MNT/cache2" "$MNT/a/b/logs" "$MNT/a/logsx" "$MNT/dl/sub"

# a bad pattern stops start-up with file:line
EXCLUDE="\"$MNT/dl/[abc\"" fg_write_config "$WORK/bad-glob.conf" clamav
rc=0
timeout -s KILL 60 "$FANGUARDD" -c "$WORK/bad-glob.conf" >"$WORK/refused.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "bad pattern: expected exit 1, got $rc: $(cat "$WORK/refused.log")"
grep -q "bad-glob.conf:3: option 'exclude': bad pattern .*without a closing ']'" "$WORK/refused.log" ||
	fail "bad pattern: $(cat "$WORK/refused.log")"

EXCLUDE="\"$MNT/cache\", \"$MNT/**/logs\", \"$MNT/dl/*.iso\"" \
	fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"

fg_put "$MNT/cache/eicar.txt" "$EICAR"
fg_put "$MNT/cache2/eicar.txt" "$EICAR"
expect_open ok "$MNT/cache/eicar.txt"
expect_open EPERM "$MNT/cache2/eicar.txt"
expect_no_log "$MNT/cache/eicar.txt"

fg_put "$MNT/a/b/logs/eicar.txt" "$EICAR"   # below a folder matched by '**'
fg_put "$MNT/a/logsx/eicar.txt" "$EICAR"
fg_put "$MNT/dl/eicar.iso" "$EICAR"
fg_put "$MNT/dl/sub/eicar.iso" "$EICAR"     # '*' does not cross '/'
fg_put "$MNT/dl/eicar.iso.txt" "$EICAR"
expect_open ok "$MNT/a/b/logs/eicar.txt"
expect_open ok "$MNT/dl/eicar.iso"
expect_open EPERM "$MNT/a/logsx/eicar.txt"
expect_open EPERM "$MNT/dl/sub/eicar.iso"
expect_open EPERM "$MNT/dl/eicar.iso.txt"
expect_no_log "$MNT/a/b/logs/eicar.txt"
expect_no_log "$MNT/dl/eicar.iso([^.]|$)"

kill -USR1 "$FANGUARDD_PID"
fg_wait_log 'exclusions: [1-9][0-9]* by path, 0 by executable, 0 by user'
fg_stop
pass
