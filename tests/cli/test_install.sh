# `cmake --install` into a fresh prefix gives a working daemon and CLI that find their installed
# plugins and config with no path anywhere: no FANGUARD_* variables, run from another directory.
. "$(dirname "$0")/lib.sh"
prefix="$WORK/prefix"
cmake --install "$FANGUARD_BUILD" --prefix "$prefix" >"$WORK/install.log" 2>&1 ||
	{ cat "$WORK/install.log" >&2; fail "cmake --install failed"; }
for f in sbin/fanguardd bin/fanguard include/fanguard/plugin.h etc/fanguard/fanguard.conf \
	lib/systemd/system/fanguardd.service share/man/man1/fanguard.1.gz share/man/man5/fanguard.conf.5.gz \
	share/man/man8/fanguardd.8.gz lib/pkgconfig/fanguard-plugin.pc; do
	[ -f "$prefix/$f" ] || fail "missing $f after install"
done
for page in man1/fanguard.1 man5/fanguard.conf.5 man8/fanguardd.8; do
	gzip -dc "$prefix/share/man/$page.gz" | cmp -s - "$FANGUARD_SRC/docs/man/${page#*/}" ||
		fail "installed $page.gz is not docs/man/${page#*/}"
done
plugins=$(find "$prefix" -path '*/fanguard/plugins/*.so' -printf '%f\n' | sort | tr '\n' ' ')
[ "$plugins" = "clamav.so clamd.so hash.so yara.so " ] || fail "installed plugins: '$plugins'"
grep -q 'path *=' "$prefix/etc/fanguard/fanguard.conf" && fail "installed config names a plugin path"

grep -qx "ExecStart=$prefix/sbin/fanguardd -c $prefix/etc/fanguard/fanguard.conf" \
	"$prefix/lib/systemd/system/fanguardd.service" || fail "the unit does not start the installed daemon"
grep -qx "Type=notify" "$prefix/lib/systemd/system/fanguardd.service" || fail "unit is not Type=notify"
# the clamd plugin reaches servers over TCP too (systemd is not run here, so the unit is read)
families=$(sed -n 's/^RestrictAddressFamilies=//p' "$prefix/lib/systemd/system/fanguardd.service")
for family in AF_UNIX AF_INET AF_INET6; do
	case " $families " in *" $family "*) ;; *) fail "the unit forbids $family: '$families'" ;; esac
done
if command -v systemd-analyze >/dev/null; then
	# only the man page may be missing in a test prefix
	systemd-analyze verify "$prefix/lib/systemd/system/fanguardd.service" 2>&1 |
		grep -v "man fanguardd\|^$" >"$WORK/verify" || true
	[ ! -s "$WORK/verify" ] || { cat "$WORK/verify" >&2; fail "systemd-analyze verify complained"; }
fi

unset FANGUARD_PLUGIN_DIR FANGUARD_CONFIG
cd /
"$prefix/sbin/fanguardd" -t >"$WORK/out" 2>&1 || fail "installed fanguardd -t failed"
expect_out "fanguard.conf: configuration OK"
expect_out "plugin clamav .* loaded from $prefix/"

printf '%s' "$EICAR" >"$WORK/eicar.com"
FANGUARD="$prefix/bin/fanguard" expect_scan 1 "$WORK/eicar.com"
expect_out "^$WORK/eicar.com: clamav:Fanguard.EICAR-Test-File.UNOFFICIAL FOUND$"
expect_out "^$WORK/eicar.com: yara:Fanguard_EICAR_Test_File FOUND$"
expect_out "^$WORK/eicar.com: hash:Hash.Blocklist.eicar.com FOUND$"
pass
