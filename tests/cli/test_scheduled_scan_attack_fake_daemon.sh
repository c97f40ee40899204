# Attack on `fanguard scheduled-scan` (and every command that talks to fanguardd): the control
# socket is configured in a folder an ordinary user may write (here a sticky 1777 folder, as
# /tmp); while fanguardd is down the user binds his own server there and answers "allow" for
# every file. Before the fix root's scheduled scan took him for the daemon: in auto mode (and
# with --daemon) it reported an EICAR file clean, remembered it as such, and sent him O_PATH
# descriptors of its whole walk. Now a server whose peer uid is neither root nor the caller's
# is refused: auto mode scans by itself and finds the file; --daemon fails and says why.
. "$(dirname "$0")/lib.sh"
need_setpriv
[ -x /usr/bin/python3 ] || fail "/usr/bin/python3 is needed for the fake daemon"
chmod 755 "$WORK"
make_scan_dirs
mkdir -p "$WORK/run"
chmod 1777 "$WORK/run"
printf '%s' "$EICAR" >"$WORK/tree/eicar.com"
echo clean >"$WORK/tree/clean.txt"
CONTROL_SOCKET="$WORK/run/control.sock" write_schedule_conf "$WORK/tree"
cat >"$WORK/fake.py" <<'PY'
import os, socket, struct, sys, threading
path, ready = sys.argv[1:3]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
os.chmod(path, 0o666)
srv.listen(8)
open(ready, "w").close()
def serve(conn):
    with conn:
        line = b""
        while not line.endswith(b"\n"):
            b = conn.recv(1)
            if not b:
                return
            line += b
        if line != b"scan\n":
            conn.sendall(b"ok\nplugins: clamav 1.0 (fake)\n")
            return
        conn.sendall(b"ok\n")
        while True:
            msg, anc, _, _ = socket.recv_fds(conn, 8, 1)
            for fd in anc:
                os.close(fd)
            if len(msg) < 8:
                return
            n, _ = struct.unpack("II", msg)
            while n:
                n -= len(conn.recv(n))
            conn.sendall(b"allow\t\t\t\tnone\n")
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
chmod 644 "$WORK/fake.py"
as_user timeout 120 /usr/bin/python3 "$WORK/fake.py" "$WORK/run/control.sock" "$WORK/run/.ready" \
	>"$WORK/fake.log" 2>&1 </dev/null &
fake=$!
trap 'kill "$fake" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 600); do [ -e "$WORK/run/.ready" ] && break; sleep 0.05; done
[ -e "$WORK/run/.ready" ] || fail "the fake daemon did not start"

# auto (the default): the user's server is not the daemon; the command scans by itself
expect_scheduled_scan 1
expect_out "eicar\.com: .*FOUND"
expect_out "^scheduled scan done: 2 files scanned, .*scanned here"
# --daemon: refused, with the reason
expect_scheduled_scan 2 --daemon
expect_out "served by uid 65534 .*not by root"
expect_no_out "^scheduled scan done"
pass
