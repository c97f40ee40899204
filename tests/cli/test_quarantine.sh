# `fanguard scan --move` and `fanguard quarantine list|restore|delete` with real detections:
# a move keeps nothing but a root-only 0400 copy, a restore gives back the bytes, owner and
# mode, never overwrites, and a move that fails (read-only or full quarantine filesystem, in a
# private mount namespace) leaves the file where it was and no partial copy behind.
. "$(dirname "$0")/lib.sh"

moved_id() {
	sed -n "s|^$1: moved to quarantine as \([0-9TZa-f-]*\)\$|\1|p" "$WORK/out"
}

# ---- the part that needs its own mount namespace (run by the outer part below) ----
if [ "${1:-}" = in-namespace ]; then
	[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
		fail "not in a private mount namespace; refusing to mount anything"
	trap 'umount "$WORK/ro" "$WORK/small" 2>/dev/null; rm -rf "$WORK"' EXIT
	mkdir "$WORK/ro" "$WORK/small" "$WORK/files"
	mount -t tmpfs -o size=1m,mode=0755 fg-quarantine-ro "$WORK/ro"
	mkdir -m 0700 "$WORK/ro/q"
	mount -o remount,ro "$WORK/ro"
	mount -t tmpfs -o size=256k,mode=0755 fg-quarantine-small "$WORK/small"
	printf '%s' "$EICAR" >"$WORK/files/eicar.com"
	{ printf '%s' "$EICAR"; head -c 1048576 /dev/urandom; } >"$WORK/files/big-eicar.bin"
	cp "$WORK/files/eicar.com" "$WORK/eicar.ref"
	cp "$WORK/files/big-eicar.bin" "$WORK/big.ref"
	chown 4321:8765 "$WORK/files/eicar.com"
	chmod 0751 "$WORK/files/eicar.com"

	# a read-only quarantine: even root cannot write there
	printf 'plugin clamav { database = {"%s/clamav"} }\nquarantine { dir = "ro/q" }\n' "$DATA" \
		>"$WORK/ro.conf"
	expect_scan 1 -c "$WORK/ro.conf" --move "$WORK/files/eicar.com"
	expect_out "^$WORK/files/eicar.com: not moved to quarantine: .*Read-only file system ERROR$"
	expect_no_out "moved to quarantine as"
	cmp -s "$WORK/files/eicar.com" "$WORK/eicar.ref" || fail "file changed after a failed move"
	[ -z "$(ls -A "$WORK/ro/q")" ] || fail "read-only quarantine has entries: $(ls -A "$WORK/ro/q")"

	# another filesystem that fills up during the copy: the partial copy goes, the file stays
	printf 'plugin clamav { database = {"%s/clamav"} }\nquarantine { dir = "small/q" }\n' "$DATA" \
		>"$WORK/small.conf"
	expect_scan 1 -c "$WORK/small.conf" --move "$WORK/files/big-eicar.bin"
	expect_out "^$WORK/files/big-eicar.bin: not moved to quarantine: cannot copy .*No space left on device ERROR$"
	cmp -s "$WORK/files/big-eicar.bin" "$WORK/big.ref" || fail "file changed after a failed copy"
	[ -z "$(ls -A "$WORK/small/q")" ] || fail "partial copy left behind: $(ls -A "$WORK/small/q")"
	[ "$(stat -c %a "$WORK/small/q")" = 700 ] || fail "quarantine folder mode $(stat -c %a "$WORK/small/q")"

	# across filesystems a move is a copy: it works, and so does the restore (a copy back)
	expect_scan 1 -c "$WORK/small.conf" --move "$WORK/files/eicar.com"
	id=$(moved_id "$WORK/files/eicar.com")
	[ -n "$id" ] || fail "no ID for the move to another filesystem"
	[ ! -e "$WORK/files/eicar.com" ] || fail "original still there after a copy-move"
	expect_quarantine 0 -c "$WORK/small.conf" restore "$id"
	cmp -s "$WORK/files/eicar.com" "$WORK/eicar.ref" || fail "copy-restore is not byte-identical"
	[ "$(stat -c '%u:%g %a' "$WORK/files/eicar.com")" = "4321:8765 751" ] ||
		fail "copy-restore owner/mode: $(stat -c '%u:%g %a' "$WORK/files/eicar.com")"
	[ -z "$(ls -A "$WORK/small/q")" ] || fail "restored item still in quarantine"
	exit 0
fi

# ---- same filesystem: rename ----
mkdir "$WORK/files"
printf '%s' "$EICAR" >"$WORK/files/eicar.com"
printf 'nothing to see\n' >"$WORK/files/clean.txt"
cp "$WORK/files/eicar.com" "$WORK/eicar.ref"
chown 4321:8765 "$WORK/files/eicar.com"
chmod 0754 "$WORK/files/eicar.com"
cat >"$WORK/fg.conf" <<CONF
plugin clamav { database = {"$DATA/clamav"} }
plugin yara { rules = {"$DATA/yara/rules"} }
quarantine { dir = "quarantine" }      # relative: next to this file
CONF
Q="$WORK/quarantine"

# listing a quarantine never used creates nothing
expect_quarantine 0 -c "$WORK/fg.conf" list
expect_out "^no files in quarantine \($Q does not exist yet\)$"
[ ! -e "$Q" ] || fail "quarantine list created $Q"

expect_scan 1 -c "$WORK/fg.conf" --move "$WORK/files"
expect_out "^$WORK/files/eicar.com: clamav:Fanguard.Test.EICAR.UNOFFICIAL FOUND$"
expect_out "^$WORK/files/clean.txt: OK$"
id=$(moved_id "$WORK/files/eicar.com")
[ -n "$id" ] || fail "no 'moved to quarantine as ID' line"
[ ! -e "$WORK/files/eicar.com" ] || fail "eicar.com still in place after --move"
[ -f "$WORK/files/clean.txt" ] || fail "clean file was moved"
[ "$(stat -c '%u %a' "$Q")" = "0 700" ] || fail "quarantine folder: $(stat -c '%u %a' "$Q")"
[ "$(stat -c '%u:%g %a' "$Q/$id.data")" = "0:0 400" ] ||
	fail "quarantined file: $(stat -c '%u:%g %a' "$Q/$id.data") (want root's, 0400)"
grep -qx "path=$WORK/files/eicar.com" "$Q/$id.meta" || fail "metadata: $(cat "$Q/$id.meta")"
grep -qx "sha256=$(sha256sum "$WORK/eicar.ref" | cut -c1-64)" "$Q/$id.meta" || fail "metadata sha256"

# what is in quarantine stays there, even when the folder itself is scanned with --move
expect_scan 1 -c "$WORK/fg.conf" -i --move "$Q"
expect_out "^$Q/$id.data: not moved to quarantine: $Q/$id.data is in the quarantine folder already ERROR$"
[ "$(ls "$Q" | wc -l)" -eq 2 ] || fail "quarantine changed by scanning it: $(ls -A "$Q")"

expect_quarantine 0 -c "$WORK/fg.conf" list
expect_out "^$id  20[0-9-]*T[0-9:]*Z +clamav:Fanguard.Test.EICAR.UNOFFICIAL  $WORK/files/eicar.com$"

# a second item with a shorter threat name: the columns still line up under their headings
printf 'x %s%s x\n' FANGUARD-CLAMAV-TEST- MARKER-7f3a >"$WORK/files/marker.txt"
expect_scan 1 -c "$WORK/fg.conf" --move "$WORK/files/marker.txt"
id2=$(moved_id "$WORK/files/marker.txt")
expect_quarantine 0 -c "$WORK/fg.conf" list
[ "$(wc -l <"$WORK/out")" -eq 3 ] || fail "list: expected a heading and two items"
for col in "TIME (UTC)" "ORIGINAL PATH"; do
	want=$(head -n 1 "$WORK/out" | awk -v c="$col" '{ print index($0, c) }')
	case $col in "TIME (UTC)") pat='20[0-9][0-9]-' ;; *) pat="$WORK/files/" ;; esac
	tail -n 2 "$WORK/out" | while IFS= read -r line; do
		got=$(awk -v p="$pat" '{ if (match($0, p)) print RSTART }' <<<"$line")
		[ "$got" = "$want" ] || fail "column '$col' at $got, not $want, in: $line"
	done
