# The clamav plugin's detection switches do what clamscan's do, defaults included, on the
# same files with the same signatures.
. "$(dirname "$0")/lib.sh"
. "$DATA/clamav-fidelity/compare.sh"
EICAR_NAME=Fanguard.Test.EICAR.UNOFFICIAL
MARKER_NAME=Fanguard.Test.ClamMarker.UNOFFICIAL
ENCRYPTED=Heuristics.Encrypted.Zip

# encrypted archives: no alert by default; alert_encrypted covers archives and documents
expect_same OK "$SAMPLES/encrypted.zip" ""
expect_same "$ENCRYPTED" "$SAMPLES/encrypted.zip" "alert_encrypted = true" --alert-encrypted=yes
expect_same "$ENCRYPTED" "$SAMPLES/encrypted.zip" "alert_encrypted_archive = true" \
	--alert-encrypted-archive=yes
expect_same OK "$SAMPLES/encrypted.zip" "alert_encrypted_doc = true" --alert-encrypted-doc=yes
expect_same "$ENCRYPTED" "$SAMPLES/encrypted.zip" "alert_encrypted = true heuristic_alerts = false" \
	--alert-encrypted=yes --heuristic-alerts=no

# archives are unpacked unless scan_archive = false
expect_same "$EICAR_NAME" "$SAMPLES/eicar.zip" ""
expect_same OK "$SAMPLES/eicar.zip" "scan_archive = false" --scan-archive=no
expect_same OK "$SAMPLES/big-member.tar.gz" "scan_archive = false" --scan-archive=no

# the first match ends the scan; allmatch goes on and names every signature once
expect_same "$EICAR_NAME" "$SAMPLES/two.zip" ""
expect_same "$EICAR_NAME, $MARKER_NAME" "$SAMPLES/two.zip" "allmatch = true" --allmatch=yes
pass
