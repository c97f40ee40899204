# A plugin that returns a value outside the verdict enum gets an error vote, never a crash.
FAULT=garbage EVERY=1 . "$(dirname "$0")/fault_common.sh"
expect_log "faulty: plugin returned invalid verdict 1234"
fg_stop
pass
