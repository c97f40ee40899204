# `cpack -G DEB` in a build configured for /usr makes a fanguard .deb holding the daemon, the
# CLI, the plugins, the SDK (header, .pc), the man pages, the config (as conffiles) and the unit,
# with /usr and /etc paths built in, and a -dbgsym .ddeb with the debug info. It passes lintian
# without errors (warnings are listed), and is inspected with dpkg-deb, never installed; its
# postinst runs once, in a private mount namespace over copies of /etc and /usr/share. The unit
# passes `systemd-analyze verify` and its `security` exposure does not grow.
. "$(dirname "$0")/lib.sh"
command -v dpkg-deb >/dev/null || fail "dpkg-deb missing (scripts/install-deps.sh)"
command -v lintian >/dev/null || fail "lintian missing (scripts/install-deps.sh)"

# a build configured for another prefix refuses to make a .deb, saying how to configure it
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$FANGUARD_BUILD/CMakeCache.txt")
if [ "$prefix" != /usr ]; then
	rc=0
	cpack --config "$FANGUARD_BUILD/CPackConfig.cmake" -G DEB -B "$WORK/refused" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || fail "cpack made a .deb from a build configured for $prefix"
	expect_out "configured with -DCMAKE_INSTALL_PREFIX=/usr"
	[ -z "$(find "$WORK/refused" -name '*.deb' 2>/dev/null)" ] || fail "a .deb was left behind"
fi

build="$WORK/build-deb"
{ cmake -S "$FANGUARD_SRC" -B "$build" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DBUILD_TESTING=OFF && cmake --build "$build" -j2 && (cd "$build" && cpack -G DEB); } \
	>"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; fail "building the .deb failed"; }
deb=$(find "$build" -maxdepth 1 -name 'fanguard_*.deb')
[ -n "$deb" ] && [ "$(echo "$deb" | wc -l)" -eq 1 ] || fail "expected one fanguard_*.deb, found '$deb'"

dpkg-deb -c "$deb" | awk '{print $6}' >"$WORK/contents"
cp "$WORK/contents" "$WORK/out"
for f in ./usr/sbin/fanguardd ./usr/bin/fanguard ./usr/include/fanguard/plugin.h \
	./usr/share/man/man1/fanguard.1.gz ./usr/share/man/man5/fanguard.conf.5.gz \
	./usr/share/man/man8/fanguardd.8.gz ./usr/share/fanguard/fanguard.conf \
	./lib/systemd/system/fanguardd.service ./lib/systemd/system/fanguard-scan.service \
	./lib/systemd/system/fanguard-scan.timer ./lib/systemd/system-generators/fanguard-scan-generator; do
	grep -qx -- "$f" "$WORK/contents" || fail "the .deb lacks $f"
done
for p in clamav yara hash; do
	expect_out "^\./usr/lib/([a-z0-9_-]+/)?fanguard/plugins/$p\.so$"
done
expect_out "^\./usr/lib/([a-z0-9_-]+/)?pkgconfig/fanguard-plugin\.pc$"
expect_no_out "^\./usr/etc/|^\./usr/local/"
expect_out "^\./usr/share/doc/fanguard/copyright$"
expect_out "^\./usr/share/doc/fanguard/changelog\.gz$"
# the admin's fanguard.conf is written by postinst from this template, not shipped
expect_out "^\./usr/share/fanguard/fanguard\.conf$"
expect_no_out "^\./etc/fanguard/fanguard\.conf$"

# lintian: no errors (E:); its warnings and notes are shown, not fatal
lintian --tag-display-limit 0 "$deb" >"$WORK/lintian" 2>&1 || true
grep -v 'running with root privileges' "$WORK/lintian" | sed 's/^/lintian: /' >&2 || true
cp "$WORK/lintian" "$WORK/out"
expect_no_out "^E: "
# the debug info is split into fanguard-dbgsym, the packaged binaries are stripped
ddeb=$(find "$build" -maxdepth 1 -name 'fanguard-dbgsym_*.ddeb')
[ -n "$ddeb" ] || fail "no fanguard-dbgsym .ddeb"
dpkg-deb -c "$ddeb" >"$WORK/out"
expect_out "/usr/lib/debug/\.build-id/[0-9a-f]{2}/[0-9a-f]+\.debug$"

dpkg-deb -I "$deb" >"$WORK/out"
expect_out "^ Package: fanguard$"
expect_out "^ Maintainer: fanguard maintainers <maintainers@fanguard\.invalid>$"
expect_out "^ Version: [0-9]+\.[0-9]+\.[0-9]+"
expect_out "^ Depends: .*libclamav"
expect_out "^ Depends: .*libyara"
expect_out "^ Depends: .*libconfuse"
dpkg-deb -I "$deb" conffiles >"$WORK/out" || fail "the .deb has no conffiles"
expect_no_out "^/etc/fanguard/fanguard\.conf$"
expect_out "^/etc/fanguard/rules/"
for f in $(cat "$WORK/out"); do
	grep -qx -- ".$f" "$WORK/contents" || fail "conffile $f is not in the package"
