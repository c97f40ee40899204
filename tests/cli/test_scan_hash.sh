# The hash plugin with lists made at test time; an allowlist overrides other plugins.
. "$(dirname "$0")/lib.sh"
head -c 10000 /dev/urandom >"$WORK/bad.bin"
head -c 10000 /dev/urandom >"$WORK/good.bin"
printf '%s' "$EICAR" >"$WORK/eicar-allowed.com"
(cd "$WORK" && sha256sum bad.bin >blocklist.sha256)
sha256sum "$WORK/eicar-allowed.com" | cut -c1-64 >"$WORK/allowlist.sha256"   # a bare digest line
cat >"$WORK/fg.conf" <<CONF
plugin hash { blocklist = {"blocklist.sha256"} allowlist = {"allowlist.sha256"} }
plugin clamav { database = {"$DATA/clamav"} }
CONF
expect_scan 1 -c "$WORK/fg.conf" "$WORK/bad.bin" "$WORK/good.bin" "$WORK/eicar-allowed.com"
expect_out "^$WORK/bad.bin: hash:Hash.Blocklist.bad.bin FOUND$"
expect_out "^$WORK/good.bin: OK$"
expect_out "^$WORK/eicar-allowed.com: clamav:Fanguard.Test.EICAR.UNOFFICIAL detected, allowed by an allowlist$"
expect_out "^Infected files: 1$"

printf 'not a digest\n' >>"$WORK/blocklist.sha256"
expect_scan 2 -c "$WORK/fg.conf" "$WORK/good.bin"
expect_out "blocklist.sha256:2:"
pass
