# The man pages render without a groff or man warning, and stay true to the code: every command
# of `fanguard help`, every option of `fanguardd -h` and `fanguard COMMAND -h`, every config key
# of core/common/config*.c and every option each bundled plugin declares is documented.
. "$(dirname "$0")/lib.sh"
MAN="$FANGUARD_SRC/docs/man"
command -v groff >/dev/null || fail "groff missing (scripts/install-deps.sh installs groff-base)"
for page in fanguard.1 fanguard.conf.5 fanguardd.8; do
	[ -f "$MAN/$page" ] || fail "docs/man/$page missing"
	groff -man -ww -z "$MAN/$page" >"$WORK/out" 2>&1 || fail "groff failed on $page"
	[ ! -s "$WORK/out" ] || fail "groff -man -ww warns about $page"
	if command -v man >/dev/null; then
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN/$page" 2>"$WORK/out" >"$WORK/text" ||
			fail "man -l $page failed"
		[ ! -s "$WORK/out" ] || fail "man --warnings complains about $page"
		grep -q "^NAME" "$WORK/text" || fail "man -l $page rendered no NAME section"
	fi
	# one very long line per paragraph, so every word can be grepped whole
	groff -man -Tascii -P-cbou -rLL=2000n "$MAN/$page" 2>/dev/null >"$WORK/$page.txt"
done

documented() { # PAGE WORD...: each word must appear in the page
	local page=$1 w
	shift
	for w in "$@"; do
		grep -qwF -- "$w" "$WORK/$page.txt" || fail "docs/man/$page does not mention '$w'"
	done
}

# commands: the first word of each command line in `fanguard help`
cmds=$("$FANGUARD" help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$cmds" ] || fail "fanguard help lists no commands"
documented fanguard.1 $cmds
# options: every -x and --long in the commands' own help
for c in $cmds; do
	[ "$c" = version ] && continue
	opts=$("$FANGUARD" "$c" -h 2>&1 | grep -oE '(^|[ [])--?[a-zA-Z][a-z-]*' | tr -d ' [' | sort -u) || true
	documented fanguard.1 $opts
done
opts=$("$FANGUARD_BUILD/sbin/fanguardd" -h | grep -oE '(^|[ [])-[a-zA-Z]\b' | tr -d ' [' | sort -u)
[ -n "$opts" ] || fail "fanguardd -h lists no options"
documented fanguardd.8 $opts

# config: every section and key libconfuse is told about in core/common/config*.c (the schema
# arrays: watch_opts[] ... and the root[] sections in config_schema.c, the plugin sections' fixed[]
# keys in config_plugins.c)
keys=$(awk '/cfg_opt_t ([a-z]+_opts|fixed|root)\[\] = \{/ { b = 1 } b { print } b && /};/ { b = 0 }' \
	"$FANGUARD_SRC"/core/common/config*.c | grep -oE 'CFG_[A-Z_]+\("[a-z_]+"' | sed 's/.*("//; s/"$//' |
	grep -v '^__' | sort -u)
[ "$(echo "$keys" | wc -w)" -gt 20 ] || fail "found only $(echo "$keys" | wc -w) config keys in core/common/config*.c"
documented fanguard.conf.5 $keys

# plugins: every option each bundled plugin declares (plugin-test prints them before init)
plugins=$(find "$FANGUARD_BUILD" -maxdepth 4 -path "$FANGUARD_BUILD/lib*/fanguard/plugins/*.so" | sort)
[ "$(echo "$plugins" | wc -l)" -ge 3 ] || fail "bundled plugins not found in $FANGUARD_BUILD"
for so in $plugins; do
	name=$(basename "$so" .so)
	"$FANGUARD" plugin-test "$so" /dev/null >"$WORK/desc" 2>&1 || true
	popts=$(sed -n 's/^  \([a-z_][a-z0-9_]*\) (.*/\1/p' "$WORK/desc")
	[ -n "$popts" ] || { cat "$WORK/desc" >&2; fail "plugin-test printed no options for $name"; }
	documented fanguard.conf.5 "plugin $name" $popts
done
pass
