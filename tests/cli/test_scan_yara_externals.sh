# The built-in external variables filename, filepath, extension, filetype and owner (as LOKI
# defines them: loki.py, os.path.split and splitext) make each rule match exactly the files the
# `yara` command matches when `-d` gives it the same values, computed here independently.
. "$(dirname "$0")/lib.sh"
command -v yara >/dev/null || fail "yara missing (scripts/install-deps.sh installs it)"
command -v python3 >/dev/null || fail "python3 missing"
RULES="$DATA/yara-fidelity/externals.yar"
printf 'plugin yara { rules = {"%s"} }\n' "$RULES" >"$WORK/fg.conf"

# path|filetype LOKI's magic table gives its first bytes ("" for none)|owner
mkdir -p "$WORK/a" "$WORK/b/sub"
FILES=()
add() { # PATH TYPE: the file must exist
	FILES+=("$1|$2")
}
printf 'same plain words\n' >"$WORK/a/evil.txt" && add "$WORK/a/evil.txt" ""
printf 'same plain words\n' >"$WORK/a/good.txt" && add "$WORK/a/good.txt" ""
printf 'same plain words\n' >"$WORK/a/UPPER.TXT" && add "$WORK/a/UPPER.TXT" ""
printf 'same plain words\n' >"$WORK/a/two words.txt" && add "$WORK/a/two words.txt" ""
printf 'same plain words\n' >"$WORK/a/trailing." && add "$WORK/a/trailing." ""
printf "alias ll='ls -l'\n" >"$WORK/a/.bashrc" && add "$WORK/a/.bashrc" ""
printf "alias ll='ls -l'\n" >"$WORK/a/..hidden.txt" && add "$WORK/a/..hidden.txt" ""
printf '%%PDF-1.4\n%%%%EOF\n' >"$WORK/a/Report.PDF" && add "$WORK/a/Report.PDF" PDF
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00' >"$WORK/a/archive.tar.gz" && add "$WORK/a/archive.tar.gz" GZIP
printf 'PK\x03\x04\x14\x00\x06\x00rest' >"$WORK/a/letter.docx" && add "$WORK/a/letter.docx" Office
printf 'PK\x03\x04\x0a\x00\x00\x00rest' >"$WORK/a/files.zip" && add "$WORK/a/files.zip" ZIP
cp /bin/true "$WORK/b/prog" && add "$WORK/b/prog" ELF
printf 'MZ\x90\x00\x03\x00' >"$WORK/b/setup.EXE" && add "$WORK/b/setup.EXE" EXE
printf 'MZ\x90\x00\x03\x00' >"$WORK/b/setup.dat" && add "$WORK/b/setup.dat" EXE
printf 'MZ\x90\x00\x03\x00' >"$WORK/b/sub/hidden.dat" && add "$WORK/b/sub/hidden.dat" EXE
printf '#!/bin/sh\necho hi\n' >"$WORK/b/run.sh" && add "$WORK/b/run.sh" "UNIX SCRIPT"
chown nobody "$WORK/b/run.sh"
printf '<?php echo 1; ?>\n' >"$WORK/b/sub/page.php" && add "$WORK/b/sub/page.php" PHP
: >"$WORK/b/sub/empty" && add "$WORK/b/sub/empty" ""

expect_scan 1 -c "$WORK/fg.conf" "$WORK/a" "$WORK/b"
cp "$WORK/out" "$WORK/scan"
# LOKI's values: filename the name, filepath os.path.split(path)[0], extension
# os.path.splitext(path)[1].lower()
loki_parts() {
	python3 -c 'import os, sys
p = sys.argv[1]
print(os.path.basename(p)); print(os.path.split(p)[0]); print(os.path.splitext(p)[1].lower())' "$1"
}
matched_rules=""
for entry in "${FILES[@]}"; do
	file=${entry%%|*} type=${entry#*|}
	{ read -r name; read -r folder; read -r ext; } < <(loki_parts "$file")
	owner=$(getent passwd "$(stat -c %u "$file")" | cut -d: -f1)
	rules=$(yara -d "filename=$name" -d "filepath=$folder" -d "extension=$ext" \
		-d "filetype=$type" -d "owner=$owner" "$RULES" "$file" 2>"$WORK/yara.err" |
		sed "s| $file\$||" | paste -sd, - | sed 's/,/, /g') ||
		fail "yara failed on $file: $(cat "$WORK/yara.err")"
	[ ! -s "$WORK/yara.err" ] || fail "yara complained on $file: $(cat "$WORK/yara.err")"
	if [ -n "$rules" ]; then want="$file: yara:$rules FOUND"; else want="$file: OK"; fi
	grep -qxF -- "$want" "$WORK/scan" ||
		fail "$file (filename=$name filepath=$folder extension=$ext filetype=$type owner=$owner): want '$want', got '$(grep -F "$file:" "$WORK/scan")'"
	matched_rules="$matched_rules, $rules"
done
# every rule matched some file and missed another: none of the comparisons is vacuous
for rule in $(sed -n 's/^rule \([A-Za-z_]*\).*/\1/p' "$RULES"); do
	grep -q "[ ,]$rule\(,\|\$\)" <<<"$matched_rules" || fail "rule $rule matched no file"
	[ "$(grep -c "[: ]$rule\(,\| FOUND\)" "$WORK/scan")" -lt "${#FILES[@]}" ] ||
		fail "rule $rule matched every file"
done

# a uid the user database lacks is its number (yara -d would make "54321" an integer: not compared)
uid=54321
while getent passwd "$uid" >/dev/null; do uid=$((uid + 1)); done
sed "s/54321/$uid/" "$DATA/yara-fidelity/externals_uid.yar" >"$WORK/uid.yar"
printf 'plugin yara { rules = {"%s"} }\n' "$WORK/uid.yar" >"$WORK/uid.conf"
printf 'x' >"$WORK/orphan" && chown "$uid" "$WORK/orphan"
printf 'x' >"$WORK/rooted"
expect_scan 1 -c "$WORK/uid.conf" "$WORK/orphan" "$WORK/rooted"
expect_out "^$WORK/orphan: yara:Owner_Uid_$uid FOUND$"
expect_out "^$WORK/rooted: yara:Owner_Root FOUND$"
pass
