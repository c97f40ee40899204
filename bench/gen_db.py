#!/usr/bin/env python3
"""Generate a signature database shaped like ClamAV's official one, for bench/realdb.sh and layouts.sh.

    bench/gen_db.py OUTDIR [--scale full|large|smoke] [--seed N]

writes
    OUTDIR/clamav/gen.hdb   MD5 hash signatures     (MD5:size:name)
    OUTDIR/clamav/gen.hsb   SHA-256 hash signatures (SHA256:size:name)
    OUTDIR/clamav/gen.ndb   body signatures with wildcards (??, *, {n-m}, (aa|bb), nibbles)
    OUTDIR/clamav/gen.ldb   logical signatures (2-4 subsignatures, &, |, counts)
    OUTDIR/yara/gen.yar     YARA rules (text and hex strings, "any/all/N of them")
    OUTDIR/counts.txt       how many of each

full: 2,000,000 MD5 + 1,000,000 SHA-256 hashes, 40,000 body, 4,000 logical signatures, 300 YARA
rules (ClamAV's main+daily hold ~4-5 million hash signatures of several kinds, ~100,000 body and
~10,000-20,000 logical ones; this is a bit over half of that, to stay within the bench's
10 minutes on 2 CPUs). large: 1,600,000 MD5 + 1,000,000 SHA-256, 60,000 body and 8,000
logical signatures, the shape issue 15 was reported on (bench/layouts.sh). smoke: a hundredth
of full (3 YARA rules at least), for CI.

The patterns are random bytes from a seeded generator, so no file of the bench (random content
too) matches any of them by chance: every scan walks the whole matcher and finds nothing, the
cost of a clean file. Nothing generated is ever committed.
"""
import argparse
import os
import random
import sys

SCALES = {
    "full": dict(md5=2_000_000, sha256=1_000_000, ndb=40_000, ldb=4_000, yara=300),
    "large": dict(md5=1_600_000, sha256=1_000_000, ndb=60_000, ldb=8_000, yara=300),
    "smoke": dict(md5=20_000, sha256=10_000, ndb=400, ldb=40, yara=3),
}


def hexbytes(rng, n):
    return rng.randbytes(n).hex()


def body_pattern(rng):
    """A ClamAV body signature: static runs of 4-12 bytes joined by wildcards."""
    parts = [hexbytes(rng, rng.randint(6, 12))]
    for _ in range(rng.randint(0, 3)):
        w = rng.random()
        if w < 0.3:
            sep = "??" * rng.randint(1, 4)
        elif w < 0.5:
            sep = "*"
        elif w < 0.75:
            lo = rng.randint(0, 8)
            sep = "{%d-%d}" % (lo, lo + rng.randint(1, 24))
        elif w < 0.9:
            sep = "(%s|%s)" % (hexbytes(rng, 1), hexbytes(rng, 1))
        else:
            sep = hexbytes(rng, 1)[0] + "?"  # a nibble wildcard: high nibble fixed
        parts.append(sep)
        parts.append(hexbytes(rng, rng.randint(4, 12)))
    return "".join(parts)


def write_hashes(path, n, nbytes, rng, prefix):
    with open(path, "w") as f:
        chunk = []
        for i in range(n):
            chunk.append("%s:%d:%s.%d\n" % (hexbytes(rng, nbytes), rng.randint(64, 8 << 20), prefix, i))
            if len(chunk) == 65536:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))


def write_ndb(path, n, rng):
    # target types as in the official main.ndb: any (0), PE (1), OLE2 (2), HTML (3), ELF (6)
    targets = [0, 0, 0, 1, 1, 1, 2, 3, 6]
    with open(path, "w") as f:
        for i in range(n):
            off = "*" if rng.random() < 0.8 else ("EP+%d" % rng.randint(0, 64) if rng.random() < 0.5 else str(rng.randint(0, 512)))
            t = rng.choice(targets)
            if off.startswith("EP") and t not in (1, 6):
                t = 1
            f.write("Bench.Body.%d:%d:%s:%s\n" % (i, t, off, body_pattern(rng)))


def write_ldb(path, n, rng):
    with open(path, "w") as f:
        for i in range(n):
            k = rng.randint(2, 4)
            subs = [hexbytes(rng, rng.randint(6, 16)) if rng.random() < 0.7 else body_pattern(rng) for _ in range(k)]
            op = rng.random()
            if op < 0.5:
                expr = "&".join(str(j) for j in range(k))
            elif op < 0.8:
                expr = "(%s)&%d" % ("|".join(str(j) for j in range(k - 1)), k - 1)
            else:
                expr = "0>%d&%s" % (rng.randint(1, 3), "&".join(str(j) for j in range(1, k)))
            t = rng.choice([0, 0, 1, 1, 2, 3])
            f.write("Bench.Logic.%d;Engine:51-255,Target:%d;%s;%s\n" % (i, t, expr, ";".join(subs)))


def write_yara(path, n, rng):
    words = ["payload", "inject", "loader", "beacon", "stager", "dropper", "keylog", "exfil"]
    with open(path, "w") as f:
        for i in range(n):
            f.write("rule bench_rule_%d\n{\n    strings:\n" % i)
            k = rng.randint(2, 4)
            for j in range(k):
                if rng.random() < 0.5:
                    s = "%s_%s_%s" % (rng.choice(words), hexbytes(rng, 6), rng.choice(words))
                    f.write('        $s%d = "%s"\n' % (j, s))
                else:
                    hx = hexbytes(rng, rng.randint(8, 14))
                    f.write("        $s%d = { %s }\n" % (j, " ".join(hx[p:p + 2] for p in range(0, len(hx), 2))))
            cond = rng.choice(["any of them", "all of them", "2 of them"])
            f.write("    condition:\n        %s\n}\n\n" % cond)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--scale", choices=sorted(SCALES), default="full")
    ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()
    c = SCALES[a.scale]
    rng = random.Random(a.seed)
    cdir = os.path.join(a.outdir, "clamav")
    ydir = os.path.join(a.outdir, "yara")
    os.makedirs(cdir, exist_ok=True)
    os.makedirs(ydir, exist_ok=True)
    write_hashes(os.path.join(cdir, "gen.hdb"), c["md5"], 16, rng, "Bench.MD5")
    write_hashes(os.path.join(cdir, "gen.hsb"), c["sha256"], 32, rng, "Bench.SHA256")
    write_ndb(os.path.join(cdir, "gen.ndb"), c["ndb"], rng)
    write_ldb(os.path.join(cdir, "gen.ldb"), c["ldb"], rng)
    write_yara(os.path.join(ydir, "gen.yar"), c["yara"], rng)
    with open(os.path.join(a.outdir, "counts.txt"), "w") as f:
        f.write("scale=%s md5=%d sha256=%d ndb=%d ldb=%d yara=%d\n" % (a.scale, c["md5"], c["sha256"], c["ndb"], c["ldb"], c["yara"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