done

# the paths inside point at the packaged locations
dpkg-deb -x "$deb" "$WORK/root"
cp "$WORK/root/lib/systemd/system/fanguardd.service" "$WORK/out"
expect_out "^ExecStart=/usr/sbin/fanguardd -c /etc/fanguard/fanguard\.conf$"
cp "$WORK/root/lib/systemd/system/fanguard-scan.service" "$WORK/out"
expect_out "^ExecStart=/usr/bin/fanguard scheduled-scan -c /etc/fanguard/fanguard\.conf$"
cat "$WORK/root"/usr/lib/*pkgconfig/fanguard-plugin.pc "$WORK/root"/usr/lib/*/pkgconfig/fanguard-plugin.pc \
	>"$WORK/out" 2>/dev/null || true
expect_out "^includedir=/usr/include$"
expect_out "^plugindir=/usr/lib/([a-z0-9_-]+/)?fanguard/plugins$"
strings "$WORK/root/usr/sbin/fanguardd" >"$WORK/out"
expect_out "^/etc/fanguard/fanguard\.conf$"
file "$WORK/root/usr/sbin/fanguardd" >"$WORK/out"
expect_out ", stripped$"

# the unit: valid (its programs pointed at the unpacked package) and no more exposed than 5.1
sed "s|/usr/sbin/fanguardd|$WORK/root/usr/sbin/fanguardd|g" "$WORK/root/lib/systemd/system/fanguardd.service" \
	>"$WORK/fanguardd.service"
systemd-analyze verify --man=no "$WORK/fanguardd.service" >"$WORK/out" 2>&1 || fail "systemd-analyze verify failed"
systemd-analyze security --offline=yes "$WORK/fanguardd.service" >"$WORK/out" 2>&1 || true
level=$(sed -n 's/.*Overall exposure level for fanguardd.service: \([0-9.]*\).*/\1/p' "$WORK/out")
echo "systemd-analyze security: exposure $level" >&2
[ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 5.1) }' || fail "unit exposure $level, above 5.1"

# postinst: the scanners' user, and the admin's config on the first install, with the official
# ClamAV databases when /var/lib/clamav holds them. Run in a private mount namespace over
# copies of /etc, /usr/share/fanguard and /var/lib/clamav, so the host sees nothing of it.
dpkg-deb -e "$deb" "$WORK/control"
run_postinst() { # $1: "with" or "without" ClamAV databases
	rm -rf "$WORK/etc" "$WORK/share" "$WORK/varlib"
	mkdir -p "$WORK/etc" "$WORK/share/fanguard" "$WORK/varlib/clamav"
	cp -a /etc/. "$WORK/etc/"
	rm -rf "$WORK/etc/fanguard"
	cp -a "$WORK/root/etc/fanguard" "$WORK/etc/fanguard"
	cp "$WORK/root/usr/share/fanguard/fanguard.conf" "$WORK/share/fanguard/"
	if [ "$1" = with ]; then : >"$WORK/varlib/clamav/main.cvd"; fi
	# bind mounts over whole folders (nothing is created on the host to mount on)
	unshare --mount --propagation private sh -c '
		mount --bind "$1/etc" /etc && mount --bind "$1/share" /usr/share &&
		mount --bind "$1/varlib" /var/lib &&
		"$1/control/postinst" configure "" && getent passwd fanguard-scan' sh "$WORK" \
		>"$WORK/postinst.out" 2>&1 || { cat "$WORK/postinst.out" >&2; fail "postinst failed"; }
	cp "$WORK/etc/fanguard/fanguard.conf" "$WORK/out" 2>/dev/null || fail "postinst wrote no fanguard.conf"
}
run_postinst with
expect_out '^  database = \{"/var/lib/clamav", "signatures"\}$'
grep -q '^fanguard-scan:' "$WORK/postinst.out" || fail "no fanguard-scan user after postinst"
run_postinst without
expect_out '^  database = \{"signatures"\}    # add "/var/lib/clamav" once freshclam has run$'
# a second configure (an upgrade) leaves the admin's file alone
printf '# mine\n' >"$WORK/etc/fanguard/fanguard.conf"
unshare --mount --propagation private sh -c 'mount --bind "$1/etc" /etc && "$1/control/postinst" configure 0.1.0' \
	sh "$WORK" >/dev/null 2>&1 || fail "postinst (upgrade) failed"
[ "$(cat "$WORK/etc/fanguard/fanguard.conf")" = "# mine" ] || fail "postinst overwrote the admin's config"
pass
