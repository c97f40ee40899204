# The define option gives external variables as `yara -d NAME=VALUE` does (true/false, integer,
# float, else string; a value in double quotes is a string, as a shell leaves -d env="prod"), fixed
# for every file, a built-in's too; rules match what yara matches given the same; a malformed
# item stops the start and is named.
. "$(dirname "$0")/lib.sh"
command -v yara >/dev/null || fail "yara missing (scripts/install-deps.sh installs it)"
RULES="$DATA/yara-fidelity/define.yar"
printf 'any content\n' >"$WORK/x.txt"

yara_names() { # YARA_ARGS... FILE
	yara "$@" | sed 's/ .*//' | paste -sd, - | sed 's/,/, /g'
}
conf() { # FILE RULES DEFINE_ITEMS: the items in config syntax
	printf 'plugin yara { rules = {"%s"} define = {%s} }\n' "$2" "$3" >"$1"
}

# every rule satisfied; env="prod" in the config as the shell's `-d env="prod"`
conf "$WORK/all.conf" "$RULES" '"env=\"prod\"", "level=5", "ratio=1.5", "flag=true", "filename=fixed.name"'
want=$(yara_names -d env="prod" -d level=5 -d ratio=1.5 -d flag=true -d filename=fixed.name "$RULES" "$WORK/x.txt")
[ "$want" = "Env_Is_Prod, Level_Is_Five, Ratio_Near_One_And_A_Half, Flag_Set, Name_Fixed" ] ||
	fail "yara itself says '$want'"
expect_scan 1 -c "$WORK/all.conf" "$WORK/x.txt"
expect_out "^$WORK/x.txt: yara:$want FOUND$"

# none but env, given bare
conf "$WORK/none.conf" "$RULES" '"env=prod", "level=6", "ratio=2.5", "flag=false", "filename=other"'
want=$(yara_names -d env=prod -d level=6 -d ratio=2.5 -d flag=false -d filename=other "$RULES" "$WORK/x.txt")
[ "$want" = "Env_Is_Prod" ] || fail "yara itself says '$want'"
expect_scan 1 -c "$WORK/none.conf" "$WORK/x.txt"
expect_out "^$WORK/x.txt: yara:Env_Is_Prod FOUND$"

# the quotes keep "5" a string; bare, 5 is an integer and the rule comparing a string fails to compile
conf "$WORK/quoted.conf" "$DATA/yara-fidelity/define_string.yar" '"code=\"5\""'
expect_scan 1 -c "$WORK/quoted.conf" "$WORK/x.txt"
expect_out "^$WORK/x.txt: yara:Code_Is_The_String_5 FOUND$"
conf "$WORK/bare.conf" "$DATA/yara-fidelity/define_string.yar" '"code=5"'
expect_scan 2 -c "$WORK/bare.conf" "$WORK/x.txt"
expect_out "define_string.yar:1: "

# malformed items: the start fails naming the item
for item in 'novalue' '=5' '9lives=1' 'big=99999999999999999999' 'env=a", "env=b'; do
	conf "$WORK/bad.conf" "$RULES" "\"$item\""
	expect_scan 2 -c "$WORK/bad.conf" "$WORK/x.txt"
	case $item in
	novalue | =5) expect_out "define: \"$item\" is not NAME=VALUE" ;;
	9lives=1) expect_out "define: \"9lives=1\": 9lives is not a YARA identifier" ;;
	big=*) expect_out "define: \"$item\": 99999999999999999999 is not a 64-bit integer" ;;
	*) expect_out "define: \"env=b\": env is defined twice" ;;
	esac
done
pass
