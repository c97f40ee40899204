# A plugin that never returns: each event is decided without its vote just before the deadline,
# its stuck scanner is killed and restarted, and after restart_limit hangs it is disabled.
FAULT=hang EVERY=1 UNTIL="SCANNER faulty DISABLED" . "$(dirname "$0")/fault_common.sh"
expect_log "scanner faulty \(pid [0-9]+\) hung \(a scan ran past twice timeout_ms\), killed"
expect_log "faulty: scanner faulty gave no verdict within 1000 ms"
fg_stop
pass
