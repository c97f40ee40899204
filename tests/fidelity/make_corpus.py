#!/usr/bin/env python3
"""Writes the detection-fidelity corpus: files, ClamAV databases, YARA rules, hash lists.

    make_corpus.py OUT

OUT/corpus   the files to scan (~110, deterministic: same bytes on every run)
OUT/clamav   ClamAV databases (.ndb .ldb .hdb .hsb .mdb .cdb .fp .sfp .ign2 .yar), text
OUT/yara     the rules of tests/fidelity/yara, copied; OUT/yara/LIST names the rule files
OUT/hash     sha256sum-format blocklists, one per line variant; OUT/hash/LIST names them

Markers are joined at run time (mark()), so this file matches none of the signatures it
writes. Each signature has files that match it and near misses that must not. Standard
library only.
"""
import gzip
import hashlib
import io
import lzma
import os
import random
import shutil
import struct
import sys
import tarfile
import zipfile
import zlib

try:
    import bz2  # optional in python builds
except ImportError:
    bz2 = None

HERE = os.path.dirname(os.path.abspath(__file__))
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
BIG = 30 * 1024 * 1024  # over fanguard's 25 MiB default limits, under libclamav's 100 MiB


def mark(*parts):
    return "-".join(parts).encode()


def hx(data):
    return data.hex()


class Corpus:
    def __init__(self, out):
        self.out = out
        self.files = os.path.join(out, "corpus")
        self.db = {}  # ClamAV database file name -> lines

    def write(self, rel, data):
        path = os.path.join(self.files, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return data

    def sig(self, db, line):
        self.db.setdefault(db, []).append(line)

    def write_databases(self):
        folder = os.path.join(self.out, "clamav")
        os.makedirs(folder, exist_ok=True)
        for name, lines in sorted(self.db.items()):
            with open(os.path.join(folder, name), "w") as f:
                f.write("\n".join(lines) + "\n")


# ---- archives, all deterministic ----

def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def tar_bytes(members, mode="w"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 1577836800
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def gzip_bytes(data, level=6):
    return gzip.compress(data, compresslevel=level, mtime=0)


def zipcrypto_bytes(name, data, password):
    """A stored zip member under PKWARE's traditional encryption (python's zipfile only reads it)."""
    crc_table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        crc_table.append(c)
    keys = [0x12345678, 0x23456789, 0x34567890]

    def crc_byte(crc, b):
        return (crc >> 8) ^ crc_table[(crc ^ b) & 0xFF]

    def update(b):
        keys[0] = crc_byte(keys[0], b)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc_byte(keys[2], keys[1] >> 24)

    def encrypt(plain):
        out = bytearray()
        for p in plain:
            t = (keys[2] | 2) & 0xFFFF
            out.append(p ^ (((t * (t ^ 1)) >> 8) & 0xFF))
            update(p)
        return bytes(out)

    for b in password:
        update(b)
    crc = zlib.crc32(data)
    header = bytes(range(1, 12)) + bytes([crc >> 24])  # last byte checks the password
    body = encrypt(header) + encrypt(data)
    fname = name.encode()
    dos_time, dos_date = 0, (40 << 9) | (1 << 5) | 1
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 1, 0, dos_time, dos_date, crc,
                        len(body), len(data), len(fname), 0) + fname + body
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 1, 0, dos_time, dos_date,
                          crc, len(body), len(data), len(fname), 0, 0, 0, 0, 0o644 << 16,
                          0) + fname
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


# ---- executables, hand-built ----

