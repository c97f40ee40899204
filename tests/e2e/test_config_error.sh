# A bad config stops start-up with FILE:LINE, before any mark is placed.
. "$(dirname "$0")/lib.sh"
fg_setup
: >"$WORK/blocklist.sha256"

expect_refused() {
	local conf=$1 pattern=$2 rc=0
	timeout -s KILL 60 "$FANGUARDD" -c "$conf" >"$WORK/refused.log" 2>&1 || rc=$?
	[ "$rc" -eq 1 ] || fail "$conf: expected exit 1, got $rc: $(cat "$WORK/refused.log")"
	grep -Eq -- "$pattern" "$WORK/refused.log" || fail "$conf: no '$pattern' in: $(cat "$WORK/refused.log")"
	if grep -q ' ready: ' "$WORK/refused.log"; then fail "$conf: said ready"; fi
}

MAX_SIZE=10485760 fg_write_config "$WORK/typo.conf" clamav
sed -i 's/^  max_file_size/  max_filesize/' "$WORK/typo.conf"
expect_refused "$WORK/typo.conf" "typo.conf:5: .*max_filesize"

fg_write_config "$WORK/plugin-typo.conf" clamav
printf 'plugin yara {\n  rules = {"%s"}\n  rulez = {"x"}\n}\n' "$DATA/yara/rules" >>"$WORK/plugin-typo.conf"
line=$(grep -n rulez "$WORK/plugin-typo.conf" | cut -d: -f1)
expect_refused "$WORK/plugin-typo.conf" "plugin-typo.conf:$line: plugin .yara. has no option .rulez. \(its options: enabled, path, scanner, rules, "

fg_write_config "$WORK/broken-yara.conf"
printf 'plugin yara { rules = {"%s"} }\n' "$DATA/yara/broken" >>"$WORK/broken-yara.conf"
expect_refused "$WORK/broken-yara.conf" "syntax_error.yar:4:"

mkdir "$WORK/empty-db"
fg_write_config "$WORK/empty-db.conf"
printf 'plugin clamav { database = {"%s"} }\n' "$WORK/empty-db" >>"$WORK/empty-db.conf"
expect_refused "$WORK/empty-db.conf" "no ClamAV signatures loaded from $WORK/empty-db"

fg_write_config "$WORK/future.conf"
printf 'plugin future { path = "%s/future.so" }\n' "$FANGUARD_TEST_PLUGIN_DIR" >>"$WORK/future.conf"
expect_refused "$WORK/future.conf" "plugin 'future' .*ABI 2.0 .*speaks ABI 1\.[0-9]+;"

# files someone else could change are refused, like sshd's StrictModes
fg_write_config "$WORK/open.conf" clamav
chmod 0666 "$WORK/open.conf"
expect_refused "$WORK/open.conf" "refusing configuration .*open.conf is writable by group or others \(mode 0666"
fg_write_config "$WORK/theirs.conf" clamav
chown 65534 "$WORK/theirs.conf"
expect_refused "$WORK/theirs.conf" "refusing configuration .*theirs.conf is owned by uid 65534, not root"
mkdir -m 0777 "$WORK/shared"
cp "$FANGUARD_TEST_PLUGIN_DIR/marker.so" "$WORK/shared/marker.so"
fg_write_config "$WORK/shared-plugin.conf"
printf 'plugin marker { path = "%s/shared/marker.so" }\n' "$WORK" >>"$WORK/shared-plugin.conf"
expect_refused "$WORK/shared-plugin.conf" "refusing plugin .*/shared is writable by group or others \(mode 0777"

# and the daemon's own check mode agrees with a good file
fg_write_config "$WORK/good.conf" clamav
case "$("$FANGUARDD" -t -c "$WORK/good.conf")" in *"configuration OK"*) ;; *) fail "-t rejected a good config" ;; esac
pass
