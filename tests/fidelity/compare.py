#!/usr/bin/env python3
"""Compares fanguard's per-file verdicts and names with those of the engines' own tools.

    compare.py OUT

Reads what tests/cli/test_fidelity.sh left in OUT:
  clamscan.out   `clamscan -d OUT/clamav --no-summary -r OUT/corpus` ("PATH: NAME FOUND", "PATH: OK")
  yara.out       per file: "@@ PATH" then `yara -m` lines ("RULE [META] PATH")
  sha256.out     `sha256sum` of every corpus file; OUT/hash/LIST names the blocklists
  fanguard.json  `fanguard scan --json` of OUT/corpus
  intended.txt   the intended differences: FILE|ENGINE|FANGUARD|WHY (FANGUARD: names joined
                 by ", ", or "-" for none)
  refused.txt    rule or list files fanguard refused to load (ENGINE|FILE|ERROR), if any

Names are compared exactly, per engine, as these tools print them:
  clamav  the name clamscan prints (".UNOFFICIAL" included)
  yara    every rule yara prints for the file, in yara's order (fanguard joins them by ", ")
  hash    "Hash.Blocklist." + the name column of the list line, characters outside
          [A-Za-z0-9._-] as "_" (first 100), or the first 16 hex digits for a bare digest
Prints one line per difference and a summary; exits 1 if a difference is not intended.
"""
import json
import os
import re
import sys

ENGINES = ("clamav", "yara", "hash")
HEX64 = "[0-9a-fA-F]{64}"


def safe_name(text):
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read().splitlines()


def clamscan_results(out, corpus):
    results = {}
    for line in read_lines(os.path.join(out, "clamscan.out")):
        path, sep, verdict = line.rpartition(": ")
        if not sep or not path.startswith(corpus + "/"):
            continue
        rel = path[len(corpus) + 1:]
        if verdict.endswith(" FOUND"):
            results[rel] = [verdict[:-len(" FOUND")]]
        elif verdict in ("OK", "Empty file"):
            results[rel] = []
        else:
            results[rel] = ["ERROR: " + verdict]
    return results


def yara_results(out, corpus):
    results, rel = {}, None
    for line in read_lines(os.path.join(out, "yara.out")):
        if line.startswith("@@ "):
            rel = line[3:][len(corpus) + 1:]
            results[rel] = []
            continue
        rule = line.split(" ", 1)[0]
        if rel is not None and rule:
            results[rel].append(rule)
    return results


def sha256sum_entries(text):
    """(digest, name) of each entry a sha256sum -c line holds; bare digests too (fanguard's)."""
    for line in text.split("\n"):
        line = line.rstrip("\r")
        m = re.fullmatch(r"SHA256 \((.*)\) = (%s)" % HEX64, line)
        if m:
            yield m.group(2).lower(), m.group(1)
            continue
        m = re.fullmatch(r"(\\?)(%s) [ *](.*)" % HEX64, line)
        if m:
            name = m.group(3)
            if m.group(1):
                name = re.sub(r"\\(.)", lambda e: {"n": "\n", "r": "\r"}.get(e.group(1),
                                                                          e.group(1)), name)
            yield m.group(2).lower(), name
            continue
        if re.fullmatch(HEX64, line):
            yield line.lower(), ""


def hash_results(out, corpus):
    listed = {}
    for list_name in read_lines(os.path.join(out, "hash", "LIST")):
        with open(os.path.join(out, "hash", list_name), newline="") as f:
            for digest, name in sha256sum_entries(f.read()):
                label = safe_name(name[:100]) if name else digest[:16]
                listed.setdefault(digest, "Hash.Blocklist." + label)
    results = {}
    for line in read_lines(os.path.join(out, "sha256.out")):
        escaped = line.startswith("\\")
        digest, path = line[escaped:escaped + 64], line[escaped + 66:]
        if escaped:
            path = re.sub(r"\\(.)", lambda e: {"n": "\n"}.get(e.group(1), e.group(1)), path)
        rel = path[len(corpus) + 1:]
        results[rel] = [listed[digest]] if digest in listed else []
    return results


