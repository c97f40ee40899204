# The clamav plugin leaves libclamav's own limits alone unless the config sets them, and then
# skips and alerts as clamscan does with the same limits, on the same files.
. "$(dirname "$0")/lib.sh"
. "$DATA/clamav-fidelity/compare.sh"
EICAR_NAME=Fanguard.Test.EICAR.UNOFFICIAL
EXCEEDED=Heuristics.Limits.Exceeded.MaxFileSize

# a 30 MiB archive member is under libclamav's 100 MiB (the plugin's own 25 MiB hid it)
expect_same "$EICAR_NAME" "$SAMPLES/big-member.tar.gz" ""
expect_same OK "$SAMPLES/big-clean.tar.gz" ""
# a limit the config sets is applied: the member is skipped as clean
expect_same OK "$SAMPLES/big-member.tar.gz" "max_file_size = 20971520" --max-filesize=20971520
# and named with alert_exceeds_max, the member as the top-level file
expect_same "$EXCEEDED" "$SAMPLES/big-member.tar.gz" \
	"alert_exceeds_max = true max_file_size = 20971520" --alert-exceeds-max=yes \
	--max-filesize=20971520
expect_same OK "$SAMPLES/over-1000.bin" "max_file_size = 1000" --max-filesize=1000
expect_same "$EXCEEDED" "$SAMPLES/over-1000.bin" "alert_exceeds_max = true max_file_size = 1000" \
	--alert-exceeds-max=yes --max-filesize=1000
expect_same "$EICAR_NAME" "$SAMPLES/eicar.zip" "alert_exceeds_max = true max_file_size = 1000" \
	--alert-exceeds-max=yes --max-filesize=1000

# the effective limits are logged as the engine has them, libclamav's own unless set
PLUGIN="$FANGUARD_BUILD/lib/fanguard/plugins/clamav.so"
timeout 60 "$FANGUARD" plugin-test -o database="$CLAM_DB" -o max_files=50 "$PLUGIN" \
	"$SAMPLES/eicar.zip" >"$WORK/out" 2>&1 || true
expect_out "plugin clamav: limits, libclamav's own unless \(set\): max_file_size 104857600, max_scan_size 419430400, max_files 50 \(set\), max_recursion 17,"
expect_out "max_scantime 120000, .*bytecode_timeout 60000$"

# values libclamav would silently replace are refused, naming the option
printf 'plugin clamav { database = {"%s"} max_recursion = 0 }\n' "$CLAM_DB" >"$WORK/bad.conf"
expect_scan 2 -c "$WORK/bad.conf" "$SAMPLES/eicar.zip"
expect_out "bad.conf:1: max_recursion: 0 is not between 1 and 4294967295"
printf 'plugin clamav { database = {"%s"} max_file_size = 4294967296 }\n' "$CLAM_DB" >"$WORK/bad.conf"
expect_scan 2 -c "$WORK/bad.conf" "$SAMPLES/eicar.zip"
expect_out "max_file_size: 4294967296 is not between 0 and 2147483645"
pass
