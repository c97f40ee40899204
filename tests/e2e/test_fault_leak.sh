# A plugin that leaks 2 MiB per scan is killed when its scanner passes memory_limit_mb.
FAULT=leak EVERY=1 EXTRA="leak_mb = 2" SCAN_EXTRA="memory_limit_mb = 100" UNTIL="used more memory" \
	. "$(dirname "$0")/fault_common.sh"
expect_log "scanner faulty \(pid [0-9]+\) used more memory than memory_limit_mb, killed"
fg_stop
pass