def fanguard_results(out, corpus):
    """{engine: {file: names}} and {file: note} for files fanguard did not scan."""
    results = {e: {} for e in ENGINES}
    notes = {}
    for line in read_lines(os.path.join(out, "fanguard.json")):
        obj = json.loads(line)
        if "path" not in obj:
            continue
        rel = obj["path"][len(corpus) + 1:]
        for e in ENGINES:
            results[e][rel] = []
        for d in obj.get("detections", []):
            names = d["threat"].split(", ") if d["plugin"] == "yara" else [d["threat"]]
            results.setdefault(d["plugin"], {}).setdefault(rel, []).extend(names)
        if obj["result"] in ("skipped", "error"):
            notes[rel] = "%s: %s" % (obj["result"], obj.get("reason", ""))
        for err in obj.get("errors", []):
            results.setdefault(err["plugin"], {}).setdefault(rel, []).append(
                "ERROR: " + err["message"])
    return results, notes


def read_intended(out):
    intended = {}
    for line in read_lines(os.path.join(out, "intended.txt")):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rel, engine, fanguard, why = (f.strip() for f in line.split("|", 3))
        names = [] if fanguard == "-" else fanguard.split(", ")
        intended[(rel, engine)] = (names, why)
    return intended


def show(names):
    return ", ".join(names) if names else "-"


def main():
    out = sys.argv[1]
    corpus = os.path.join(out, "corpus")
    tools = {"clamav": ("clamscan", clamscan_results(out, corpus)),
             "yara": ("yara", yara_results(out, corpus)),
             "hash": ("sha256sum", hash_results(out, corpus))}
    fanguard, notes = fanguard_results(out, corpus)
    intended = read_intended(out)
    files = sorted(set().union(*(r for _, r in tools.values()), *fanguard.values()))
    unexpected, expected, used = [], [], set()

    for line in read_lines(os.path.join(out, "refused.txt")):
        engine, path, error = line.split("|", 2)
        unexpected.append("DIFF %s: fanguard refused %s, which %s accepts: %s" %
                          (engine, path, tools[engine][0], error))
    for rel in files:
        for engine in ENGINES:
            tool, ref = tools[engine]
            want = ref.get(rel)
            got = fanguard[engine].get(rel)
            if want is None:
                unexpected.append("DIFF %s %s: not scanned by %s" % (engine, rel, tool))
                continue
            if got is None:
                got, note = [], "not reported by fanguard"
            else:
                note = notes.get(rel, "")
            key = (rel, engine)
            if key in intended:
                used.add(key)
                names, why = intended[key]
                if got == names:
                    if got != want:
                        expected.append("intended %s %s: %s: %s, fanguard: %s (%s)" %
                                        (engine, rel, tool, show(want), show(got), why))
                    continue
                unexpected.append("DIFF %s %s: fanguard: %s%s, the table of intended "
                                  "differences says %s (%s: %s)" %
                                  (engine, rel, show(got), " (%s)" % note if note else "",
                                   show(names), tool, show(want)))
                continue
            if got != want:
                order = " (same names, other order)" if sorted(got) == sorted(want) else ""
                unexpected.append("DIFF %s %s: %s: %s, fanguard: %s%s%s" %
                                  (engine, rel, tool, show(want), show(got),
                                   " (%s)" % note if note else "", order))
    for key in sorted(set(intended) - used):
        unexpected.append("DIFF %s %s: in the table of intended differences, not in the "
                          "corpus" % (key[1], key[0]))

    for line in expected + unexpected:
        print(line)
    counts = ", ".join("%s %d/fanguard %d" % (tool, sum(1 for v in ref.values() if v),
                                               sum(1 for v in fanguard[e].values() if v))
                       for e, (tool, ref) in tools.items())
    print("fidelity: %d files; detected by %s; %d intended, %d unexpected differences" %
          (len(files), counts, len(expected), len(unexpected)))
    empty = [tool for tool, ref in tools.values() if not any(ref.values())]
    if empty:
        print("fidelity: %s detected nothing: the reference run is broken" % ", ".join(empty))
        return 1
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
