# Runs the clamav plugin (through `fanguard scan`) and clamscan on the same file with the
# same signatures, sourced after tests/cli/lib.sh. Makes the samples in $SAMPLES.
command -v clamscan >/dev/null || fail "clamscan not found (scripts/install-deps.sh installs it)"
CLAM_DB="$DATA/clamav"
SAMPLES="$WORK/samples"
mkdir "$SAMPLES"
printf '%s' "$EICAR" | python3 "$DATA/clamav-fidelity/samples.py" "$SAMPLES" ||
	fail "cannot make the samples"

# What fanguard says of FILE with the plugin options OPTIONS: the threat text, "OK", or
# "not scanned" (the host skipped it, over the plugin's max_file_size). The daemon's own
# size cap, watch.max_file_size, is set out of the way: only the plugin's limits are tested.
fg_says() {
	local file=$1 options=$2 rc=0
	printf 'watch { max_file_size = 1073741824 }\nplugin clamav { database = {"%s"} %s }\n' \
		"$CLAM_DB" "$options" >"$WORK/fg.conf"
	timeout 120 "$FANGUARD" scan -c "$WORK/fg.conf" "$file" >"$WORK/out" 2>&1 || rc=$?
	[ "$rc" -le 1 ] || fail "fanguard scan {$options} $file: exit $rc"
	sed -n -e "s|^$file: clamav:\(.*\) FOUND\$|\1|p" -e "s|^$file: OK\$|OK|p" \
		-e "s|^$file: skipped.*|not scanned|p" "$WORK/out"
}

# What clamscan ARGS... says of FILE: every name it prints, once each, in order, joined with
# ", " (allmatch prints a name for every match), or "OK".
clamscan_says() {
	local file=$1 rc=0
	shift
	timeout 120 clamscan --no-summary -d "$CLAM_DB" "$@" "$file" >"$WORK/clam.out" 2>&1 || rc=$?
	[ "$rc" -le 1 ] || { cat "$WORK/clam.out" >&2; fail "clamscan $* $file: exit $rc"; }
	sed -n -e "s|^$file: \(.*\) FOUND\$|\1|p" -e "s|^$file: OK\$|OK|p" "$WORK/clam.out" |
		awk '!seen[$0]++ { printf "%s%s", n++ ? ", " : "", $0 } END { print "" }'
}

# expect_same WANT FILE OPTIONS CLAMSCAN_ARGS...: clamscan says WANT, and so does fanguard.
# A WANT of OK also accepts fanguard's "not scanned": libclamav skips such a file as clean.
expect_same() {
	local want=$1 file=$2 options=$3 fg clam
	shift 3
	clam=$(clamscan_says "$file" "$@")
	[ "$clam" = "$want" ] || fail "clamscan $* ${file##*/}: '$clam', expected '$want'"
	fg=$(fg_says "$file" "$options")
	[ "$fg" = "$want" ] || [ "$want/$fg" = "OK/not scanned" ] ||
		fail "plugin clamav {$options} ${file##*/}: '$fg', clamscan $*: '$want'"
}
