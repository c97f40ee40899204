# On access, YARA rules see the opened file's name and owner (the filename and owner external
# variables) and every matching rule is named: a rule on filename == "evil.txt" denies evil.txt and
# not good.txt of the same content, one on owner == "nobody" a copy nobody owns, and a file two
# rules match is denied with both names in the log and the event log. Since such verdicts hold for
# one name of the inode only, none is remembered: a clean good.txt hard-linked or renamed to
# evil.txt (which changes no content, and on a rename leaves any kernel ignore mark in place) is
# denied under its new name.
. "$(dirname "$0")/lib.sh"
fg_setup
# written before the daemon starts: no creating open is scanned
printf 'same harmless words\n' >"$MNT/evil.txt"
printf 'same harmless words\n' >"$MNT/good.txt"
printf 'same harmless words\n' >"$MNT/owned.txt"
chown nobody "$MNT/owned.txt"
printf 'x FANGUARD-FIDELITY-MARKER-%s tick tick tick\n' 7a1 >"$MNT/two.txt"
fg_write_config "$WORK/fanguard.conf"
echo "plugin yara { rules = {\"$DATA/yara-fidelity/on_access.yar\"} }" >>"$WORK/fanguard.conf"
sed -i "s|^log { level = \"info\" }|log { level = \"info\" events = \"$WORK/events.jsonl\" }|" \
	"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"

expect_open ok "$MNT/good.txt"
expect_open EPERM "$MNT/evil.txt"
expect_log "DENY open of $MNT/evil.txt .*yara: Evil_File_Name"
expect_open EPERM "$MNT/owned.txt"
expect_log "DENY open of $MNT/owned.txt .*yara: Owned_By_Nobody"
expect_no_log "of $MNT/good.txt .*yara:"

expect_open EPERM "$MNT/two.txt"
expect_log "DENY open of $MNT/two.txt .*yara: Two_Rules_First, Two_Rules_Second"
for _ in $(seq 1 100); do grep -qF "$MNT/two.txt" "$WORK/events.jsonl" && break; sleep 0.05; done
event=$(grep -F "\"path\":\"$MNT/two.txt\"" "$WORK/events.jsonl" | sed -n 1p)
grep -qF '"findings":[{"plugin":"yara","threat":"Two_Rules_First, Two_Rules_Second"}]' <<<"$event" ||
	fail "event lacks both rules: $event"

# the name is not the inode's: a second name of a file just found clean, and the file renamed
expect_log "rules read filename, filepath, extension or owner: verdicts are not cached"
printf 'same harmless words\n' >"$MNT/clean-first.txt"
expect_open ok "$MNT/clean-first.txt"
mkdir "$MNT/sub"
ln "$MNT/clean-first.txt" "$MNT/sub/evil.txt"
expect_open EPERM "$MNT/sub/evil.txt"
printf 'same harmless words\n' >"$MNT/renamed.txt"
expect_open ok "$MNT/renamed.txt"
expect_open ok "$MNT/renamed.txt"
mkdir "$MNT/sub2"
mv "$MNT/renamed.txt" "$MNT/sub2/evil.txt"
expect_open EPERM "$MNT/sub2/evil.txt"
fg_stop
pass
