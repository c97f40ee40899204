# On access, a .tar.gz whose 30 MiB member ends in EICAR is denied, as clamscan finds it:
# libclamav's own 100 MiB max_file_size applies, not a lower one of the plugin's. The same
# archive with a clean member opens.
. "$(dirname "$0")/lib.sh"
fg_setup
mkdir "$WORK/samples"
printf '%s' "$EICAR" | python3 "$DATA/clamav-fidelity/samples.py" "$WORK/samples" ||
	fail "cannot make the samples"
cp "$WORK/samples/big-member.tar.gz" "$WORK/samples/big-clean.tar.gz" "$MNT/"
# the archives are ~30 KiB: watch.max_file_size (any default) is not what is tested here
fg_write_config "$WORK/fanguard.conf" clamav
fg_start "$WORK/fanguard.conf"
expect_log "plugin clamav: limits, libclamav's own unless \(set\): max_file_size 104857600, "

expect_open EPERM "$MNT/big-member.tar.gz"
expect_log "DENY open of $MNT/big-member.tar.gz .*clamav: Fanguard.Test.EICAR.UNOFFICIAL"
expect_open ok "$MNT/big-clean.tar.gz"
expect_no_log "DENY open of $MNT/big-clean.tar.gz"
fg_stop
pass
