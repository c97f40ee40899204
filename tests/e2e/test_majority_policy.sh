# any-deny and majority differ: one detection of three denies only under any-deny.
. "$(dirname "$0")/lib.sh"
fg_setup
head -c 2048 /dev/urandom >"$WORK/two.bin"
printf 'FANGUARD-YARA-TEST-MARKER-91c2' >>"$WORK/two.bin"
sha256sum "$WORK/two.bin" >"$WORK/blocklist.sha256"

run_policy() {
	# no close_write scans: the open must be what is scanned (a close_write verdict would be kept)
	POLICY=$1 EVENTS='"open", "exec"' fg_write_config "$WORK/$1.conf" clamav yara hash
	fg_start "$WORK/$1.conf"
	fg_put "$MNT/one-$1.txt" "FANGUARD-YARA-TEST-MARKER-91c2"   # yara only: 1 of 3
	cp "$WORK/two.bin" "$MNT/two-$1.bin"                        # yara + hash: 2 of 3
	expect_open "$2" "$MNT/one-$1.txt"
	expect_open EPERM "$MNT/two-$1.bin"
	fg_stop
}
run_policy any-deny EPERM
expect_log "DENY open of $MNT/one-any-deny.txt"
run_policy majority ok
expect_log "ALLOW open of $MNT/one-majority.txt .*despite yara: Fanguard_Test_YaraMarker: the majority policy"
expect_log "DENY open of $MNT/two-majority.bin .*yara: Fanguard_Test_YaraMarker; hash: Hash.Blocklist"
pass
