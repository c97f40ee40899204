# Detection fidelity (issue 11): on the same signatures and files, fanguard finds what clamscan,
# yara and sha256sum find, under the same names. tests/fidelity/make_corpus.py writes ~110 files
# and the databases; each tool scans them, then `fanguard scan --json`, and
# tests/fidelity/compare.py prints every difference not in the table below.
. "$(dirname "$0")/lib.sh"
FID="$FANGUARD_SRC/tests/fidelity"
OUT="$WORK/fid"
CORPUS="$OUT/corpus"

# Intended differences: FILE (in the corpus) | ENGINE | FANGUARD's names ("-": none) | WHY.
# Only differences fanguard means to keep belong here; a row that no longer holds fails too.
# None so far: yara/meta_*.txt carry a threat_name meta, which names the threat only when the
# yara plugin's threat_name_meta option asks for it, so by default fanguard says what yara says.
INTENDED=$(cat <<'TABLE'
# e.g. archives/x.zip | clamav | - | a limit fanguard keeps on purpose
TABLE
)

for tool in clamscan yara sha256sum python3; do
	command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done
python3 "$FID/make_corpus.py" "$OUT" || fail "make_corpus.py failed"
printf '%s\n' "$INTENDED" >"$OUT/intended.txt"
mapfile -t RULES <"$OUT/yara/LIST"
mapfile -t LISTS <"$OUT/hash/LIST"

# clamscan: exit 1 when something was found, as the corpus ensures
rc=0
clamscan -d "$OUT/clamav" --no-summary -r "$CORPUS" >"$OUT/clamscan.out" 2>"$OUT/clamscan.err" || rc=$?
[ "$rc" -eq 1 ] || fail "clamscan exit $rc: $(head -5 "$OUT/clamscan.err")"

# yara: all rule files compiled together, each in its own namespace, as fanguard's plugin does;
# one run per file for the externals fanguard defines per scan (see tests/fidelity/yara/externals.yar)
yara_args=()
for r in "${RULES[@]}"; do yara_args+=("${r%.yar}:$OUT/yara/$r"); done
yara_file() { # "@@ FILE", then the rules yara prints for FILE
	local f=$1 name=${1##*/} base ext=""
	base=${name#"${name%%[!.]*}"} # splitext ignores leading dots
	[[ $base == *.* ]] && ext=".${base##*.}"
	printf '@@ %s\n' "$f"
	yara -m -d "filename=$name" -d "filepath=${f%/*}" -d "extension=${ext,,}" "${yara_args[@]}" "$f"
}
mapfile -d '' -t FILES < <(find "$CORPUS" -type f -print0 | sort -z)
jobs=$(nproc) pids=()
for ((j = 0; j < jobs; j++)); do # yara's start-up dominates: one run per CPU at a time
	for ((i = j; i < ${#FILES[@]}; i += jobs)); do yara_file "${FILES[i]}" || exit 1; done \
		>"$OUT/yara.$j" 2>"$OUT/yara.err.$j" &
	pids+=($!)
done
for ((j = 0; j < jobs; j++)); do
	wait "${pids[j]}" || fail "yara: $(head -5 "$OUT/yara.err.$j")"
done
cat "$OUT"/yara.[0-9]* >"$OUT/yara.out"

# sha256sum: each list is valid sha256sum input (bare digests are fanguard's own extension)
for l in "${LISTS[@]}"; do
	[ "$l" = bare_digest.sha256 ] && continue
	(cd "$CORPUS" && sha256sum -c --strict --quiet "$OUT/hash/$l") >"$OUT/sha.err" 2>&1 ||
		fail "sha256sum -c $l: $(head -5 "$OUT/sha.err")"
done
find "$CORPUS" -type f -print0 | sort -z | xargs -0 sha256sum >"$OUT/sha256.out"

# fanguard: clamav, yara and hash together. A rule or list file it refuses to load is a
# difference itself; it is dropped and the rest compared.
: >"$OUT/refused.txt"
quoted() { # DIR NAME...: "DIR/NAME", ...
	local dir=$1 sep="" x
	shift
	for x; do printf '%s"%s/%s"' "$sep" "$dir" "$x" && sep=", "; done
}
write_config() {
	cat >"$WORK/fg.conf" <<CONF
plugin clamav { database = {"$OUT/clamav"} }
plugin yara { rules = {$(quoted "$OUT/yara" "${RULES[@]}")} }
plugin hash { blocklist = {$(quoted "$OUT/hash" "${LISTS[@]}")} }
CONF
}
drop_refused() { # ENGINE ARRAY ERROR: drops from ARRAY the files ERROR names, into refused.txt
	local engine=$1 err=$3 kept=() x
	local -n files=$2
	for x in "${files[@]}"; do
		if grep -qF "$OUT/$engine/$x:" <<<"$err"; then
			printf '%s|%s|%s\n' "$engine" "$x" "$(grep -F "$OUT/$engine/$x:" <<<"$err" | head -1)" \
				>>"$OUT/refused.txt"
		else
			kept+=("$x")
		fi
	done
	[ "${#kept[@]}" -lt "${#files[@]}" ] || return 1
	files=("${kept[@]}")
}
for _ in 1 2 3 4 5; do
	write_config
	rc=0
	timeout 120 "$FANGUARD" scan --json --no-progress -c "$WORK/fg.conf" "$CORPUS" \
		>"$OUT/fanguard.json" 2>"$OUT/fanguard.err" || rc=$?
	grep -q '"path":' "$OUT/fanguard.json" && break
	err=$(cat "$OUT/fanguard.err")
	drop_refused yara RULES "$err" || drop_refused hash LISTS "$err" ||
		fail "fanguard scan exit $rc: $(head -5 "$OUT/fanguard.err")"
done
[ "$rc" -eq 1 ] || fail "fanguard scan exit $rc, expected 1: $(head -5 "$OUT/fanguard.err")"

echo "fidelity: $(clamscan --version), yara $(yara --version), $("$FANGUARD" --version 2>&1 | head -1)"
python3 "$FID/compare.py" "$OUT" || fail "fanguard differs from the engines' own tools (DIFF lines above)"
pass
