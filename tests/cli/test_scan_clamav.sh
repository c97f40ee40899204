# The clamav plugin with the project's own .ndb, .hdb and .hsb signatures.
. "$(dirname "$0")/lib.sh"
printf 'plugin clamav { database = {"%s/clamav"} }\n' "$DATA" >"$WORK/fg.conf"
mkdir "$WORK/tree" "$WORK/tree/sub"
printf '%s' "$EICAR" >"$WORK/tree/eicar.com"
printf 'prefix FANGUARD-CLAMAV-TEST-MARKER-7f3a suffix' >"$WORK/tree/sub/marker.txt"
printf 'fanguard clamav hdb test content v1\n' >"$WORK/tree/hdb.bin"
printf 'fanguard clamav hsb test content v1\n' >"$WORK/tree/sub/hsb.bin"
printf 'nothing to see\n' >"$WORK/tree/clean.txt"
: >"$WORK/tree/empty"

expect_scan 1 -c "$WORK/fg.conf" "$WORK/tree"
expect_out "^$WORK/tree/eicar.com: clamav:Fanguard.Test.EICAR.UNOFFICIAL FOUND$"
expect_out "^$WORK/tree/sub/marker.txt: clamav:Fanguard.Test.ClamMarker.UNOFFICIAL FOUND$"
expect_out "^$WORK/tree/hdb.bin: clamav:Fanguard.Test.HashSig.UNOFFICIAL FOUND$"
expect_out "^$WORK/tree/sub/hsb.bin: clamav:Fanguard.Test.ShaSig.UNOFFICIAL FOUND$"
expect_out "^$WORK/tree/clean.txt: OK$"
expect_out "^$WORK/tree/empty: OK$"
expect_out "^Scanned files: 6$"
expect_out "^Infected files: 4$"
expect_out "^Errors: 0$"

expect_scan 0 -c "$WORK/fg.conf" "$WORK/tree/clean.txt"
expect_out "^Infected files: 0$"

# a damaged signature file inside a database folder is named with its line
mkdir "$WORK/bad-db"
printf 'Good.Sig:0:*:41424344\nBroken.Sig:0:*:zz\n' >"$WORK/bad-db/bad.ndb"
printf 'plugin clamav { database = {"%s/bad-db"} }\n' "$WORK" >"$WORK/bad.conf"
expect_scan 2 -c "$WORK/bad.conf" "$WORK/tree"
expect_out "database $WORK/bad-db/bad.ndb:2: Malformed database"

# a database path that does not exist is named too
printf 'plugin clamav { database = {"%s/no-such-db"} }\n' "$WORK" >"$WORK/missing.conf"
expect_scan 2 -c "$WORK/missing.conf" "$WORK/tree"
expect_out "database $WORK/no-such-db: No such file or directory"
pass
