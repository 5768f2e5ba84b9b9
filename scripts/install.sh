#!/usr/bin/env bash
# Installs an elevgw release on a gateway, offline (docs/install.md):
#
#   sudo scripts/install.sh elevgw-<version>-<target>.tar.gz [--site site.yaml] [--credentials FILE]
#                           [--timezone Asia/Shanghai] [--root DIR]
#
# Checks the tarball's .sha256 (beside it), MANIFEST.sha256 and the symlinks release.json lists;
# installs /opt/elevgw/releases/<version> behind the /opt/elevgw/current symlink (swapped with one
# rename) and /usr/local/bin/elevgw; creates the elevgw system user (groups dialout, gpio),
# /etc/elevgw (0750 root:elevgw), /var/lib/elevgw (0750 elevgw:elevgw), the credentials file
# (0600 root), the systemd unit, udev rules for USB RS-485 adapters, a journald drop-in, and sets
# the time zone. The service is started only with a config that passes
# `elevgw config validate --strict` (checked as the service user, with the new release, before
# anything is replaced); a refused config changes nothing. Each step compares before it writes,
# so installing the same release again changes and restarts nothing.
#
# --root DIR installs into the tree under DIR instead of /, and records the calls that act on the
# running system (systemctl, udevadm, useradd, groupadd, chown, chmod, timedatectl) in
# DIR/.elevgw-install.log instead of making them (chmod is applied as well): for tests and for
# preparing an image.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/install-lib.sh
. "$here/install-lib.sh"

usage() {
  sed -n '4,5p' "$0" | sed 's/^# *//' >&2
  exit 2
}

tarball='' site='' credentials='' tz='Asia/Shanghai' ROOT=''
while [ $# -gt 0 ]; do
  case $1 in
    --site) site=${2:?--site needs a file}; shift 2 ;;
    --credentials) credentials=${2:?--credentials needs a file}; shift 2 ;;
    --timezone) tz=${2:?--timezone needs a zone, e.g. Asia/Shanghai}; shift 2 ;;
    --root) ROOT=${2:?--root needs a directory}; shift 2 ;;
    -h | --help) usage ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$tarball" ] || die "one release at a time (got $tarball and $1)"; tarball=$1; shift ;;
  esac
