#!/usr/bin/env bash
# Installs what fanguard needs to build and test on Debian 12 (run as root).
set -euo pipefail

packages=(build-essential cmake pkg-config libclamav-dev libyara-dev libconfuse-dev libssl-dev
	util-linux mount coreutils diffutils procps clang libclang-rt-14-dev python3
	e2fsprogs # mkfs.ext4: e2e_attack_open_by_handle_ext4 makes an ext4 image on a loop device
	groff-base man-db dpkg-dev binutils file lintian # man page lint; the .deb (cpack), lintian
	clamav yara # clamscan and yara: the fidelity test compares fanguard's verdicts with theirs
	clamav-daemon # clamd for the clamd plugin's tests: they start their own, on a free port
	# with a private config and socket, so the package's own clamd/freshclam services do not matter
	strace # test_scheduled_scan_lazy: an unchanged file is never opened, the database not read
	systemd # systemd-analyze: the units are verified (test_deb_package, test_scheduled_scan_units)
	fuse3 libfuse3-dev # fusermount3 and libfuse3: e2e_attack_lying_fuse mounts a lying FUSE filesystem
	prometheus) # /usr/bin/promtool: e2e_metrics_promtool runs `promtool check metrics` on our output

# The scanners' own user: no other process runs as it, so no one but root can signal them
# (as `nobody`, any process of nobody's could kill them until they were disabled).
if [ "$(id -u)" -eq 0 ] && ! getent passwd fanguard-scan >/dev/null; then
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin fanguard-scan
	echo "install-deps: created the system user fanguard-scan (fanguard's scanners run as it)"
fi

missing=()
for p in "${packages[@]}"; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run as root (or with sudo)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
