# max_file_size (ABI 1.3): 0, the default, scans files of any size; a limit makes the plugin abstain
# from larger files (the host skips them); a negative limit stops the start.
. "$(dirname "$0")/lib.sh"
printf 'plugin yara { rules = {"%s/yara/rules"} %s }\n' "$DATA" "" >"$WORK/default.conf"
printf 'plugin yara { rules = {"%s/yara/rules"} %s }\n' "$DATA" "max_file_size = 100" >"$WORK/limit.conf"
printf 'plugin yara { rules = {"%s/yara/rules"} %s }\n' "$DATA" "max_file_size = -1" >"$WORK/negative.conf"
printf 'a FANGUARD-YARA-TEST-MARKER-91c2 b' >"$WORK/small.txt"
{ printf 'a FANGUARD-YARA-TEST-MARKER-91c2 b'; head -c 200 /dev/zero; } >"$WORK/big.txt"

expect_scan 1 -c "$WORK/default.conf" "$WORK/small.txt" "$WORK/big.txt"
expect_out "^$WORK/small.txt: yara:Fanguard_Test_YaraMarker FOUND$"
expect_out "^$WORK/big.txt: yara:Fanguard_Test_YaraMarker FOUND$"

expect_scan 1 -c "$WORK/limit.conf" "$WORK/small.txt" "$WORK/big.txt"
expect_out "^$WORK/small.txt: yara:Fanguard_Test_YaraMarker FOUND$"
expect_out "^$WORK/big.txt: skipped"
expect_no_out "big.txt: yara:"

expect_scan 2 -c "$WORK/negative.conf" "$WORK/small.txt"
expect_out "max_file_size: -1 is negative"
pass
