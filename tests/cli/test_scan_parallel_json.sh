# `fanguard scan` for people: -j N scans in parallel and finds exactly what one thread finds;
# --json prints one valid JSON object per file and a summary; the progress line appears on a
# terminal and never when the output is piped.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed to check the JSON"
printf 'plugin clamav { database = {"%s/clamav"} }\nplugin yara { rules = {"%s/yara/rules"} }\n' \
	"$DATA" "$DATA" >"$WORK/fg.conf"
mkdir -p "$WORK/tree/a/b" "$WORK/tree/c"
for i in $(seq 1 300); do printf 'clean file %s\n' "$i" >"$WORK/tree/a/clean$i.txt"; done
for i in $(seq 1 5); do printf 'x%s%s' "$i" "$EICAR" >"$WORK/tree/a/b/eicar$i.com"; done
printf 'x FANGUARD-YARA-TEST-MARKER-%s x' 91c2 >"$WORK/tree/c/yara-only.txt"
printf 'name "with quotes"\n' >"$WORK/tree/c/quote\"d.txt"

expect_scan 1 -c "$WORK/fg.conf" -j 1 "$WORK/tree"
sort "$WORK/out" | grep -E ': (OK|.*FOUND)$' >"$WORK/serial"
expect_out "^Scanned files: 307$"
expect_scan 1 -c "$WORK/fg.conf" -j 4 "$WORK/tree"
sort "$WORK/out" | grep -E ': (OK|.*FOUND)$' >"$WORK/parallel"
expect_out "^Scanned files: 307$"
expect_out "^Infected files: 6$"
diff "$WORK/serial" "$WORK/parallel" >&2 || fail "-j 4 and -j 1 found different things"
[ "$(grep -c 'FOUND$' "$WORK/parallel")" -eq 11 ] || fail "expected 11 FOUND lines (5 x clamav+yara, 1 yara)"
expect_out "^Time: [0-9.]+ sec \([0-9]+ files/s, [0-9.]+ MB/s\)$"

# JSON: every line parses; the right results; the summary counts
expect_scan 1 -c "$WORK/fg.conf" --json -j 3 "$WORK/tree" "$WORK/missing"
python3 - "$WORK/out" "$WORK/tree" "$WORK/missing" <<'PY' || fail "JSON check failed"
import json, sys
out, tree, missing = sys.argv[1:]
files, summary = {}, None
for line in open(out):
    obj = json.loads(line)
    if "summary" in obj:
        summary = obj["summary"]
    else:
        files[obj["path"]] = obj
assert summary, "no summary"
assert summary["scanned_files"] == 307 and summary["infected_files"] == 6, summary
assert summary["errors"] == 1, summary
e = files[tree + "/a/b/eicar3.com"]
assert e["result"] == "found", e
assert {d["plugin"] for d in e["detections"]} == {"clamav", "yara"}, e
assert any(d["threat"] == "Fanguard.Test.EICAR.UNOFFICIAL" for d in e["detections"]), e
assert files[tree + "/c/yara-only.txt"]["detections"] == [
    {"plugin": "yara", "threat": "Fanguard_Test_YaraMarker"}], files[tree + "/c/yara-only.txt"]
assert files[tree + '/c/quote"d.txt']["result"] == "clean"
assert files[tree + "/a/clean7.txt"]["result"] == "clean" and files[tree + "/a/clean7.txt"]["size"] == 13
assert files[missing]["result"] == "error" and "No such file" in files[missing]["reason"]
assert len(files) == 308, len(files)
PY

# piped: no progress line, no carriage returns
expect_scan 1 -c "$WORK/fg.conf" "$WORK/tree"
if grep -q $'\r' "$WORK/out" || grep -q 'files/s  ' "$WORK/out"; then fail "progress written to a pipe"; fi
# on a terminal (script(1) gives the scan a pty): the progress line shows, and is erased
command -v script >/dev/null || fail "script(1) (util-linux) is needed"
rc=0
timeout 120 script -qec "$FANGUARD scan -c $WORK/fg.conf -j 2 $WORK/tree" /dev/null >"$WORK/tty" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "scan on a terminal: exit $rc"
grep -q 'files/s' "$WORK/tty" || fail "no progress line on a terminal: $(head -c 400 "$WORK/tty")"
grep -q $'\r\033\[K' "$WORK/tty" || fail "progress line never erased"
timeout 120 script -qec "$FANGUARD scan --no-progress -c $WORK/fg.conf $WORK/tree" /dev/null >"$WORK/tty" 2>&1 || true
if grep -q $'\r\033\[K' "$WORK/tty"; then fail "--no-progress still drew progress"; fi

expect_scan 2 -c "$WORK/fg.conf" -j 0 "$WORK/tree"
expect_out "-j wants a number from 1 to 256"
pass
