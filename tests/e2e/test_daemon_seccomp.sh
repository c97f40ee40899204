# The daemon runs under a seccomp filter of its own (kernel and module loading, mounts,
# namespaces, BPF, open-by-handle... fail with EPERM), in every thread, and its scanner
# processes run under theirs on top of it; scan { seccomp = false } turns both off.
. "$(dirname "$0")/lib.sh"
fg_setup
status_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
fg_write_config "$WORK/fanguard.conf" hash
: >"$WORK/blocklist.sha256"
fg_start "$WORK/fanguard.conf"
scanner=$(pgrep -P "$FANGUARDD_PID" -x fanguardd) || fail "no scanner process"
[ "$(status_field "$FANGUARDD_PID" Seccomp)" = 2 ] || fail "daemon not in seccomp filter mode"
[ "$(status_field "$FANGUARDD_PID" Seccomp_filters)" = 1 ] || fail "daemon: $(status_field "$FANGUARDD_PID" Seccomp_filters) filters"
for task in /proc/"$FANGUARDD_PID"/task/*; do
	[ "$(awk '$1 == "Seccomp:" { print $2 }' "$task/status")" = 2 ] || fail "thread ${task##*/} has no filter"
done
[ "$(status_field "$scanner" Seccomp_filters)" = 2 ] || fail "scanner: $(status_field "$scanner" Seccomp_filters) filters, expected 2"
fg_put "$MNT/clean.txt" "nothing to see"
expect_open ok "$MNT/clean.txt"
fg_stop

sed -i 's|^scan { |scan { seccomp = false |' "$WORK/fanguard.conf"
grep -q 'seccomp = false' "$WORK/fanguard.conf" || fail "config lacks seccomp = false"
fg_start "$WORK/fanguard.conf"
scanner=$(pgrep -P "$FANGUARDD_PID" -x fanguardd) || fail "no scanner process"
[ "$(status_field "$FANGUARDD_PID" Seccomp)" = 0 ] || fail "daemon filtered with seccomp = false"
[ "$(status_field "$scanner" Seccomp)" = 0 ] || fail "scanner filtered with seccomp = false"
fg_stop
pass
