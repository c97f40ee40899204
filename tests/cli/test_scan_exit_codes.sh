# clamscan's convention: 0 nothing found, 1 found, 2 errors; config errors name file:line.
. "$(dirname "$0")/lib.sh"
printf 'plugin clamav { database = {"%s/clamav"} }\n' "$DATA" >"$WORK/fg.conf"
printf 'clean\n' >"$WORK/clean.txt"
printf '%s' "$EICAR" >"$WORK/eicar.com"

expect_scan 0 -c "$WORK/fg.conf" "$WORK/clean.txt"
expect_scan 1 -c "$WORK/fg.conf" "$WORK/clean.txt" "$WORK/eicar.com"
expect_scan 2 -c "$WORK/fg.conf" "$WORK/does-not-exist"
expect_out "$WORK/does-not-exist: No such file or directory ERROR"
expect_out "^Errors: 1$"
# found wins over errors: a script must not miss a detection
expect_scan 1 -c "$WORK/fg.conf" "$WORK/does-not-exist" "$WORK/eicar.com"

printf 'plugin clamav {\n  database = {"%s/clamav"}\n  max_recursoin = 3\n}\n' "$DATA" >"$WORK/typo.conf"
expect_scan 2 -c "$WORK/typo.conf" "$WORK/clean.txt"
expect_out "typo.conf:3: .*max_recursoin"

# FIFOs and symlinks inside trees are skipped, not opened (a FIFO would block)
mkdir "$WORK/tree"
mkfifo "$WORK/tree/fifo"
ln -s "$WORK/eicar.com" "$WORK/tree/link"
expect_scan 0 -c "$WORK/fg.conf" "$WORK/tree"
expect_out "^Scanned files: 0$"
pass
