# ATTACK (a crafted clamd.conf handed to `fanguard import-clamd-conf`): the importer quotes values
# by escaping only '"' and '\' (cmd_import_clamd.c quoted()), but libconfuse also expands
# ${VAR} and ${VAR:-default} inside double-quoted strings. clamd takes
# `OnAccessExcludePath /srv/${FG_X:-}` literally (a folder that does not exist: excludes
# nothing); the generated line `exclude += {"/srv/${FG_X:-}"}` reads as "/srv/" to fanguardd:
# the whole watched tree is excluded and EICAR is allowed. The same goes for every quoted value
# (paths, exclude_uid names, DatabaseDirectory): the daemon reads something other than the line.
# Expected: the generated config keeps the value literal (EICAR denied), or the import refuses it.
. "$(dirname "$0")/lib.sh"
fg_setup
chmod 0711 "$WORK"
mkdir -m 0755 "$MNT/srv"
cat >"$WORK/clamd.conf" <<CONF
OnAccessIncludePath $MNT
OnAccessExcludePath $MNT/srv/\${FG_UNSET_IMPORT_VAR:-}
OnAccessPrevention yes
DatabaseDirectory $DATA/clamav
CONF
"$FANGUARD" import-clamd-conf "$WORK/clamd.conf" >"$WORK/fanguard.conf" || fail "import failed"
cat >>"$WORK/fanguard.conf" <<CONF
log { level = "info" }
control { socket = "$WORK/control.sock" }
CONF
cat "$WORK/fanguard.conf"
fg_start "$WORK/fanguard.conf"
fg_put "$MNT/srv/eicar.com" "$EICAR"
sleep 1
chmod 0644 "$MNT/srv/eicar.com"
got=$(as_attacker "$FG_PROBE" open "$MNT/srv/eicar.com" || true)
[ "$got" = EPERM ] || fail "EICAR under $MNT/srv opened ('$got'): the imported exclusion '$MNT/srv/\${FG_UNSET_IMPORT_VAR:-}' (a literal, nonexistent folder for clamd) was read by fanguardd as '$MNT/srv/'"
fg_stop
pass
