# The clamd plugin against a real clamd of our own: detections with clamd's threat names over
# TCP and a Unix socket, with and without session reuse; failover past a dead server; every
# server dead is an error naming them; size limits; bad server specs are config errors.
. "$(dirname "$0")/lib.sh"
. "$FANGUARD_SRC/tests/clamd_lib.sh"
trap 'clamd_stop; rm -rf "$WORK"' EXIT
CLAMD_EXTRA_CONF="StreamMaxLength 1M" clamd_start "$WORK/clamd"
DEAD=$(clamd_dead_port) || fail "no free port"

printf '%s' "$EICAR" >"$WORK/eicar.com"
printf 'xx FANGUARD-CLAMAV-TEST-%s yy\n' 'MARKER-7f3a' >"$WORK/marker.txt"
printf 'clean\n' >"$WORK/clean.txt"
head -c 2000000 /dev/zero >"$WORK/big.bin"
clamd_conf() { # SERVERS [more options]
	printf 'plugin clamd {\n  servers = {%s}\n  %s\n}\n' "$1" "${2:-}" >"$WORK/fg.conf"
}
expect_detections() {
	expect_scan 1 -c "$WORK/fg.conf" "$WORK/eicar.com" "$WORK/clean.txt" "$WORK/marker.txt"
	expect_out "^$WORK/eicar.com: clamd:Fanguard.Test.EICAR.UNOFFICIAL FOUND$"
	expect_out "^$WORK/marker.txt: clamd:Fanguard.Test.ClamMarker.UNOFFICIAL FOUND$"
	expect_out "^$WORK/clean.txt: OK$"
	expect_out "^Errors: 0$"
}

for pool in 4 0; do # sessions reused, and a connection per scan
	clamd_conf "\"tcp:127.0.0.1:$CLAMD_PORT\"" "pool_size = $pool"
	expect_detections
	expect_scan 0 -c "$WORK/fg.conf" "$WORK/clean.txt"
	expect_out "^$WORK/clean.txt: OK$"
	clamd_conf "\"unix:$CLAMD_SOCKET\"" "pool_size = $pool"
	expect_detections
done

# failover: the first server is dead; every file (the first one tries the dead one) is decided
clamd_conf "\"tcp:127.0.0.1:$DEAD\", \"tcp:127.0.0.1:$CLAMD_PORT\""
expect_detections
expect_out "clamd tcp:127.0.0.1:$DEAD failed \(connect: Connection refused\)"

# every server dead: an error (exit 2) naming each of them
clamd_conf "\"tcp:127.0.0.1:$DEAD\", \"unix:$WORK/no-such.sock\""
expect_scan 2 -c "$WORK/fg.conf" "$WORK/eicar.com"
expect_out "no clamd server answered \(tcp:127.0.0.1:$DEAD: connect: Connection refused, unix:$WORK/no-such.sock: connect: No such file or directory\)"

# over our max_stream: not sent, an error; over clamd's StreamMaxLength: clamd's own error,
# and the session after it still works
clamd_conf "\"tcp:127.0.0.1:$CLAMD_PORT\"" "max_stream = 60"
expect_scan 2 -c "$WORK/fg.conf" "$WORK/eicar.com"
expect_out "68 bytes is over max_stream = 60"
clamd_conf "\"tcp:127.0.0.1:$CLAMD_PORT\""
expect_scan 1 -c "$WORK/fg.conf" "$WORK/big.bin" "$WORK/eicar.com"
expect_out "big.bin: .*clamd replied: INSTREAM size limit exceeded"
expect_out "^$WORK/eicar.com: clamd:Fanguard.Test.EICAR.UNOFFICIAL FOUND$"

# config errors name the file and line
clamd_conf "\"tcp:127.0.0.1:$CLAMD_PORT\", \"tcp:localhost\""
expect_scan 2 -c "$WORK/fg.conf" "$WORK/clean.txt"
expect_out "fg.conf:2: servers: bad server \"tcp:localhost\": expected tcp:HOST:PORT"
clamd_conf "\"udp:127.0.0.1:3310\""
expect_scan 2 -c "$WORK/fg.conf" "$WORK/clean.txt"
expect_out "fg.conf:2: servers: bad server \"udp:127.0.0.1:3310\""
clamd_conf "\"tcp:127.0.0.1:$CLAMD_PORT\"" "timeout = 5"
expect_scan 2 -c "$WORK/fg.conf" "$WORK/clean.txt"
expect_out "fg.conf:3: .*'timeout'"
printf 'plugin clamd { }\n' >"$WORK/fg.conf"
expect_scan 2 -c "$WORK/fg.conf" "$WORK/clean.txt"
expect_out "option 'servers' is required"
clamd_stop
pass
