#!/usr/bin/env python3
"""Writes the clamav fidelity samples into OUTDIR; the EICAR string comes on stdin.

No sample is kept in the repository: the ones holding EICAR would be detected
in the checkout, and the 30 MiB member is cheaper to make than to store.

  big-member.tar.gz  one member, big.bin: 30 MiB of zeros, then EICAR
  big-clean.tar.gz   the same with a clean ending
  eicar.zip          one deflated member, eicar.com: EICAR
  two.zip            a.com (EICAR), b.txt (the ClamMarker test string), c.com (EICAR)
  encrypted.zip      one member, secret.txt (clean text), ZipCrypto, password "fanguard"
  over-1000.bin      2000 clean bytes, for a max_file_size of 1000
"""
import io
import os
import struct
import sys
import tarfile
import zipfile
import zlib

BIG_ZEROS = 30 * 1024 * 1024
# written in two halves, like tests/data/clamav/marker.ndb's README says, so this file does not match
MARKER = "prefix FANGUARD-CLAMAV-TEST-" + "MARKER-7f3a suffix"


class ZerosThen(io.RawIOBase):
    """n zero bytes followed by tail, read without holding them in memory."""

    def __init__(self, n, tail):
        self.n, self.tail, self.pos = n, tail, 0

    def readable(self):
        return True

    def readinto(self, buf):
        count = min(len(buf), self.n + len(self.tail) - self.pos)
        zeros = max(0, min(count, self.n - self.pos))
        buf[:zeros] = bytes(zeros)
        tail_from = self.pos + zeros - self.n
        buf[zeros:count] = self.tail[tail_from:tail_from + count - zeros]
        self.pos += count
        return count


def big_member_tar_gz(path, tail):
    info = tarfile.TarInfo("big.bin")
    info.size = BIG_ZEROS + len(tail)
    info.mtime = 0
    with tarfile.open(path, "w:gz") as tar:
        tar.addfile(info, io.BufferedReader(ZerosThen(BIG_ZEROS, tail), 1 << 20))


def zipcrypto(data, password, check_byte):
    """Traditional PKWARE encryption (APPNOTE 6.1): 12-byte header, then the data."""
    keys = [0x12345678, 0x23456789, 0x34567890]

    def crc(value, byte):
        return zlib.crc32(bytes([byte]), value ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    def update(byte):
        keys[0] = crc(keys[0], byte)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc(keys[2], keys[1] >> 24)

    for byte in password:
        update(byte)
    out = bytearray()
    for byte in bytes(11) + bytes([check_byte]) + data:
        temp = (keys[2] | 2) & 0xFFFF
        out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
        update(byte)
    return bytes(out)


def encrypted_zip(path, name, data, password):
    crc = zlib.crc32(data)
    body = zipcrypto(data, password, crc >> 24)
    fields = struct.pack("<HHHHHIIIHH", 20, 1, 0, 0, 0x21, crc, len(body), len(data), len(name), 0)
    local = b"PK\x03\x04" + fields + name
    central = (b"PK\x01\x02" + struct.pack("<H", 20) + fields +
               struct.pack("<HHHII", 0, 0, 0, 0, 0) + name)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central),
                                      len(local) + len(body), 0)
    with open(path, "wb") as f:
        f.write(local + body + central + end)


def main():
    out = sys.argv[1]
    eicar = sys.stdin.buffer.read().strip()
    big_member_tar_gz(os.path.join(out, "big-member.tar.gz"), eicar)
    big_member_tar_gz(os.path.join(out, "big-clean.tar.gz"), b"nothing to see\n")
    with zipfile.ZipFile(os.path.join(out, "eicar.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("eicar.com", eicar)
    with zipfile.ZipFile(os.path.join(out, "two.zip"), "w") as z:
        z.writestr("a.com", eicar)
        z.writestr("b.txt", MARKER)
        z.writestr("c.com", eicar)
    encrypted_zip(os.path.join(out, "encrypted.zip"), b"secret.txt",
                  b"nothing secret here\n", b"fanguard")
    with open(os.path.join(out, "over-1000.bin"), "wb") as f:
        f.write(b"clean " * 333 + b"..")


if __name__ == "__main__":
    main()