done
[ -n "$tarball" ] || usage
init_root
[ -f "$tarball" ] || die "no such file: $tarball"
[ -z "$site" ] || [ -r "$site" ] || die "cannot read the site config $site"
[ -z "$credentials" ] || [ -r "$credentials" ] || die "cannot read the credentials file $credentials"
case $tz in
  *..* | /*) die "not a time zone: $tz" ;;
esac
[ -f "/usr/share/zoneinfo/$tz" ] || die "unknown time zone $tz (no /usr/share/zoneinfo/$tz)"

# ---- 1. the release: checksum, manifest, symlinks ---------------------------------------------
top=$(basename "$tarball" .tar.gz)
case $top in
  elevgw-*-linux-arm64 | elevgw-*-linux-armv7l | elevgw-*-linux-x64) ;;
  *) die "$tarball is not named like a release (elevgw-<version>-linux-<arch>.tar.gz)" ;;
esac
target=linux-${top##*-linux-}
version=${top#elevgw-}
version=${version%-linux-*}
check_tarball_sum "$tarball"
check_arch "$target"

ensure_dir /opt/elevgw 0755 root:root
ensure_dir /opt/elevgw/releases 0755 root:root
staging=$(mktemp -d "$(R /opt/elevgw/releases)/.staging.XXXXXX")
chmod 0755 "$staging" # the service user validates the config with it
staged_config='' staged_credentials='' creds_dir=''
cleanup() {
  rm -rf "$staging"
  [ -z "$staged_config" ] || rm -f "$staged_config"
  [ -z "$staged_credentials" ] || rm -f "$staged_credentials"
  [ -z "$creds_dir" ] || rm -rf "$creds_dir"
}
trap cleanup EXIT
dest=$(R "/opt/elevgw/releases/$version")
release_new=1
if [ -d "$dest" ]; then
  # Installed already? Then compare manifests before unpacking anything: installing the same
  # release again must not write 160 MB to the SD card.
  tar -xzf "$tarball" -O "$top/MANIFEST.sha256" >"$staging/MANIFEST.sha256" || die "$tarball has no $top/MANIFEST.sha256"
  cmp -s "$dest/MANIFEST.sha256" "$staging/MANIFEST.sha256" ||
    die "version $version is already installed with other contents ($dest); a rebuilt release must carry a new version"
  # The same release: keep the installed copy if it is intact (an SD card can rot), else replace it.
  problem=$(release_problem "$dest" "$version" "$target")
  if [ -z "$problem" ]; then release_new=0; else say "the installed $version is damaged ($problem): replacing it"; fi
fi
candidate=$dest
if [ "$release_new" = 1 ]; then
  rm -f "$staging/MANIFEST.sha256"
  tar -xzf "$tarball" -C "$staging"
  [ "$(ls -A "$staging")" = "$top" ] || die "$tarball must hold exactly one directory, $top"
  problem=$(release_problem "$staging/$top" "$version" "$target")
  [ -z "$problem" ] || die "$tarball is not a sound release: $problem"
  candidate=$staging/$top
fi

# ---- 2. the service user and its directories --------------------------------------------------
have_group gpio || sys groupadd --system gpio
if ! have_user elevgw; then
  sys useradd --system --user-group --home-dir /var/lib/elevgw --no-create-home --shell /usr/sbin/nologin --groups dialout,gpio elevgw
elif [ -z "$ROOT" ] && ! id -nG elevgw | tr ' ' '\n' | grep -qx gpio; then
  usermod -aG dialout,gpio elevgw
fi
ensure_dir /etc/elevgw 0750 root:elevgw
ensure_dir /var/lib/elevgw 0750 elevgw:elevgw

# ---- 3. the config, validated by the new release before anything is replaced ------------------
etc=$(R /etc/elevgw)
config=$etc/site.yaml
if [ -n "$site" ]; then
  # Staged beside the live one, so paths relative to it (TLS files) mean the same.
  staged_config=$etc/.site.yaml.new
  cp "$site" "$staged_config"
  config=$staged_config
fi
if [ -n "$credentials" ]; then
  staged_credentials=$etc/.credentials.new
  (umask 077 && cp "$credentials" "$staged_credentials")
fi
if [ -f "$config" ]; then
  creds_dir=$(credentials_for_validation "${staged_credentials:-$etc/credentials}")
  if ! out=$(validate_as_service "$candidate" "$config" "$creds_dir" 2>&1); then
    shown=${site:-/etc/elevgw/site.yaml}
    {
      echo "install.sh: refused: the site config $shown fails \`elevgw config validate --strict\`."
      echo "No release, config or unit was installed or replaced, and nothing was started. Fix these and install again:"
      printf '%s\n' "$out" | sed "s|$config|$shown|g" | grep -v '^elevgw: CONFIG_' || true
    } >&2
    exit 1
  fi
fi

# ---- 4. commit: release, links, files ---------------------------------------------------------
restart=0
previous=$(readlink "$(R /opt/elevgw/current)" 2>/dev/null || true)
if [ "$release_new" = 1 ]; then
  rm -rf "$dest"
  mv "$staging/$top" "$dest"
  restart=1
fi
if [ "$previous" != "releases/$version" ]; then
  # A new link renamed over the old one: `current` is never missing, not even for an instant.
  ln -sfn "releases/$version" "$(R /opt/elevgw/.current.new)"
  mv -T "$(R /opt/elevgw/.current.new)" "$(R /opt/elevgw/current)"
  restart=1
fi
ensure_dir /usr/local/bin 0755 root:root
ensure_link ../../../opt/elevgw/current/bin/elevgw /usr/local/bin/elevgw
if [ -n "$staged_config" ]; then
  if place_file "$staged_config" /etc/elevgw/site.yaml 0640 root:elevgw; then restart=1; fi
  staged_config=''
fi
if [ -n "$staged_credentials" ]; then
  if place_file "$staged_credentials" /etc/elevgw/credentials 0600 root:root; then restart=1; fi
  staged_credentials=''
elif [ ! -e "$etc/credentials" ]; then
  # LoadCredential= needs the file even when the config names no secret.
  : >"$etc/credentials"
  set_mode 0600 /etc/elevgw/credentials
  set_owner root:root /etc/elevgw/credentials
fi
if install_file "$dest/scripts/elevgw.service" /etc/systemd/system/elevgw.service 0644 root:root; then
  sys systemctl daemon-reload
  restart=1
fi
if install_file "$dest/scripts/udev/99-elevgw-rs485.rules" /etc/udev/rules.d/99-elevgw-rs485.rules 0644 root:root; then
  sys udevadm control --reload-rules
  sys udevadm trigger --subsystem-match=tty --action=add
fi
if install_file "$dest/scripts/journald/elevgw.conf" /etc/systemd/journald.conf.d/50-elevgw.conf 0644 root:root; then
  sys systemctl restart systemd-journald.service
fi
set_timezone "$tz"
# Only when `current` moved: the release it left is the one kept for going back. Installing the
# current version again moves nothing, so the release kept before it stays.
if [ "$previous" != "releases/$version" ]; then prune_releases "$version" "${previous#releases/}"; fi

# ---- 5. the service ---------------------------------------------------------------------------
if [ ! -f "$etc/site.yaml" ]; then
  say "elevgw $version installed, NOT started: there is no /etc/elevgw/site.yaml."
  say "Write one (elevgw init), then run this installer again with --site FILE."
  exit 0
fi
if ! service_enabled; then
  sys systemctl enable elevgw.service
  restart=1
fi
if [ "$restart" = 1 ]; then
  if ! sys systemctl restart elevgw.service; then
    die "elevgw $version is installed but did not start; see: journalctl -u elevgw -n 50"
  fi
  if [ -n "$ROOT" ]; then
    say "elevgw $version ($target) installed into $ROOT; the calls a live system needs are in $LOG"
  else
    say "elevgw $version ($target) installed and running; logs: journalctl -u elevgw -f; health: elevgw health --config /etc/elevgw/site.yaml"
  fi
else
  say "elevgw $version ($target) is already installed as given; nothing changed, nothing restarted"
fi
