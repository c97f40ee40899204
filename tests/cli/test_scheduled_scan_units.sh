# fanguard-scan.service and fanguard-scan.timer, installed by `cmake --install` (not enabled),
# run the installed CLI on the installed config; the generator turns schedule { on_calendar,
# nice, io_class, cpu_quota } into drop-ins; units and drop-ins pass `systemd-analyze verify`,
# and a schedule systemd cannot parse fails it (so the check can fail).
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || fail "systemd-analyze missing (scripts/install-deps.sh installs systemd)"
prefix="$WORK/prefix"
cmake --install "$FANGUARD_BUILD" --prefix "$prefix" >"$WORK/install.log" 2>&1 ||
	{ cat "$WORK/install.log" >&2; fail "cmake --install failed"; }
units="$prefix/lib/systemd/system"
generator="$prefix/lib/systemd/system-generators/fanguard-scan-generator"
for f in "$units/fanguard-scan.service" "$units/fanguard-scan.timer"; do
	[ -f "$f" ] || fail "missing $f after install"
done
[ -x "$generator" ] || fail "the generator is not installed executable"
# installed, not enabled: nothing links the timer into timers.target
[ -z "$(find "$prefix" -name '*.wants' 2>/dev/null)" ] || fail "something was enabled by the install"
grep -qx "ExecStart=$prefix/bin/fanguard scheduled-scan -c $prefix/etc/fanguard/fanguard.conf" \
	"$units/fanguard-scan.service" || fail "the service does not run the installed CLI"
grep -qx "WantedBy=timers.target" "$units/fanguard-scan.timer" || fail "the timer is not for timers.target"

# the generator on the installed config with a schedule of the admin's
cat >>"$prefix/etc/fanguard/fanguard.conf" <<CONF
schedule {
  paths = {"$WORK/tree"}
  on_calendar = "Sat *-*-* 03:00:00"
  nice = 10
  io_class = "best-effort"
  cpu_quota = 25
}
CONF
mkdir "$WORK/gen"
sh "$generator" "$WORK/gen" >"$WORK/out" 2>&1 || fail "the generator failed"
cp "$WORK/gen/fanguard-scan.timer.d/50-schedule.conf" "$WORK/out"
expect_out "^OnCalendar=$"
expect_out "^OnCalendar=Sat \*-\*-\* 03:00:00$"
cp "$WORK/gen/fanguard-scan.service.d/50-schedule.conf" "$WORK/out"
expect_out "^Nice=10$"
expect_out "^IOSchedulingClass=best-effort$"
expect_out "^CPUQuota=25%$"

# verify each unit with its drop-in appended (what systemd would merge)
verify() {
	mkdir -p "$WORK/v"
	cat "$units/fanguard-scan.service" "$WORK/gen/fanguard-scan.service.d/50-schedule.conf" \
		>"$WORK/v/fanguard-scan.service"
	cat "$units/fanguard-scan.timer" "$WORK/gen/fanguard-scan.timer.d/50-schedule.conf" \
		>"$WORK/v/fanguard-scan.timer"
	systemd-analyze verify --man=no "$WORK/v/fanguard-scan.service" "$WORK/v/fanguard-scan.timer" \
		>"$WORK/out" 2>&1
}
verify || fail "systemd-analyze verify failed on the units and their drop-ins"
systemd-analyze verify --man=no "$units/fanguard-scan.service" "$units/fanguard-scan.timer" \
	>"$WORK/out" 2>&1 || fail "systemd-analyze verify failed on the units as installed"

# a calendar systemd cannot read is caught by the same verification
sed -i 's/^  on_calendar = .*/  on_calendar = "every blue moon"/' "$prefix/etc/fanguard/fanguard.conf"
sh "$generator" "$WORK/gen" >"$WORK/out" 2>&1 || fail "the generator failed"
if verify; then fail "systemd-analyze verify passed a timer with OnCalendar=every blue moon"; fi
expect_out "calendar"

# a config that does not load leaves the units' defaults, and the generator still exits 0
rm -rf "$WORK/gen2" && mkdir "$WORK/gen2"
sed -i 's/^  nice = 10$/  nice = 99/' "$prefix/etc/fanguard/fanguard.conf"
sh "$generator" "$WORK/gen2" >"$WORK/out" 2>&1 || fail "the generator failed on a bad config"
expect_out "fanguard\.conf:[0-9]+: option 'nice': 99 is out of range"
[ -z "$(ls -A "$WORK/gen2")" ] || fail "drop-ins were written from a config that does not load"
pass
