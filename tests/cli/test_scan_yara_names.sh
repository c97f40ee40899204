# A file several rules match is reported with every rule, by identifier, in the order `yara`
# prints them (a private rule is not named, a #a > 2 count matches as in yara without -f);
# threat_name_meta names a rule by a meta instead; names that do not fit end in ", +N more".
. "$(dirname "$0")/lib.sh"
command -v yara >/dev/null || fail "yara missing (scripts/install-deps.sh installs it)"
RULES="$DATA/yara-fidelity/names.yar"
printf 'x FANGUARD-FIDELITY-MARKER-%s tick tick tick\n' 7a1 >"$WORK/marked.txt"
printf 'tick tick tick tick\n' >"$WORK/ticks.txt"
printf 'tick tick\n' >"$WORK/clean.txt"

# yara's own answer, as "A, B, C"
yara_names() { # YARA_ARGS... FILE
	yara "$@" | sed 's/ .*//' | paste -sd, - | sed 's/,/, /g'
}
want=$(yara_names "$RULES" "$WORK/marked.txt")
[ "$want" = "First_Of_Several, Named_By_Meta, Counts_Three_Ticks, Meta_Not_A_String, Meta_Unsafe_Name" ] ||
	fail "yara itself says '$want' (names.yar changed?)"
[ "$(yara_names "$RULES" "$WORK/ticks.txt")" = "Counts_Three_Ticks, Counts_Four_Ticks" ] ||
	fail "yara itself says '$(yara_names "$RULES" "$WORK/ticks.txt")' for ticks.txt"

# default: rule identifiers, fast_mode off
printf 'plugin yara { rules = {"%s"} }\n' "$RULES" >"$WORK/fg.conf"
expect_scan 1 -c "$WORK/fg.conf" "$WORK/marked.txt" "$WORK/ticks.txt" "$WORK/clean.txt"
expect_out "^$WORK/marked.txt: yara:$want FOUND$"
expect_out "^$WORK/ticks.txt: yara:Counts_Three_Ticks, Counts_Four_Ticks FOUND$"
expect_out "^$WORK/clean.txt: OK$"
expect_no_out "Has_Marker"

# fast_mode = true is yara -f (libyara 4.2 keeps counting a string a rule counts)
printf 'plugin yara { rules = {"%s"} fast_mode = true }\n' "$RULES" >"$WORK/fast.conf"
expect_scan 1 -c "$WORK/fast.conf" "$WORK/marked.txt" "$WORK/ticks.txt"
expect_out "^$WORK/marked.txt: yara:$(yara_names -f "$RULES" "$WORK/marked.txt") FOUND$"
expect_out "^$WORK/ticks.txt: yara:$(yara_names -f "$RULES" "$WORK/ticks.txt") FOUND$"

# threat_name_meta: a string meta of that name replaces the identifier, sanitised to [A-Za-z0-9._-]
printf 'plugin yara { rules = {"%s"} threat_name_meta = "threat_name" }\n' "$RULES" >"$WORK/meta.conf"
expect_scan 1 -c "$WORK/meta.conf" "$WORK/marked.txt"
expect_out "^$WORK/marked.txt: yara:First_Of_Several, Vendor.Family-1, Counts_Three_Ticks, Meta_Not_A_String, Evil__Inc.__x_ FOUND$"
printf 'plugin yara { rules = {"%s"} threat_name_meta = "no_such_meta" }\n' "$RULES" >"$WORK/other.conf"
expect_scan 1 -c "$WORK/other.conf" "$WORK/marked.txt"
expect_out "^$WORK/marked.txt: yara:$want FOUND$"

# 40 matching rules of 22-character names do not fit in a 256-byte threat: ", +N more"
for i in $(seq 10 49); do
	printf 'rule Many_Matching_Rule_%s { condition: true }\n' "$i"
done >"$WORK/many.yar"
printf 'plugin yara { rules = {"%s"} }\n' "$WORK/many.yar" >"$WORK/many.conf"
expect_scan 1 -c "$WORK/many.conf" "$WORK/clean.txt"
line=$(sed -n "s|^$WORK/clean.txt: yara:\(.*\) FOUND\$|\1|p" "$WORK/out")
[[ $line =~ ^Many_Matching_Rule_10(,\ Many_Matching_Rule_[0-9]+)+,\ \+([0-9]+)\ more$ ]] ||
	fail "no ', +N more' ending: '$line'"
shown=$(grep -o 'Many_Matching_Rule_[0-9]*' <<<"$line" | wc -l)
[ $((shown + BASH_REMATCH[2])) -eq 40 ] || fail "$shown shown + ${BASH_REMATCH[2]} more is not 40: $line"
[ "${#line}" -le 255 ] || fail "threat of ${#line} bytes: $line"
[ $((${#line} + 24)) -gt 255 ] || fail "room for one more name was left: $line"
[ "$(grep -o 'Many_Matching_Rule_[0-9]*' <<<"$line" | paste -sd' ' -)" = "$(seq -f 'Many_Matching_Rule_%g' 10 $((9 + shown)) | paste -sd' ' -)" ] ||
	fail "names not in rule order: $line"
pass
