# exclude_exe names a program, so nobody can borrow the exclusion by making that program load
# code of an ordinary user's: LD_PRELOAD of a detected library into the excluded program (run by
# root: a user's own run of it is never excluded, test_attack_exclude_exe_ptrace.sh) must not
# load it (its open is scanned and denied), and an excluded program that runs a library from a
# folder the user controls is scanned like any other, while the plain program stays excluded.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -m 0755 "$WORK/trusted"
cp /bin/cat "$WORK/trusted/cat"
chmod 0755 "$WORK/trusted/cat"
command -v gcc >/dev/null || fail "gcc is needed to build the test libraries"
# a library whose constructor says it ran; the evil one carries EICAR
cat >"$WORK/lib.c" <<'C'
#include <stdio.h>
#include <unistd.h>
#ifdef EVIL
const char payload[] = PAYLOAD;
#endif
__attribute__((constructor)) static void hello(void)
{
	static const char msg[] = "INJECTED\n";
	write(2, msg, sizeof(msg) - 1);
}
C
gcc -shared -fPIC -o "$WORK/evil.so" -DEVIL "-DPAYLOAD=\"$(printf '%s' "$EICAR" | sed 's/\\/\\\\/g; s/"/\\"/g')\"" "$WORK/lib.c" ||
	fail "cannot build the evil library"
gcc -shared -fPIC -o "$WORK/clean.so" "$WORK/lib.c" || fail "cannot build the clean library"
grep -qa 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' "$WORK/evil.so" || fail "the payload is not in the library"

# a program that loads a library itself (dlopen) before it reads a file
cat >"$WORK/loader.c" <<'C'
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	char buf[256];
	size_t n;
	FILE *f;

	if (argc > 2 && !dlopen(argv[2], RTLD_NOW))
		return 2;
	if (!(f = fopen(argv[1], "r"))) {
		perror(argv[1]);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fwrite(buf, 1, n, stdout);
	return 0;
}
C
gcc -o "$WORK/trusted/loader" "$WORK/loader.c" -ldl || fail "cannot build the loader"
chmod 0755 "$WORK/trusted/loader"

EVENTS='"open", "exec"'
fg_write_config "$WORK/fanguard.conf" clamav yara
sed -i "/^  exclude = /a\\  exclude_exe = {\"$WORK/trusted/cat\", \"$WORK/trusted/loader\"}" "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"

mkdir -m 1777 "$MNT/drop"
attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
attacker cp "$WORK/evil.so" "$MNT/drop/evil.so"
attacker cp "$WORK/clean.so" "$MNT/drop/clean.so"
fg_put "$MNT/eicar.txt" "$EICAR"
chmod 0644 "$MNT/eicar.txt"

# the exclusion works for the program as it is, run by root
[ "$("$WORK/trusted/cat" "$MNT/eicar.txt")" = "$EICAR" ] || fail "the excluded cat could not read EICAR"

# 1. the detected library preloaded into the excluded program: not loaded
env LD_PRELOAD="$MNT/drop/evil.so" "$WORK/trusted/cat" /dev/null 2>"$WORK/evil.err" || true
if grep -q INJECTED "$WORK/evil.err"; then fail "the detected library ran inside the excluded program"; fi
grep -q 'evil.so' "$WORK/evil.err" || fail "the loader did not report the refused library: $(cat "$WORK/evil.err")"
expect_log "$WORK/trusted/cat \(pid [0-9]+\) is not excluded: it was started with LD_PRELOAD"
expect_log "DENY open of $MNT/drop/evil.so by pid [0-9]+ \(uid 0, exe $WORK/trusted/cat\)"

# 2. a clean library of the user's: it loads, but the program is scanned from then on
if env LD_PRELOAD="$MNT/drop/clean.so" "$WORK/trusted/cat" "$MNT/eicar.txt" >"$WORK/out" 2>"$WORK/clean.err"; then
	fail "the excluded cat with the user's library read EICAR"
fi
grep -q INJECTED "$WORK/clean.err" || fail "the clean library did not load: $(cat "$WORK/clean.err")"
grep -q 'Operation not permitted' "$WORK/clean.err" || fail "cat with clean.so: $(cat "$WORK/clean.err")"

# 3. no loader variable at all: the excluded program loads the user's library itself (dlopen, as
#    a plugin host or an interpreter's module loader does); its mappings give it away
sleep 1.1 # the "is not excluded" line is rate-limited to one a second
[ "$("$WORK/trusted/loader" "$MNT/eicar.txt")" = "$EICAR" ] ||
	fail "the excluded loader could not read EICAR"
if "$WORK/trusted/loader" "$MNT/eicar.txt" "$MNT/drop/clean.so" >"$WORK/out" 2>"$WORK/dl.err"; then
	fail "the excluded loader read EICAR with the user's library mapped"
fi
grep -q INJECTED "$WORK/dl.err" || fail "the user's library did not load: $(cat "$WORK/dl.err")"
grep -q 'Operation not permitted' "$WORK/dl.err" || fail "loader with clean.so: $(cat "$WORK/dl.err")"
expect_log "$WORK/trusted/loader \(pid [0-9]+\) is not excluded: it runs code that root alone did not control: .*$MNT/drop/clean.so"

# and the plain program is still excluded afterwards
[ "$("$WORK/trusted/cat" "$MNT/eicar.txt")" = "$EICAR" ] || fail "the exclusion stopped working"
kill -USR1 "$FANGUARDD_PID"
fg_wait_log 'exclusions: .*; [2-9][0-9]* of excluded programs not trusted \(scanned\)'
fg_stop
pass
