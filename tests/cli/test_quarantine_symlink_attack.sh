# The owner of a quarantined file swaps its folder for a symlink to a folder only root may
# write (think /etc and ld.so.preload) and waits for root to restore it: the restore must not
# follow the symlink, nor write into a folder that belongs to a third user, and must say why.
# With the folder put back, the same restore succeeds.
. "$(dirname "$0")/lib.sh"

attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

chmod 0711 "$WORK"
mkdir -m 0755 "$WORK/home" "$WORK/rootonly"
chown 65534:65534 "$WORK/home"
attacker mkdir "$WORK/home/drop"
attacker bash -c 'printf "%s" "$1" >"$2"' _ "$EICAR" "$WORK/home/drop/preload"
printf 'plugin clamav { database = {"%s/clamav"} }\nquarantine { dir = "q" }\n' "$DATA" \
	>"$WORK/fanguard.conf"
expect_scan 1 -c "$WORK/fanguard.conf" --move "$WORK/home/drop/preload"
id=$(sed -n "s|^$WORK/home/drop/preload: moved to quarantine as \([0-9TZa-f-]*\)\$|\1|p" "$WORK/out")
[ -n "$id" ] || fail "no quarantine ID"

# the swap: the owner's folder becomes a symlink to root's
attacker mv "$WORK/home/drop" "$WORK/home/drop.real"
attacker ln -s "$WORK/rootonly" "$WORK/home/drop"
expect_quarantine 1 -c "$WORK/fanguard.conf" restore "$id"
grep -q "$WORK/home/drop is a symbolic link; not followed" "$WORK/out" ||
	fail "restore through a symlink: $(cat "$WORK/out")"
[ -z "$(ls -A "$WORK/rootonly")" ] || fail "the restore wrote into root's folder: $(ls -la "$WORK/rootonly")"

# a symlink higher up is refused the same way
attacker rm "$WORK/home/drop"
attacker mv "$WORK/home/drop.real" "$WORK/home/drop"
mv "$WORK/home" "$WORK/home.real"
ln -s "$WORK/home.real" "$WORK/home"
expect_quarantine 1 -c "$WORK/fanguard.conf" restore "$id"
grep -q "$WORK/home is a symbolic link; not followed" "$WORK/out" || fail "symlink above: $(cat "$WORK/out")"
rm "$WORK/home"
mv "$WORK/home.real" "$WORK/home"

# a real folder, but a third user's: not used either
chown 4242 "$WORK/home/drop"
expect_quarantine 1 -c "$WORK/fanguard.conf" restore "$id"
grep -q "its folder belongs to uid 4242, neither root nor the file's owner" "$WORK/out" ||
	fail "third user's folder: $(cat "$WORK/out")"
chown 65534 "$WORK/home/drop"

# the folder as it was: restored, the owner's file again
expect_quarantine 0 -c "$WORK/fanguard.conf" restore "$id"
[ "$(cat "$WORK/home/drop/preload")" = "$EICAR" ] || fail "restored bytes differ"
[ "$(stat -c %u "$WORK/home/drop/preload")" = 65534 ] || fail "restored file is not the owner's"
pass