def pe_bytes(section_name=b".text", section=b"", entry=b"\xc3"):
    """PE32 with one 0x200-byte section at RVA 0x1000; entry point at the section's start."""
    raw = (entry + section).ljust(0x200, b"\0")[:0x200]
    dos = b"MZ" + b"\0" * 0x3A + struct.pack("<I", 0x40)
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x14C, 1, 0, 0, 0, 0xE0, 0x0102)
    opt = struct.pack("<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII", 0x10B, 14, 0, 0x200, 0, 0, 0x1000,
                      0x1000, 0x1000, 0x400000, 0x1000, 0x200, 4, 0, 0, 0, 4, 0, 0, 0x2000,
                      0x200, 0, 2, 0, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    opt += b"\0" * (16 * 8)
    sect = struct.pack("<8sIIIIIIHHI", section_name.ljust(8, b"\0"), 0x200, 0x1000, 0x200,
                       0x200, 0, 0, 0, 0, 0x60000020)
    head = (dos + coff + opt + sect).ljust(0x200, b"\0")
    return head + raw, raw


def elf_bytes(payload, e_type=2):
    """ELF64 x86-64 with one PT_LOAD segment holding the whole file."""
    size = 64 + 56 + len(payload)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    ehdr = ident + struct.pack("<HHIQQQIHHHHHH", e_type, 0x3E, 1, 0x400078, 64, 0, 0, 64, 56,
                               1, 64, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, size, size, 0x1000)
    return ehdr + phdr + payload


# ---- the corpus ----

def clamav_body(c):
    """.ndb body signatures: hex, wildcards, alternatives, offsets, target types 0, 1, 6."""
    plain = mark("FIDELITY", "NDB", "PLAIN", "1a2b")
    c.sig("fidelity.ndb", "Fidelity.Ndb.Plain:0:*:" + hx(plain))
    c.write("clamav/ndb/plain.txt", b"some text " + plain + b" more text\n")
    c.write("clamav/ndb/plain_miss.txt", b"some text " + plain[:-1] + b"c more text\n")

    c.sig("fidelity.ndb", "Fidelity.Ndb.Wildcard:0:*:%s????%s" % (hx(b"FIDWILD"), hx(b"TAIL")))
    c.write("clamav/ndb/wildcard.bin", b"\0\1FIDWILD\x10\x20TAIL\0")
    c.write("clamav/ndb/wildcard_miss.bin", b"\0\1FIDWILD\x10\x20\x30TAIL\0")

    head, tail = mark("FIDSTAR", "HEAD"), mark("FIDSTAR", "TAIL")
    c.sig("fidelity.ndb", "Fidelity.Ndb.Star:0:*:%s*%s" % (hx(head), hx(tail)))
    c.write("clamav/ndb/star.bin", head + bytes(range(256)) * 8 + tail)
    c.write("clamav/ndb/star_miss.bin", tail + bytes(range(256)) + head)

    a, b = mark("FIDRANGE", "A"), mark("FIDRANGE", "B")
    c.sig("fidelity.ndb", "Fidelity.Ndb.Range:0:*:%s{2-4}%s" % (hx(a), hx(b)))
    c.write("clamav/ndb/range.bin", b".." + a + b"xyz" + b + b"..")
    c.write("clamav/ndb/range_miss.bin", b".." + a + b"xyzuvw" + b + b"..")

    c.sig("fidelity.ndb", "Fidelity.Ndb.Alternative:0:*:%s(%s|%s)%s" %
          (hx(b"FIDALT-"), hx(b"AA"), hx(b"BB"), hx(b"-END")))
    c.write("clamav/ndb/alternative.txt", b"x " + mark("FIDALT", "BB", "END") + b" x\n")
    c.write("clamav/ndb/alternative_miss.txt", b"x " + mark("FIDALT", "CC", "END") + b" x\n")

    tail = mark("FIDEOF", "TRAILER", "9c")  # 16 bytes
    c.sig("fidelity.ndb", "Fidelity.Ndb.EofTail:0:EOF-%d:%s" % (len(tail), hx(tail)))
    c.write("clamav/ndb/eof.bin", b"A" * 300 + tail)
    c.write("clamav/ndb/eof_miss.bin", b"A" * 300 + tail + b"\n")

    at = mark("FIDAT", "100")
    c.sig("fidelity.ndb", "Fidelity.Ndb.AtOffset:0:100:" + hx(at))
    c.write("clamav/ndb/at_offset.bin", b"B" * 100 + at + b"B" * 20)
    c.write("clamav/ndb/at_offset_miss.bin", b"B" * 101 + at + b"B" * 20)

    c.sig("fidelity.ndb", "Fidelity.Ndb.Ignored:0:*:" + hx(mark("FIDIGNORED", "BODY")))
    c.sig("fidelity.ign2", "Fidelity.Ndb.Ignored")
    c.write("clamav/allow/ignored_by_ign2.txt", b"text " + mark("FIDIGNORED", "BODY") + b"\n")

    # .fp / .sfp: the whole file's hash suppresses Fidelity.Ndb.Plain on these two files only
    fp = c.write("clamav/allow/plain_allowed_by_fp.txt", b"allowed: " + plain + b"\n")
    c.sig("fidelity.fp", "%s:%d:Fidelity.Allow.Md5" % (hashlib.md5(fp).hexdigest(), len(fp)))
    sfp = c.write("clamav/allow/plain_allowed_by_sfp.txt", b"allowed too: " + plain + b"\n")
    c.sig("fidelity.sfp", "%s:%d:Fidelity.Allow.Sha256" % (hashlib.sha256(sfp).hexdigest(),
                                                           len(sfp)))

    pe_mark = mark("FIDPE", "BODY", "4471")
    c.sig("fidelity.ndb", "Fidelity.Ndb.PeBody:1:*:" + hx(pe_mark))
    c.write("pe/pe_body.exe", pe_bytes(section=b"\0" * 32 + pe_mark)[0])
    c.write("pe/pe_body_not_pe.txt", b"not a PE: " + pe_mark + b"\n")

    entry = b"\x55\x89\xe5\x90" + mark("FIDPE", "ENTRY")
    c.sig("fidelity.ndb", "Fidelity.Ndb.PeEntry:1:EP+0:" + hx(entry))
    c.write("pe/pe_entry.exe", pe_bytes(entry=entry)[0])
    c.write("pe/pe_entry_miss.exe", pe_bytes(entry=b"\x90" + entry)[0])

    elf_mark = mark("FIDELF", "BODY", "6e0f")
    c.sig("fidelity.ndb", "Fidelity.Ndb.ElfBody:6:*:" + hx(elf_mark))
    c.write("elf/elf_body_exec", elf_bytes(b"\0" * 16 + elf_mark))
    c.write("elf/elf_body_dyn", elf_bytes(b"\0" * 16 + elf_mark, e_type=3))
    c.write("elf/elf_body_not_elf.txt", b"not an ELF: " + elf_mark + b"\n")


def clamav_logical(c):
    """.ldb logical signatures: and/or, match counts, a nocase subsignature, an offset."""
    s0, s1, s2 = mark("FIDLDB", "ZERO"), mark("FIDLDB", "ONE"), mark("FIDLDB", "TWO")
    c.sig("fidelity.ldb", "Fidelity.Ldb.AndOr;Engine:81-255,Target:0;0&(1|2);%s;%s;%s" %
          (hx(s0), hx(s1), hx(s2)))
    c.write("clamav/ldb/and_or.txt", s0 + b" and " + s2 + b"\n")
    c.write("clamav/ldb/and_or_miss.txt", s1 + b" and " + s2 + b"\n")

    cnt = mark("FIDLDB", "COUNT")
    c.sig("fidelity.ldb", "Fidelity.Ldb.Count;Engine:81-255,Target:0;0>2;" + hx(cnt))
    c.write("clamav/ldb/count3.txt", b" ".join([cnt] * 3) + b"\n")
    c.write("clamav/ldb/count2.txt", b" ".join([cnt] * 2) + b"\n")

    nocase = mark("fidldb", "nocase", "word")
    c.sig("fidelity.ldb", "Fidelity.Ldb.Nocase;Engine:81-255,Target:0;0;%s::i" % hx(nocase))
    c.write("clamav/ldb/nocase.txt", b"x " + nocase.upper() + b" x\n")
    c.write("clamav/ldb/nocase_miss.txt", b"x " + nocase.upper().replace(b"WORD", b"W0RD") + b"\n")

    head, foot = mark("FIDLDB", "HEAD"), mark("FIDLDB", "FOOT")
    c.sig("fidelity.ldb", "Fidelity.Ldb.Offsets;Engine:81-255,Target:0;0&1;0:%s;EOF-%d:%s" %
          (hx(head), len(foot), hx(foot)))
    c.write("clamav/ldb/offsets.bin", head + b"\0" * 500 + foot)
    c.write("clamav/ldb/offsets_miss.bin", b"\0" + head + b"\0" * 500 + foot)


def clamav_hashes(c):
    """.hdb, .hsb (with a size and with '*'), .mdb (a PE section's MD5)."""
    hdb = c.write("clamav/hash/hdb_match.bin", b"fidelity clamav hdb content\n")
    c.sig("fidelity.hdb", "%s:%d:Fidelity.Hdb.Md5" % (hashlib.md5(hdb).hexdigest(), len(hdb)))
    c.write("clamav/hash/hdb_miss.bin", b"fidelity clamav hdb content.\n")

    anysize = c.write("clamav/hash/hdb_any_size.bin", b"fidelity clamav hdb any size\n")
    c.sig("fidelity.hdb", "%s:*:Fidelity.Hdb.AnySize:73" % hashlib.md5(anysize).hexdigest())

    hsb = c.write("clamav/hash/hsb_match.bin", b"fidelity clamav hsb content\n")
    c.sig("fidelity.hsb", "%s:%d:Fidelity.Hsb.Sha256" % (hashlib.sha256(hsb).hexdigest(),
                                                         len(hsb)))
    c.write("clamav/hash/hsb_miss.bin", b"fidelity clamav hsb content!\n")

    exe, section = pe_bytes(section=mark("FIDPE", "MDB", "SECTION") * 4)
    c.sig("fidelity.mdb", "%d:%s:Fidelity.Mdb.Section" % (len(section),
                                                           hashlib.md5(section).hexdigest()))
    c.write("pe/pe_mdb.exe", exe)
    c.write("pe/pe_mdb_miss.exe", pe_bytes(section=mark("FIDPE", "MDB", "SECTIOM") * 4)[0])


def clamav_containers(c):
    """.cdb container metadata and ClamAV's own YARA support."""
    c.sig("fidelity.cdb",
          r"Fidelity.Cdb.ZipMember:CL_TYPE_ZIP:*:fidelity-dropper\.vbs:*:*:*:*:*:*")
    c.write("archives/cdb_member.zip", zip_bytes([("docs/fidelity-dropper.vbs", b"rem\n")]))
    c.write("archives/cdb_member_miss.zip", zip_bytes([("docs/fidelity-dropper.txt", b"rem\n")]))

    yara_mark = mark("FID", "CLAMYARA", "3c4d")
    c.sig("fidelity_clamav.yar", 'rule Fidelity_ClamYara { strings: $a = "%s" condition: $a }'
          % yara_mark.decode())
    c.write("clamav/clamav_yara.txt", b"x " + yara_mark + b" x\n")
    c.write("clamav/clamav_yara_miss.txt", b"x " + yara_mark.lower() + b" x\n")


def archives(c):
    """EICAR (Fidelity.EICAR) in every container libclamav opens, and files too big for fanguard."""
    c.sig("fidelity.ndb", "Fidelity.EICAR:0:*:" + hx(EICAR))
    c.write("archives/eicar.com", EICAR)
    c.write("archives/eicar.zip", zip_bytes([("eicar.com", EICAR)]))
    c.write("archives/eicar_stored.zip", zip_bytes([("eicar.com", EICAR)], zipfile.ZIP_STORED))
    c.write("archives/eicar.tar", tar_bytes([("dir/eicar.com", EICAR)]))
    c.write("archives/eicar.tar.gz", gzip_bytes(tar_bytes([("eicar.com", EICAR)])))
    inner = zip_bytes([("readme.txt", b"hello\n"), ("deep/eicar.com", EICAR)])
    c.write("archives/zip_in.tar.gz", gzip_bytes(tar_bytes([("a.txt", b"a\n"), ("in.zip", inner)])))
    c.write("archives/eicar.gz", gzip_bytes(EICAR))
    if bz2:
        c.write("archives/eicar.bz2", bz2.compress(EICAR))
    c.write("archives/eicar.xz", lzma.compress(EICAR))
    c.write("archives/plain_marker.zip",
            zip_bytes([("notes.txt", b"zipped " + mark("FIDELITY", "NDB", "PLAIN", "1a2b"))]))
    c.write("archives/clean.zip", zip_bytes([("readme.txt", b"nothing here\n")]))
    c.write("archives/clean.tar.gz", gzip_bytes(tar_bytes([("readme.txt", b"nothing here\n")])))
    c.write("archives/encrypted_eicar.zip", zipcrypto_bytes("eicar.com", EICAR, b"infected"))

    big = b"\0" * (BIG - len(EICAR)) + EICAR
    c.write("archives/big_member.tar.gz", gzip_bytes(tar_bytes([("big.bin", big)]), level=1))
    del big
    path = os.path.join(c.files, "archives/big_plain.bin")
    with open(path, "wb") as f:  # sparse: a hole, then EICAR at the very end
        f.truncate(BIG - len(EICAR))
        f.seek(0, os.SEEK_END)
        f.write(EICAR)


def yara_files(c):
    """Files for tests/fidelity/yara/*.yar; the rules spell each marker escaped."""
    w = c.write
    w("yara/plain.txt", b"a " + mark("FID", "YARA", "PLAIN", "5e1f") + b" b\n")
    w("yara/plain_miss.txt", b"a " + mark("FID", "YARA", "PLAIN", "5e1e") + b" b\n")
    w("yara/wide.bin", b"\xff\xfe" + mark("FID", "WIDE", "77a0").decode().encode("utf-16-le"))
    w("yara/wide_miss_ascii.txt", mark("FID", "WIDE", "77a0") + b"\n")
    w("yara/nocase.txt", b"x " + mark("FiD", "NoCaSe", "MARKER") + b"\n")
    w("yara/hexjump.bin", b"\0FIDJ\1\2\3JUMP\0")
    w("yara/hexjump_miss.bin", b"\0FIDJ\1\2\3\4\5JUMP\0")
    w("yara/hexalt.bin", b"\0FIDA" + b"2xLT\0")
    w("yara/hexalt_miss.bin", b"\0FIDA" + b"3xLT\0")
    w("yara/regex.txt", b"id " + mark("FID", "RE", "2024", "beef") + b" end\n")
    w("yara/regex_miss.txt", b"id " + mark("FID", "RE", "20x4", "beef") + b" end\n")
    size = mark("FID", "SIZE", "MARK")
    w("yara/filesize_777.bin", size + b"." * (777 - len(size)))
    w("yara/filesize_778.bin", size + b"." * (778 - len(size)))
    cnt = mark("FID", "CNT", "HIT")
    w("yara/count3.txt", b" ".join([cnt] * 3) + b"\n")
    w("yara/count2.txt", b" ".join([cnt] * 2) + b"\n")
    w("yara/offset64.bin", b"o" * 64 + mark("FID", "AT", "64"))
    w("yara/offset65.bin", b"o" * 65 + mark("FID", "AT", "64"))
    w("yara/meta_name.txt", b"m " + mark("FID", "META", "NAME") + b"\n")
    w("yara/meta_unsafe.txt", b"m " + mark("FID", "META", "UNSAFE") + b"\n")
    w("yara/tagged.txt", b"t " + mark("FID", "TAGS", "MARK") + b"\n")
    w("yara/two_rules.txt", b"2 " + mark("FID", "TWO", "RULES") + b"\n")
    w("yara/two_rules_large.txt", b"1 " + mark("FID", "TWO", "RULES") + b"\n" + b"." * 300)
    w("yara/empty", b"")
    w("yara/include.txt", b"i " + mark("FID", "INCL", "MARK") + b"\n")
    gate, priv = mark("FID", "GATE", "OPEN"), mark("FID", "PRIV", "MARK")
    w("yara/gate_and_private.txt", gate + b" " + priv + b"\n")
    w("yara/gate_only.txt", gate + b"\n")
    w("yara/private_only.txt", priv + b"\n")

    w("yara/pe_section.exe", pe_bytes(section_name=b".fidsec", section=b"yara pe")[0])
    w("yara/elf_exec", elf_bytes(mark("FID", "ELF", "YARA")))
    w("yara/elf_dyn_miss", elf_bytes(mark("FID", "ELF", "YARA"), e_type=3))
    rng = random.Random(11)
    w("yara/entropy_high.bin", bytes(rng.getrandbits(8) for _ in range(65536)))
    w("yara/entropy_low.bin", bytes(i % 16 for i in range(65536)))
    w("yara/hash_module.txt", b"fidelity yara hash module target v1\n")
    w("yara/hash_module_miss.txt", b"fidelity yara hash module target v2\n")

    ext = mark("FID", "EXT", "SCR")
    w("yara/ext/invoice.pdf.exe", b"just a document\n")
    w("yara/ext/invoice.pdf", b"just a document\n")
    w("yara/ext/screensaver.SCR", b"s " + ext + b"\n")
    w("yara/ext/screensaver.scr.txt", b"s " + ext + b"\n")
    w("yara/ext/dropzone/anything.dat", b"whatever\n")
    w("yara/ext/dropzone_miss/anything.dat", b"whatever\n")


def hash_lists(c):
    """One blocklist per sha256sum line variant; labels are paths relative to OUT/corpus."""
    folder = os.path.join(c.out, "hash")
    os.makedirs(folder, exist_ok=True)
    variants = [  # list file, corpus file, line format
        ("text_mode.sha256", "hash/text_mode.bin", "{hex}  {name}\n"),
        ("binary_mode.sha256", "hash/binary_mode.bin", "{hex} *{name}\n"),
        ("bare_digest.sha256", "hash/bare_digest.bin", "{hex}\n"),
        ("upper_case.sha256", "hash/upper_case.bin", "{HEX}  {name}\n"),
        ("comments.sha256", "hash/comments.bin", "# a comment\n\n{hex}  {name}\n# trailing\n"),
        ("crlf.sha256", "hash/crlf.bin", "# CRLF list\r\n{hex}  {name}\r\n"),
        ("space_in_name.sha256", "hash/with space.bin", "{hex}  {name}\n"),
        ("backslash_in_name.sha256", "hash/back\\slash.bin", "\\{hex}  {escaped}\n"),
        ("bsd_tag.sha256", "hash/bsd_tag.bin", "SHA256 ({name}) = {hex}\n"),
        # text mode, a name starting with '*' (not the binary-mode marker: that follows one space)
        ("star_in_name.sha256", "*star.bin", "{hex}  {name}\n"),
    ]
    names = []
    for list_name, rel, fmt in variants:
        data = c.write(rel, ("hash list entry for %s\n" % rel).encode())
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(folder, list_name), "w", newline="") as f:
            f.write(fmt.format(hex=digest, HEX=digest.upper(), name=rel,
                               escaped=rel.replace("\\", "\\\\")))
        names.append(list_name)
    c.write("hash/not_listed.bin", b"hash list entry for nobody\n")
    with open(os.path.join(folder, "LIST"), "w") as f:
        f.write("\n".join(names) + "\n")


def yara_rules(c):
    src = os.path.join(HERE, "yara")
    dst = os.path.join(c.out, "yara")
    shutil.copytree(src, dst)
    files = sorted(n for n in os.listdir(dst) if n.endswith(".yar"))
    with open(os.path.join(dst, "LIST"), "w") as f:
        f.write("\n".join(files) + "\n")


def clean_files(c):
    c.write("clean/empty", b"")
    c.write("clean/hello.txt", b"hello, world\n")
    rng = random.Random(7)
    c.write("clean/random.bin", bytes(rng.getrandbits(8) for _ in range(10000)))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUT")
    c = Corpus(sys.argv[1])
    os.makedirs(c.files)
    for part in (clamav_body, clamav_logical, clamav_hashes, clamav_containers, archives,
                 yara_files, hash_lists, yara_rules, clean_files):
        part(c)
    c.write_databases()


if __name__ == "__main__":
    main()
