# The yara plugin with the project's own rules; a broken rule file names file and line.
. "$(dirname "$0")/lib.sh"
printf 'plugin yara { rules = {"%s/yara/rules"} }\n' "$DATA" >"$WORK/fg.conf"
printf 'a FANGUARD-YARA-TEST-MARKER-91c2 b' >"$WORK/marker.txt"
printf '%s' "$EICAR" >"$WORK/eicar.com"
cp /bin/true "$WORK/elf"
printf 'FANGUARD-EXEC-MARKER-55d1' >>"$WORK/elf"
printf 'FANGUARD-EXEC-MARKER-55d1 but not an ELF file' >"$WORK/not-elf.txt"
printf 'clean\n' >"$WORK/clean.txt"

expect_scan 1 -c "$WORK/fg.conf" -i "$WORK"
expect_out "^$WORK/marker.txt: yara:Fanguard_Test_YaraMarker FOUND$"
expect_out "^$WORK/eicar.com: yara:Fanguard_Test_EICAR FOUND$"
expect_out "^$WORK/elf: yara:Fanguard_Test_ElfMarker FOUND$"
expect_no_out "not-elf.txt"
expect_no_out "clean.txt"
expect_out "^Infected files: 3$"

printf 'plugin yara { rules = {"%s/yara/broken"} }\n' "$DATA" >"$WORK/broken.conf"
expect_scan 2 -c "$WORK/broken.conf" "$WORK/clean.txt"
expect_out "syntax_error.yar:4:"

printf 'plugin yara { rules = {"no-such-rules.yar"} }\n' >"$WORK/missing.conf"
expect_scan 2 -c "$WORK/missing.conf" "$WORK/clean.txt"
expect_out "$WORK/no-such-rules.yar"
pass