done
expect_quarantine 0 -c "$WORK/fg.conf" delete "$id2"

# restore never overwrites
printf 'newer\n' >"$WORK/files/eicar.com"
expect_quarantine 1 -c "$WORK/fg.conf" restore "$id"
expect_out "$WORK/files/eicar.com exists; not overwritten"
[ "$(cat "$WORK/files/eicar.com")" = newer ] || fail "the file in the way was touched"
[ -f "$Q/$id.data" ] || fail "a refused restore lost the item"
rm "$WORK/files/eicar.com"

expect_quarantine 0 -c "$WORK/fg.conf" restore "$id"
expect_out "^$id: restored to $WORK/files/eicar.com \(owner 4321:8765, mode 0754\)$"
cmp -s "$WORK/files/eicar.com" "$WORK/eicar.ref" || fail "restored content differs"
[ "$(stat -c '%u:%g %a' "$WORK/files/eicar.com")" = "4321:8765 754" ] ||
	fail "restored owner/mode: $(stat -c '%u:%g %a' "$WORK/files/eicar.com")"
[ ! -e "$Q/$id.data" ] && [ ! -e "$Q/$id.meta" ] || fail "restored item left in quarantine"
expect_quarantine 0 -c "$WORK/fg.conf" list
expect_out "^no files in quarantine \($Q\)$"

# unknown and malformed IDs
expect_quarantine 1 -c "$WORK/fg.conf" restore "$id"
expect_out "no quarantined item $id"
expect_quarantine 1 -c "$WORK/fg.conf" delete ../../etc/passwd
expect_out "'../../etc/passwd' is not a quarantine ID"
expect_quarantine 2 -c "$WORK/fg.conf" explode
expect_out "unknown action 'explode'"

# delete
expect_scan 1 -c "$WORK/fg.conf" -i --move "$WORK/files/eicar.com"
id=$(moved_id "$WORK/files/eicar.com")
[ -n "$id" ] || fail "no ID for the second move"
expect_quarantine 0 -c "$WORK/fg.conf" delete "$id"
expect_out "^$id: deleted \(was $WORK/files/eicar.com\)$"
[ -z "$(ls -A "$Q")" ] || fail "delete left: $(ls -A "$Q")"
[ ! -e "$WORK/files/eicar.com" ] || fail "delete restored the file"

# a quarantine folder others could write to is refused, and nothing moves
printf '%s' "$EICAR" >"$WORK/files/eicar.com"
chmod 0777 "$Q"
expect_scan 2 -c "$WORK/fg.conf" --move "$WORK/files/eicar.com"
expect_out "refusing quarantine folder $Q: writable by group or others"
[ -f "$WORK/files/eicar.com" ] || fail "moved into an unsafe folder"
chmod 0700 "$Q"

# read-only and full quarantine filesystems, and a move across filesystems
unshare --mount --propagation private -- bash "$0" in-namespace ||
	fail "the mount-namespace part failed"
pass
