# A file whose SHA-256 is on the blocklist (made now, from random bytes) is denied.
. "$(dirname "$0")/lib.sh"
fg_setup
head -c 4096 /dev/urandom >"$WORK/sample.bin"
(cd "$WORK" && sha256sum sample.bin >"$WORK/blocklist.sha256")
head -c 4096 /dev/urandom >"$WORK/other.bin"
fg_write_config "$WORK/fanguard.conf" clamav yara hash
fg_start "$WORK/fanguard.conf"

cp "$WORK/sample.bin" "$MNT/sample.bin"
cp "$WORK/other.bin" "$MNT/other.bin"
expect_open EPERM "$MNT/sample.bin"
expect_open ok "$MNT/other.bin"
expect_log "DENY open of $MNT/sample.bin .*hash: Hash.Blocklist.sample.bin"
fg_stop
pass
