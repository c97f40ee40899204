# A plugin that aborts on every scan is disabled after restart_limit crashes, loudly; the
# daemon goes on with the healthy plugin.
FAULT=abort EVERY=1 UNTIL="SCANNER faulty DISABLED" . "$(dirname "$0")/fault_common.sh"
expect_log "scanner faulty \(pid [0-9]+\) killed by signal 6 \(ABRT\)"
expect_log "SCANNER faulty DISABLED: it failed 5 times within 60 s"
# from then on its plugin votes an error (on_error = allow here: the healthy plugin decides)
expect_open ok "$MNT/files/f1"
expect_open EPERM "$MNT/files/f0"
expect_log "scan error on open $MNT/files/f1: faulty: scanner faulty is DISABLED \(it failed 5 times within 60 s\)"
fg_stop
pass
