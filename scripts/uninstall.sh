#!/usr/bin/env bash
# Removes elevgw from a gateway (docs/install.md); `elevgw uninstall` runs this:
#
#   sudo scripts/uninstall.sh [--purge] [--root DIR]
#
# Stops and disables the service; removes the releases, /opt/elevgw/current, /usr/local/bin/elevgw,
# the unit, the udev rules and the journald drop-in. The site's config and credentials
# (/etc/elevgw) and its data (/var/lib/elevgw: the outbox with any events not yet delivered) stay,
# and so does the elevgw user, unless --purge. The time zone is left as it is.
# --root DIR: as scripts/install.sh --root (calls recorded in DIR/.elevgw-install.log).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/install-lib.sh
. "$here/install-lib.sh"

purge=0
while [ $# -gt 0 ]; do
  case $1 in
    --purge) purge=1; shift ;;
    --root) ROOT=${2:?--root needs a directory}; shift 2 ;;
    -h | --help) sed -n '4,5p' "$0" | sed 's/^# *//' >&2; exit 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
init_root

if [ -f "$(R /etc/systemd/system/elevgw.service)" ]; then
  # A machine without a running systemd (a chroot) has nothing to stop: go on removing files.
  sys systemctl disable --now elevgw.service || say "warning: could not stop and disable elevgw.service"
  rm -f "$(R /etc/systemd/system/elevgw.service)"
  sys systemctl daemon-reload || true
fi
if [ -f "$(R /etc/udev/rules.d/99-elevgw-rs485.rules)" ]; then
  rm -f "$(R /etc/udev/rules.d/99-elevgw-rs485.rules)"
  sys udevadm control --reload-rules || true
fi
if [ -f "$(R /etc/systemd/journald.conf.d/50-elevgw.conf)" ]; then
  rm -f "$(R /etc/systemd/journald.conf.d/50-elevgw.conf)"
  sys systemctl restart systemd-journald.service || true
fi
case $(readlink "$(R /usr/local/bin/elevgw)" 2>/dev/null || true) in
  *opt/elevgw/*) rm -f "$(R /usr/local/bin/elevgw)" ;;
esac
rm -rf "$(R /opt/elevgw)"

if [ "$purge" = 1 ]; then
  rm -rf "$(R /etc/elevgw)" "$(R /var/lib/elevgw)"
  if have_user elevgw; then sys userdel elevgw; fi
  say "elevgw removed, with its config, credentials, data and user (--purge)"
else
  say "elevgw removed; kept /etc/elevgw (config, credentials) and /var/lib/elevgw (the outbox): remove them with --purge"
fi
