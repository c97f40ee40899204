#!/bin/bash
# compileall under no listener / fanguardd (this build) / fanguardd (base), alternating rounds.
# Usage (as root): NEW=build BASE=/tmp/base/build unshare --mount --propagation private bench/compileall_pairs.sh ROUNDS
set -u
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "not in a private namespace"; exit 1; }
SRC=$(cd "$(dirname "$0")/.." && pwd); NEW=${NEW:?NEW=build dir}; BASE=${BASE:?BASE=build dir}
W=$(mktemp -d /tmp/compileall_pairs.XXXXXX); MNT=$W/mnt; mkdir $MNT
mount -t tmpfs -o size=1g fg-compileall_pairs $MNT
trap 'umount $MNT; rm -rf $W' EXIT
PY=/usr/bin/python3; PY_SRC=$($PY -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
conf() { cat >$W/$1.conf <<CONF
watch { paths = {"$MNT"} events = {"open", "exec", "close_write"} max_file_size = 26214400 }
verdict { policy = "any-deny" timeout_ms = 5000 on_timeout = "allow" on_error = "allow" }
log { level = "info" }
control { socket = "$W/$1.sock" }
plugin clamav { database = {"$SRC/conf/signatures"} }
plugin yara   { rules = {"$SRC/conf/rules"} }
plugin hash   { blocklist = {"$SRC/conf/hashes/blocklist.sha256"} }
CONF
}
run_one() { # label build-or-none round
	local d=$MNT/$1-$3 pid=
	mkdir -p $d
	tar -C "$PY_SRC" --exclude=__pycache__ --exclude=site-packages --exclude=dist-packages -cf - . | tar -C $d -xf -
	if [ "$2" != none ]; then
		conf $1; : >$W/$1.log
		timeout -s KILL 120 $2/sbin/fanguardd -c $W/$1.conf >>$W/$1.log 2>&1 & pid=$!
		for _ in $(seq 1 600); do grep -q ' ready: ' $W/$1.log && break; sleep 0.05; done
	fi
	t0=$(date +%s%N)
	timeout -s KILL 300 env -u PYTHONDONTWRITEBYTECODE $PY -m compileall -q $d >/dev/null 2>&1
	t1=$(date +%s%N)
	echo "$1 round $3 compileall_ms=$(((t1 - t0) / 1000000))"
	if [ -n "$pid" ]; then kill -TERM $pid; wait $pid; grep -o '[0-9]* scanned,' $W/$1.log | tail -1; grep -o '[0-9]* opens of empty files answered' $W/$1.log | tail -1; fi
	rm -rf $d
}
for r in $(seq 1 ${1:-3}); do
	run_one none none $r
	run_one new $NEW $r
	run_one base $BASE $r
done
