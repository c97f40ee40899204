# A plugin that aborts on every scan is disabled after restart_limit crashes, loudly; the
# daemon goes on with the healthy plugin.
FAULT=abort EVERY=1 UNTIL="SCANNER faulty DISABLED" . "$(dirname "$0")/fault_common.sh"
expect_log "scanner faulty \(pid [0-9]+\) killed by signal 6 \(ABRT\)"
expect_log "SCANNER faulty DISABLED: it failed 5 times within 60 s"
fg_stop
pass
