# fg_mmap_writer.py FILE READY GO PAYLOAD: the scheduled-scan mmap-writer attacks' user
# (cli_scheduled_scan_attack_mmap_writer, e2e_attack_scheduled_scan_mmap_writer). Maps FILE
# shared and writable, touches one page (the one time update), creates READY, waits for GO,
# then writes PAYLOAD through the mapping: a store into a page already mapped writable moves
# neither mtime nor ctime. The tests copy it where the user may read it.
import mmap, os, sys, time
path, ready, go, payload = sys.argv[1:5]
fd = os.open(path, os.O_RDWR)
m = mmap.mmap(fd, 0)
os.close(fd)  # only the mapping holds the file open for writing now
m[0:1] = m[0:1]  # faulted in writable: mtime and ctime are set now, and not again
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.05)
m[0:len(payload)] = payload.encode()
m.close()
