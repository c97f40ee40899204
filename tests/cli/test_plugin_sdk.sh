# The plugin SDK works from an installed fanguard alone: the example plugin builds out of tree
# with the installed header through fanguard-plugin.pc, `fanguard plugin-test` loads and runs
# it (and refuses a plugin built for another ABI major), and `fanguard scan` uses it.
. "$(dirname "$0")/lib.sh"
prefix="$WORK/prefix"
cmake --install "$FANGUARD_BUILD" --prefix "$prefix" >"$WORK/install.log" 2>&1 ||
	{ cat "$WORK/install.log" >&2; fail "cmake --install failed"; }
pc=$(find "$prefix" -name fanguard-plugin.pc)
[ -n "$pc" ] || fail "no fanguard-plugin.pc installed"
case "$pc" in "$prefix"/lib*/pkgconfig/fanguard-plugin.pc) ;; *) fail "pc file at $pc" ;; esac
export PKG_CONFIG_PATH="${pc%/*}"
plugindir=$(pkg-config --variable=plugindir fanguard-plugin)
[ -f "$plugindir/clamav.so" ] || fail "plugindir '$plugindir' does not hold the installed plugins"
cflags=$(pkg-config --cflags fanguard-plugin)
[ "${cflags%% }" = "-I$prefix/include" ] || fail "Cflags: '$cflags'"

# out of tree: a copy of the example, nothing from the source tree on the include path
cp -r "$FANGUARD_SRC/examples/simple-plugin" "$WORK/needle"
make -C "$WORK/needle" >"$WORK/out" 2>&1 || fail "make of the example plugin failed"
expect_out "-I$prefix/include"
[ -f "$WORK/needle/needle.so" ] || fail "make built no needle.so"

FG="$prefix/bin/fanguard"
needle="SDK-TEST-NEEDLE-$$"
printf 'before %s after' "$needle" >"$WORK/bad.txt"
printf 'nothing to see' >"$WORK/good.txt"
head -c 3000000 /dev/zero >"$WORK/big.bin" # mapped, not read into the buffer
printf '%s' "$needle" >>"$WORK/big.bin"

plugin_test() {
	local want=$1 rc=0
	shift
	timeout 60 "$FG" plugin-test "$@" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "fanguard plugin-test $*: exit $rc, expected $want"
}

plugin_test 1 -o "needle=$needle" "$WORK/needle/needle.so" "$WORK/good.txt" "$WORK/bad.txt" "$WORK/big.bin"
expect_out "^plugin: +needle 1\.0\.0$"
expect_out "^ABI: +1\.[0-9]+ "
expect_out "^  needle \(string, default \"FANGUARD-EXAMPLE-NEEDLE\"\): "
expect_out "^$WORK/bad.txt: needle:Example.Needle FOUND$"
expect_out "^$WORK/big.bin: needle:Example.Needle FOUND$"
expect_out "^$WORK/good.txt: OK$"
plugin_test 0 -o "needle=$needle" "$WORK/needle/needle.so" "$WORK/good.txt"
expect_out "^$WORK/good.txt: OK$"
# the default needle is not in bad.txt: the option really reaches the plugin
plugin_test 0 "$WORK/needle/needle.so" "$WORK/bad.txt"
plugin_test 2 -o "needle=$needle" "$WORK/needle/needle.so" "$WORK/missing.txt"
expect_out "^$WORK/missing.txt: No such file or directory ERROR$"
plugin_test 2 -o "needel=x" "$WORK/needle/needle.so" "$WORK/good.txt"
expect_out "-o needel=x: plugin 'needle' has no option 'needel' \(its options: needle\)"
plugin_test 2 -o "needle=" "$WORK/needle/needle.so" "$WORK/good.txt"
expect_out "plugin 'needle': option 'needle' must not be empty"

# a plugin built for another major ABI is refused by name, both versions in the message
plugin_test 2 "$FANGUARD_TEST_PLUGIN_DIR/future.so" "$WORK/good.txt"
expect_out "plugin 'future' .*built for plugin ABI 2\.0 but this fanguard speaks ABI 1\.[0-9]+"
expect_no_out "^$WORK/good.txt"

# enabled in a config: by path, and installed into plugindir by `make install`
cat >"$WORK/path.conf" <<CONF
watch { paths = {"$WORK"} }
plugin needle { path = "$WORK/needle/needle.so"  needle = "$needle" }
CONF
FANGUARD="$FG" expect_scan 1 -c "$WORK/path.conf" "$WORK/good.txt" "$WORK/bad.txt"
expect_out "^$WORK/bad.txt: needle:Example.Needle FOUND$"
expect_out "^$WORK/good.txt: OK$"
make -C "$WORK/needle" install >"$WORK/out" 2>&1 || fail "make install failed"
[ -f "$plugindir/needle.so" ] || fail "make install did not put needle.so into $plugindir"
sed '/^plugin/s|path = "[^"]*" *||' "$WORK/path.conf" >"$WORK/dir.conf"
grep -q "path *=" "$WORK/dir.conf" && fail "config still names a path"
FANGUARD="$FG" expect_scan 1 -c "$WORK/dir.conf" "$WORK/bad.txt"
expect_out "^$WORK/bad.txt: needle:Example.Needle FOUND$"
pass
