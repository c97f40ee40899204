# `fanguard explain PATH` says why the running daemon would allow or deny a file now, for each
# reason: outside watch.paths, excluded (by which entry, with its line), too large, remembered
# (clean or deny), report mode, exclusions that depend on the opener, and otherwise a scan done
# now with each plugin's vote. `fanguard top` (and `status --top`) names the program that
# cost the most scan time. Both are root only, like the other control commands.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -p "$MNT/skip" "$MNT/home" "$WORK/outside"
printf '%s' "$EICAR" | sha256sum >"$WORK/blocklist.sha256"
printf '%s' "$EICAR" >"$MNT/eicar.com"
printf '%s' "$EICAR" >"$MNT/home/eicar.com"
printf '%s' "$EICAR" >"$MNT/skip/eicar.com"
printf '%s' "$EICAR" >"$WORK/outside/eicar.com"
printf 'clean bytes\n' >"$MNT/clean.txt"
head -c 5000 /dev/zero >"$MNT/big.bin"
for i in $(seq 1 200); do head -c 3000 /dev/urandom >"$MNT/heavy$i.bin"; done
EXCLUDE="\"$MNT/skip\"" MAX_SIZE=4096 fg_write_config "$WORK/fanguard.conf" clamav hash
sed -i 's|^watch {|watch {\n  exclude_uid = {"65533"}|' "$WORK/fanguard.conf"
cat >>"$WORK/fanguard.conf" <<CONF
policy "$MNT/home" { mode = "report" }
CONF
fg_start "$WORK/fanguard.conf"
explain() { "$FANGUARD" explain -c "$WORK/fanguard.conf" "$1" >"$WORK/explain.out" 2>&1 || fail "explain $1: $(cat "$WORK/explain.out")"; }
has() { grep -Eq -- "$1" "$WORK/explain.out" || fail "explain lacks '$1': $(cat "$WORK/explain.out")"; }

explain "$WORK/outside/eicar.com"
has '^watch: outside watch.paths'
has '^verdict: allow \(not scanned\)'

explain "$MNT/skip/eicar.com"
line=$(grep -n "exclude = {\"$MNT/skip\"}" "$WORK/fanguard.conf" | cut -d: -f1)
has "^excluded: by watch.exclude entry \"$MNT/skip\" \($WORK/fanguard.conf:$line\)"

explain "$MNT/big.bin"
has '^size: larger than watch.max_file_size \(4096 bytes\)'
has '^verdict: allow \(verdict.on_too_large\)'

# never opened: scanned now, each plugin's vote; the opener-dependent exclusion is named
explain "$MNT/eicar.com"
has '^mode: block \(verdict.mode\)'
has '^opener: depends on who opens it: opens by uid 65533, are allowed unscanned'
has '^cache: nothing remembered'
has '^  clamav: DETECTED: .*EICAR'
has '^  hash: DETECTED: Hash.Blocklist'
has '^verdict: deny \(detected under verdict.policy any-deny\)'
explain "$MNT/clean.txt"
has '^  clamav: clean$'
has '^verdict: allow \(clean'

# remembered verdicts, after real opens
expect_open EPERM "$MNT/eicar.com"
explain "$MNT/eicar.com"
has '^cache: remembered from an earlier scan of the unchanged file: deny: .*clamav'
has '^verdict: deny \(remembered\)'
cat "$MNT/clean.txt" >/dev/null
explain "$MNT/clean.txt"
has '^cache: remembered from an earlier scan of the unchanged file: clean'
has '^verdict: allow \(remembered\)'

# report mode: what block mode would do, and that it is not done
explain "$MNT/home/eicar.com"
has "^mode: report \(policy \"$MNT/home\" at $WORK/fanguard.conf:[0-9]+\)"
has '^verdict: allow \(would deny: report mode; detected'

# top: the program that scanned most (200 files, written before the daemon started, against a few explain scans) is first
cp "$FG_PROBE" "$WORK/heavy-prober"
for i in $(seq 1 200); do "$WORK/heavy-prober" open "$MNT/heavy$i.bin" >/dev/null; done
# a scan is counted when it finishes, just after its open was answered: wait for the last one
for _ in $(seq 1 100); do
	"$FANGUARD" top -c "$WORK/fanguard.conf" -n 3 >"$WORK/top.out" || fail "top failed"
	grep -Eq "^ +[0-9.]+ +200 +[0-9.]+  $WORK/heavy-prober\$" "$WORK/top.out" && break
	sleep 0.05
done
first=$(sed -n '/^programs/{n;p}' "$WORK/top.out")
grep -q "$WORK/heavy-prober\$" <<<"$first" || fail "top: the heaviest program is not first: $(cat "$WORK/top.out")"
grep -Eq "^ +[0-9.]+ +200 +[0-9.]+  $WORK/heavy-prober\$" "$WORK/top.out" || fail "top: scans of heavy-prober: $(cat "$WORK/top.out")"
grep -q "^folders by scan time" "$WORK/top.out" || fail "top: no folders: $(cat "$WORK/top.out")"
grep -Eq "  $MNT\$" "$WORK/top.out" || fail "top: $MNT not among the folders: $(cat "$WORK/top.out")"
"$FANGUARD" status --top -c "$WORK/fanguard.conf" | grep -q "heavy-prober" || fail "status --top"

# root only
if setpriv --reuid=65534 --regid=65534 --clear-groups -- "$FANGUARD" explain -c "$WORK/fanguard.conf" "$MNT/clean.txt" >"$WORK/user.out" 2>&1; then
	fail "explain answered an ordinary user"
fi
fg_stop
pass
