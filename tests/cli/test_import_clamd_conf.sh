# `fanguard import-clamd-conf` turns a clamd.conf with clamonacc's OnAccess* settings
# (tests/data/clamd-conf/clamd.conf, Debian's with them added) into a fanguard.conf that
# `fanguardd -t` accepts and that holds the mapped values; what it cannot map is listed as a
# comment; a malformed clamd.conf is refused with file:line.
. "$(dirname "$0")/lib.sh"
FANGUARDD="$FANGUARD_BUILD/sbin/fanguardd"
# the database must be one fanguardd trusts and can load here: the project's test signatures
sed "s|^DatabaseDirectory .*|DatabaseDirectory $DATA/clamav|" "$DATA/clamd-conf/clamd.conf" >"$WORK/clamd.conf"

"$FANGUARD" import-clamd-conf "$WORK/clamd.conf" >"$WORK/fanguard.conf" 2>"$WORK/out" ||
	fail "import failed: $(cat "$WORK/out")"
cp "$WORK/fanguard.conf" "$WORK/out"
expect_out '^  paths \+= \{"/tmp"\}    # OnAccessIncludePath, line [0-9]+$'
expect_out '^  paths \+= \{"/var/tmp"\}'
expect_out '^  exclude \+= \{"/var/tmp/with space"\}'
expect_out '^  exclude_uid \+= \{"0"\}    # OnAccessExcludeRootUID'
expect_out '^  exclude_uid \+= \{"nobody"\}    # OnAccessExcludeUname'
expect_out '^  max_file_size = 12582912    # OnAccessMaxFileSize 12M'
expect_out '^  on_error = "deny"    # OnAccessDenyOnError yes'
expect_out "^  database = \{\"$DATA/clamav\"\}    # DatabaseDirectory, line 27$"
expect_out '^  max_file_size = 26214400    # MaxFileSize 25M'
expect_out '^  scan_mail = true    # ScanMail'
expect_out '^#   line [0-9]+: LocalSocket /var/run/clamav/clamd.ctl -- '
expect_out '^#   line [0-9]+: OnAccessExtraScanning yes -- '
expect_out '^#   line [0-9]+: MaxThreads 12 -- no equivalent in fanguard$'
# every setting of the input is either mapped or listed as not carried over
settings=$(grep -cEv '^[[:space:]]*(#|$)' "$WORK/clamd.conf")
accounted=$(grep -cE '# [A-Za-z0-9]+( .*)?, line [0-9]+|^#   line [0-9]+: ' "$WORK/fanguard.conf")
# OnAccessPrevention is said in a comment of the verdict section
grep -q '# OnAccessPrevention yes, line [0-9]*: fanguard denies detected files' "$WORK/fanguard.conf" ||
	fail "OnAccessPrevention not carried over"
[ "$accounted" -eq "$settings" ] || fail "$settings settings in, $accounted accounted for"

# fanguardd accepts it as it is
"$FANGUARDD" -t -c "$WORK/fanguard.conf" >"$WORK/out" 2>&1 || fail "fanguardd -t refused it"
expect_out "configuration OK"

# prevention off (clamonacc's default): report mode
grep -v '^OnAccessPrevention' "$WORK/clamd.conf" >"$WORK/noprev.conf"
"$FANGUARD" import-clamd-conf "$WORK/noprev.conf" >"$WORK/out" 2>&1 || fail "import failed"
expect_out '^  # OnAccessPrevention not set .*clamonacc only reported'
expect_out '^  mode = "report"$'
"$FANGUARD" import-clamd-conf "$WORK/noprev.conf" >"$WORK/noprev-fanguard.conf" || fail "import failed"
"$FANGUARDD" -t -c "$WORK/noprev-fanguard.conf" >"$WORK/out" 2>&1 || fail "fanguardd -t refused report mode: $(cat "$WORK/out")"

# malformed input: file and line
bad() { # $1: the line, $2: what the error must say
	{ echo "# a comment"; echo "$1"; } >"$WORK/bad.conf"
	rc=0
	"$FANGUARD" import-clamd-conf "$WORK/bad.conf" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "'$1': exit $rc, expected 2"
	expect_out "^fanguard import-clamd-conf: $WORK/bad.conf:2: $2"
}
bad "OnAccessPrevention maybe" "OnAccessPrevention: 'maybe' is not yes, no, true or false"
bad "OnAccessMaxFileSize 5X" "OnAccessMaxFileSize: '5X' is not a size"
bad "OnAccessIncludePath home" "OnAccessIncludePath: 'home' is not an absolute path"
bad "OnAccessExcludeUID root" "OnAccessExcludeUID: 'root' is not a number"
bad "OnAccessIncludePath" "OnAccessIncludePath: no value"
bad "Example" "the sample's 'Example' line is still there"
bad "Max-Files 3" "'Max-Files' is not an option name"
rc=0
"$FANGUARD" import-clamd-conf "$WORK/none.conf" >"$WORK/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] && expect_out "none.conf: No such file or directory"
pass
