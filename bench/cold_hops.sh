#!/bin/bash
# Cold 4 KiB opens under build NEW and build BASE, interleaved rounds: the opener's latency, and the
# monitor process's CPU and context switches (perf stat -p, which load does not change).
# Usage (as root): NEW=build BASE=/tmp/base/build unshare --mount --propagation private bench/cold_hops.sh ROUNDS
set -u
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "not in a private namespace"; exit 1; }
SRC=$(cd "$(dirname "$0")/.." && pwd); NEW=${NEW:?NEW=build dir}; BASE=${BASE:?BASE=build dir}; OB=$NEW/bench/fg_openbench
W=$(mktemp -d /tmp/cold_hops.XXXXXX); MNT=$W/mnt; mkdir $MNT
mount -t tmpfs -o size=512m fg-cold_hops $MNT
trap 'umount $MNT; rm -rf $W' EXIT
one() { # label build round
	local d=$MNT/$1-$3
	mkdir -p $d; $OB mkfiles $d/w 200 4096 >/dev/null; $OB mkfiles $d/c 2000 4096 >/dev/null
	cat >$W/$1.conf <<CONF
watch { paths = {"$d"} events = {"open", "exec", "close_write"} max_file_size = 26214400 }
verdict { policy = "any-deny" timeout_ms = 5000 on_timeout = "allow" on_error = "allow" }
log { level = "info" }
control { socket = "$W/$1.sock" }
plugin clamav { database = {"$SRC/conf/signatures"} }
plugin yara   { rules = {"$SRC/conf/rules"} }
plugin hash   { blocklist = {"$SRC/conf/hashes/blocklist.sha256"} }
CONF
	: >$W/$1.log
	timeout -s KILL 120 $2/sbin/fanguardd -c $W/$1.conf >>$W/$1.log 2>&1 & local tp=$!
	for _ in $(seq 1 600); do grep -q ' ready: ' $W/$1.log && break; sleep 0.05; done
	local pid=$(pgrep -P $tp -x fanguardd)
	$OB seq $d/w 200 >/dev/null
	perf stat -x, -e task-clock,context-switches -p $pid -o $W/perf.$1 -- $OB seq $d/c 2000 > $W/seq.$1
	echo "$1 r$3: $(cat $W/seq.$1 | tr '\n' ' ')"
	grep -E "task-clock|context-switches" $W/perf.$1 | awk -F, '{printf "   monitor %s %s per event %.2f\n", $3, $1, $1/2000}'
	kill -TERM $tp; wait $tp
	rm -rf $d
}
for r in $(seq 1 ${1:-2}); do one new $NEW $r; one base $BASE $r; done
