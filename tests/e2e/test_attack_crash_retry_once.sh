# ATTACK (unprivileged): a scanner that crashes while scanning is restarted and the scans it held
# are sent again *once* (pending_fail_owed, pending.c); if the restarted scanner crashes again
# while holding such a re-sent scan, that scan gets error votes, and with the default
# on_error = allow the open is allowed unscanned -- even with on_timeout = "deny", i.e. the
# fail-open that pipeline_procs.c will_scan() says it avoids ("Errors then would be a fail-open
# anyone who can crash or hang a plugin could time"). A user who has a file that crashes a
# plugin (stand-in: a plugin built here that segfaults on files holding FG-CRASH-NOW, as a
# libclamav/libyara bug would) keeps opening it from a few processes; each crash takes down
# the shared scanner with every scan it held, and the re-sent ones are dispatched in the same
# burst as the next crash file. Another user's EICAR open that lands in two such bursts is
# allowed: the victim reads EICAR.
# Expected: a re-sent scan whose scanner dies again waits for it once more (or is decided by
# on_timeout at its deadline), never on_error; every victim open is denied.
. "$(dirname "$0")/lib.sh"
command -v cc >/dev/null || { echo "SKIP: no cc"; exit 0; }
fg_setup
fg_victim_setup
mkdir -m 0755 "$WORK/plug"
cat >"$WORK/plug/crashy.c" <<'C'
#define _GNU_SOURCE
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <fanguard/plugin.h>
static const struct fg_option_spec opts[] = { { NULL, 0, NULL, NULL } };
static int c_init(const struct fg_host_api *h, const struct fg_options *o, void **st, char *e, size_t n)
{ (void)h; (void)o; (void)e; (void)n; *st = NULL; return 0; }
static enum fg_verdict c_scan(void *st, void *t, const struct fg_scan_object *obj, struct fg_scan_result *r)
{
	(void)st; (void)t; (void)r;
	if (obj->data && memmem(obj->data, obj->size, "FG-CRASH-NOW", 12))
		*(volatile int *)0 = 1;
	return FG_VERDICT_CLEAN;
}
static void c_fini(void *st) { (void)st; }
static const struct fg_plugin crashy = { FG_PLUGIN_HEADER, .name = "crashy", .version = "1.0",
	.description = "stand-in for a parser bug", .options = opts, .init = c_init,
	.scan = c_scan, .fini = c_fini };
FG_PLUGIN_DEFINE(crashy)
C
cc -O2 -shared -fPIC -I"$FANGUARD_SRC/include" -o "$WORK/plug/crashy.so" "$WORK/plug/crashy.c" || fail "cc"
# the victim's EICARs (fresh ones: a deny is remembered)
for i in $(seq 1 8); do printf '%s' "$EICAR" >"$MNT/victim-$i.com"; chmod 0644 "$MNT/victim-$i.com"; done
for i in 1 2 3 4; do printf 'FG-CRASH-NOW %s\n' "$i" >"$MNT/drop/crash-$i.bin"; chown 65534:65534 "$MNT/drop/crash-$i.bin"; done
EVENTS='"open", "exec"' ON_TIMEOUT=deny WORKERS=2 fg_write_config "$WORK/fanguard.conf" clamav yara hash
echo "plugin crashy { path = \"$WORK/plug/crashy.so\" }" >>"$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
expect_open EPERM "$MNT/victim-later.com"

loops=""
# the attacker: four processes opening their crash files over and over (bounded: 25 s)
for i in 1 2 3 4; do
	as_attacker timeout -s KILL 15 bash -c 'end=$((SECONDS + 12)); for n in $(seq 1 400); do [ $SECONDS -lt $end ] || break; timeout -s KILL 5 "$1" open "$2" >/dev/null 2>&1; done' _ "$FG_PROBE" "$MNT/drop/crash-$i.bin" &
	loops+=" $!"
done
sleep 1
allowed=0
for i in $(seq 1 8); do
	got=$(as_victim timeout -s KILL 8 "$FG_PROBE" open "$MNT/victim-$i.com" || true)
	echo "victim open $i: $got"
	[ "$got" = ok ] && allowed=$((allowed + 1))
	sleep 0.3
done
for p in $loops; do wait "$p" || true; done
echo "scanner crashes: $(fg_count_log 'scanner plugins \(pid [0-9]+\) .*while scanning')"
{ grep -E "victim-[0-9]+\.com" "$DAEMON_LOG" | grep -v "DENY" || true; } | cut -c1-400 | head -8
grep -q "SCANNER plugins DISABLED" "$DAEMON_LOG" && fail "scanner disabled"
[ "$allowed" -eq 0 ] || fail "$allowed of 8 victim EICAR opens were allowed while another user crashed the scanner (on_timeout = deny, on_error = allow)"
fg_stop
pass
