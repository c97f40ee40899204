# `cpack -G DEB` in a build configured for /usr makes a fanguard .deb holding the daemon, the
# CLI, the plugins, the SDK (header, .pc), the man pages, the config (as conffiles) and the unit,
# with /usr and /etc paths built in. It is inspected with dpkg-deb, never installed.
. "$(dirname "$0")/lib.sh"
command -v dpkg-deb >/dev/null || fail "dpkg-deb missing (scripts/install-deps.sh)"

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
	./usr/share/man/man8/fanguardd.8.gz ./etc/fanguard/fanguard.conf \
	./lib/systemd/system/fanguardd.service; do
	grep -qx -- "$f" "$WORK/contents" || fail "the .deb lacks $f"
done
for p in clamav yara hash; do
	expect_out "^\./usr/lib/([a-z0-9_-]+/)?fanguard/plugins/$p\.so$"
done
expect_out "^\./usr/lib/([a-z0-9_-]+/)?pkgconfig/fanguard-plugin\.pc$"
expect_no_out "^\./usr/etc/|^\./usr/local/"

dpkg-deb -I "$deb" >"$WORK/out"
expect_out "^ Package: fanguard$"
expect_out "^ Version: [0-9]+\.[0-9]+\.[0-9]+"
expect_out "^ Depends: .*libclamav"
expect_out "^ Depends: .*libyara"
expect_out "^ Depends: .*libconfuse"
dpkg-deb -I "$deb" conffiles >"$WORK/out" || fail "the .deb has no conffiles"
expect_out "^/etc/fanguard/fanguard\.conf$"
expect_out "^/etc/fanguard/rules/"
for f in $(cat "$WORK/out"); do
	grep -qx -- ".$f" "$WORK/contents" || fail "conffile $f is not in the package"
done

# the paths inside point at the packaged locations
dpkg-deb -x "$deb" "$WORK/root"
cp "$WORK/root/lib/systemd/system/fanguardd.service" "$WORK/out"
expect_out "^ExecStart=/usr/sbin/fanguardd -c /etc/fanguard/fanguard\.conf$"
cat "$WORK/root"/usr/lib/*pkgconfig/fanguard-plugin.pc "$WORK/root"/usr/lib/*/pkgconfig/fanguard-plugin.pc \
	>"$WORK/out" 2>/dev/null || true
expect_out "^includedir=/usr/include$"
expect_out "^plugindir=/usr/lib/([a-z0-9_-]+/)?fanguard/plugins$"
strings "$WORK/root/usr/sbin/fanguardd" >"$WORK/out"
expect_out "^/etc/fanguard/fanguard\.conf$"
pass
