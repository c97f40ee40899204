# A plugin that writes past the end of a heap buffer. Under AddressSanitizer the scanner is
# stopped at the first overflow and restarted; without it the corruption stays inside the
# scanner process. Either way every open is answered as the policy says and the daemon lives.
case "$(ldd "$FANGUARD_BUILD/sbin/fanguardd")" in *libasan*)
	UNTIL="scanner faulty \(pid [0-9]+\)" ;;
esac
FAULT=overflow EVERY=1 . "$(dirname "$0")/fault_common.sh"
if [ -n "${UNTIL:-}" ]; then
	expect_log "scanner faulty \(pid [0-9]+\) (exited with status 1|killed by signal 6)"
fi
fg_stop
pass
